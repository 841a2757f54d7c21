// hetero-quadratic: node j has f_j = 1/2 ||x - c_j 1||^2 (docs/theory.md, "What a correct simulator shows";
// Chen et al. 2020), f = (1/n) sum_j f_j = 1/2 ||x - cbar 1||^2 + (d/2) var(c), so the optimum is the mean
// cbar of the centres, f* = (d/2) var(c) (population variance), L = 1, L_inf = ||L||_1 = d; no global
// gradient bound G. Majority vote of plain signs settles at the coordinate-wise median of the c_j instead.
#include <algorithm>
#include <limits>

#include "signrate/problem.hpp"

namespace signrate::problems {

ComponentInfo hetero_quadratic_info() {
  return {
      "hetero-quadratic",
      "node j: f_j = 1/2 ||x - c_j 1||^2; optimum: the mean of the centres (needs --nodes n and n centres)",
      {{"centers", "", "numbers separated by '/', one per node", "the centres c_j (else drawn, see spread)"},
       {"spread", "1", ">= 0", "without centers: c_j = spread (E_j - 1), E_j ~ Exp(1), skewed"},
       {"seed", "0", "integer in [0, 2^32)", "seed of the drawn centres"},
       {"x1", "0", "real", "starting value of every coordinate"}}};
}

Problem make_hetero_quadratic(Params& params, std::uint32_t d, std::uint32_t nodes) {
  std::vector<double> c = node_centers(params, nodes);
  const double x1 = params.real("x1", any_real());
  double mean = 0.0, var = 0.0;
  for (double v : c) mean += v;
  mean /= c.size();
  for (double v : c) var += (v - mean) * (v - mean);
  var /= c.size();
  std::vector<double> sorted = c;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  Problem p;
  p.separable_kind = SeparableKind::kQuadratic;
  p.coef.assign(d, 1.0);
  p.x0.assign(d, x1);
  p.constants.f_star = 0.5 * d * var;
  p.constants.L = 1.0;
  p.constants.L_inf = d;
  p.constants.L_vec.assign(d, 1.0);
  p.constants.G = std::numeric_limits<double>::infinity();
  p.extra_declared = {{"optimum_coordinate", mean}, {"median_of_centers", median}};
  make_heterogeneous(p, std::move(c));
  return p;
}

}  // namespace signrate::problems
