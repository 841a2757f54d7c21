// hetero-nonconvex: node j has f_j = (c/d) sum_i u^2/(1+u^2) with u = x_i - c_j (the Geman-McClure
// sum of nonconvex-separable, shifted per node). Each f_j has L_i = 2c/d, L_inf = 2c and
// |d_i f_j| <= (c/d) 3 sqrt(3)/8 (Assumption 9's G); f = (1/n) sum_j f_j is nonconvex and its
// minimum is not known in closed form unless all centres agree (then f* = 0 at the centre).

#include "signrate/problem.hpp"

namespace signrate::problems {

ComponentInfo hetero_nonconvex_info() {
  return {
      "hetero-nonconvex",
      "node j: f_j = (c/d) sum (x_i-c_j)^2/(1+(x_i-c_j)^2): nonconvex, bounded gradient (needs --nodes n)",
      {{"centers", "", "numbers separated by '/', one per node", "the centres c_j (else drawn, see spread)"},
       {"spread", "1", ">= 0", "without centers: c_j = spread (E_j - 1), E_j ~ Exp(1), skewed"},
       {"seed", "0", "integer in [0, 2^32)", "seed of the drawn centres"},
       {"c", "1", "> 0", "total scale: L_inf = 2c"},
       {"x1", "1", "real", "starting value of every coordinate"}}};
}

Problem make_hetero_nonconvex(Params& params, std::uint32_t d, std::uint32_t nodes) {
  std::vector<double> centers = node_centers(params, nodes);
  const double c = params.real("c", positive());
  const double x1 = params.real("x1", any_real());
  Problem p = geman_mcclure_sum(c, d);  // each f_j is a shifted nonconvex-separable: same constants
  p.x0.assign(d, x1);
  bool same = true;
  for (double v : centers) same = same && v == centers[0];
  p.constants.has_f_star = same;  // f >= 0 stays bounded_below either way
  make_heterogeneous(p, std::move(centers));
  return p;
}

}  // namespace signrate::problems
