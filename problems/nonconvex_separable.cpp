// nonconvex-separable: f = (c/d) sum_i x_i^2 / (1 + x_i^2) (a Geman-McClure sum), from x_1 = a 1.
// Per coordinate f_i'' = (c/d)(2 - 6x^2)/(1+x^2)^3 lies in [-(c/d)/2, 2c/d], so L_i = 2c/d,
// L = 2c/d, L_inf = ||L||_1 = 2c; |f_i'| <= (c/d) 3 sqrt(3)/8 (at x^2 = 1/3); f* = 0 at 0;
// Delta = c a^2 / (1 + a^2), fixed in d.
#include <cmath>

#include "signrate/problem.hpp"

namespace signrate::problems {

ComponentInfo nonconvex_separable_info() {
  return {"nonconvex-separable",
          "f = (c/d) sum x_i^2/(1+x_i^2), x_1 = a 1: nonconvex, bounded gradient, Delta and L_inf fixed in d",
          {{"c", "1", "> 0", "total scale: L_inf = 2c, Delta = c a^2/(1+a^2)"},
           {"a", "1", "> 0", "starting value of every coordinate"}}};
}

Problem geman_mcclure_sum(double c, std::uint32_t d) {
  const double ci = c / d;
  Problem p;
  p.separable_kind = SeparableKind::kGemanMcClure;
  p.coef.assign(d, ci);
  p.constants.L = 2 * ci;
  p.constants.L_inf = 2 * c;
  p.constants.L_vec.assign(d, 2 * ci);
  p.constants.G = ci * 3.0 * std::sqrt(3.0) / 8.0;
  return p;
}

Problem make_nonconvex_separable(Params& params, std::uint32_t d) {
  const double c = params.real("c", positive());
  const double a = params.real("a", positive());
  Problem p = geman_mcclure_sum(c, d);
  p.x0.assign(d, a);
  return p;
}

}  // namespace signrate::problems
