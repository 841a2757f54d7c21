// quadratic: f = L/2 ||x||^2 from x_1 = (a/sqrt(d)) 1, so Delta = L a^2 / 2 for every d
// (docs/theory.md "How a rate is verified", step 1: the Theorem 1 family).
#include <cmath>
#include <limits>

#include "signrate/problem.hpp"

namespace signrate::problems {

ComponentInfo quadratic_info() {
  return {"quadratic",
          "f = L/2 ||x||^2, x_1 = (a/sqrt d) 1: Delta = L a^2/2 fixed as d grows (Theorem 1 family)",
          {{"L", "1", "> 0", "curvature (the l2 smoothness constant)"}, {"a", "1", "> 0", "||x_1||_2"}}};
}

Problem make_quadratic(Params& params, std::uint32_t d) {
  const double L = params.real("L", positive());
  const double a = params.real("a", positive());
  Problem p;
  p.separable_kind = SeparableKind::kQuadratic;
  p.coef.assign(d, L);
  p.x0.assign(d, a / std::sqrt(static_cast<double>(d)));
  p.constants.L = L;
  p.constants.L_inf = L * d;  // Lemma 1: ||L||_1
  p.constants.L_vec.assign(d, L);
  p.constants.G = std::numeric_limits<double>::infinity();
  return p;
}

}  // namespace signrate::problems
