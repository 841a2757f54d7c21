// diag-quadratic: f = 1/2 sum_i h_i x_i^2 with a chosen spectrum normalized to ||h||_1 = l1, from
// x_1 = a 1, so Delta = a^2 l1 / 2 and L_inf = ||L||_1 = l1 stay fixed as d grows (the Theorem 2
// family). `negative` coordinates (the last ones) get curvature -h_i: f is then unbounded below.
#include <cmath>
#include <limits>

#include "signrate/exact_pow.hpp"
#include "signrate/problem.hpp"

namespace signrate::problems {

ComponentInfo diag_quadratic_info() {
  return {
      "diag-quadratic",
      "f = 1/2 sum h_i x_i^2, ||h||_1 = l1 fixed, x_1 = a 1: Delta and L_inf fixed in d (Theorem 2 family)",
      {{"l1", "1", "> 0", "||L||_1 = sum |h_i| (= L_inf)"},
       {"law", "const", "const, power, spikes", "spectrum: equal, h_i ~ i^-decay, or `spikes` large ones"},
       {"decay", "1", ">= 0", "power-law exponent"},
       {"spikes", "1", "integer >= 0", "number of large curvatures under law=spikes"},
       {"ratio", "10", "> 0", "how much larger the spiked curvatures are"},
       {"negative", "0", "integer in [0, d]", "number of negative-curvature coordinates (the last ones)"},
       {"a", "1", "> 0", "starting value of every coordinate"}}};
}

Problem make_diag_quadratic(Params& params, std::uint32_t d) {
  const double l1 = params.real("l1", positive());
  const std::string law = params.choice("law", {"const", "power", "spikes"});
  std::vector<double> h(d, 1.0);
  if (law == "power") {
    const double decay = params.real("decay", nonnegative());
    for (std::uint32_t i = 0; i < d; ++i) h[i] = exact_pow(static_cast<double>(i + 1), -decay);
  } else if (law == "spikes") {
    const auto k = params.integer("spikes", 0, d);
    const double ratio = params.real("ratio", positive());
    for (std::int64_t i = 0; i < k; ++i) h[i] = ratio;
  }
  const auto negative = params.integer("negative", 0, d);
  const double a = params.real("a", positive());
  double sum = 0;
  for (double v : h) sum += v;
  double hmax = 0;
  for (double& v : h) v *= l1 / sum, hmax = std::max(hmax, v);
  Problem p;
  p.separable_kind = SeparableKind::kQuadratic;
  p.constants.L_vec = h;
  p.coef = h;
  for (std::int64_t k = 0; k < negative; ++k) p.coef[d - 1 - k] = -h[d - 1 - k];
  p.x0.assign(d, a);
  p.constants.L = hmax;
  p.constants.L_inf = l1;
  p.constants.G = std::numeric_limits<double>::infinity();
  if (negative > 0) p.constants.has_f_star = p.constants.bounded_below = false;
  return p;
}

}  // namespace signrate::problems
