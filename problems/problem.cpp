// The problem registry and the parts every problem shares.
#include <cmath>
#include <limits>

#include "signrate/canonical_sum.hpp"
#include "signrate/error.hpp"
#include "signrate/problem.hpp"

namespace signrate {

const std::vector<ComponentInfo>& problem_registry() {
  static const std::vector<ComponentInfo> registry = {
      problems::quadratic_info(), problems::diag_quadratic_info(), problems::lowrank_quadratic_info(),
      problems::nonconvex_separable_info(), problems::rosenbrock_info(), problems::hetero_quadratic_info(),
      problems::hetero_nonconvex_info()};
  return registry;
}

Problem make_problem(const ParsedSpec& spec, std::uint32_t d, std::uint32_t nodes) {
  const ComponentInfo& info = find_component(problem_registry(), spec.name, "problem");
  Params params(info, spec, "problem");
  Problem p;
  if (info.name == "quadratic") p = problems::make_quadratic(params, d);
  else if (info.name == "diag-quadratic") p = problems::make_diag_quadratic(params, d);
  else if (info.name == "lowrank-quadratic") p = problems::make_lowrank_quadratic(params, d);
  else if (info.name == "nonconvex-separable") p = problems::make_nonconvex_separable(params, d);
  else if (info.name == "rosenbrock") p = problems::make_rosenbrock(params, d);
  else if (info.name == "hetero-quadratic") p = problems::make_hetero_quadratic(params, d, nodes);
  else p = problems::make_hetero_nonconvex(params, d, nodes);
  params.require_all_used();
  p.name = info.name;
  p.resolved = params.resolved();
  const double f1 = p.value(p.x0.data());
  p.constants.delta = p.constants.has_f_star ? f1 - p.constants.f_star
                                             : std::numeric_limits<double>::infinity();
  return p;
}

double Problem::value(const double* x) const {
  if (!separable) return dense->value(x);
  const SeparableView v = separable_view();
  std::vector<double> chunks(sum_chunks(dim()));
  return canonical_sum(dim(), [&](std::uint64_t i) { return separable_value(v, x[i], static_cast<std::uint32_t>(i)); },
                       chunks.data());
}

void Problem::gradient(const double* x, double* g) const {
  if (!separable) return dense->gradient(x, g);
  const SeparableView v = separable_view();
  for (std::uint32_t i = 0; i < dim(); ++i) g[i] = separable_grad(v, x[i], i);
}

double Problem::gap(const double* x) const {
  return constants.has_f_star ? value(x) - constants.f_star : std::numeric_limits<double>::quiet_NaN();
}

nlohmann::json Problem::declared() const {
  nlohmann::json j;
  j["f_star"] = json_constant(constants.has_f_star ? constants.f_star : -std::numeric_limits<double>::infinity());
  j["delta"] = json_constant(constants.delta);
  j["L"] = json_constant(constants.L);
  j["L_inf"] = json_constant(constants.L_inf);
  double l1 = 0, lmax = 0;
  for (double v : constants.L_vec) l1 += v, lmax = std::max(lmax, v);
  const double none = std::numeric_limits<double>::infinity();
  j["L_vec_l1"] = json_constant(constants.L_vec.empty() ? none : l1);
  j["L_vec_max"] = json_constant(constants.L_vec.empty() ? none : lmax);
  j["G"] = json_constant(constants.G);
  j["separable"] = separable;
  j["assumptions"] = {{"1", !constants.L_vec.empty()},
                      {"2", std::isfinite(constants.L)},
                      {"3", std::isfinite(constants.L_inf)},
                      {"9", std::isfinite(constants.G)},
                      {"7", true},
                      {"f_star_finite", constants.has_f_star},
                      {"bounded_below", constants.bounded_below}};
  j["heterogeneous"] = heterogeneous();
  if (heterogeneous()) j["centers"] = node_centers;
  j.update(extra_declared);
  return j;
}

}  // namespace signrate
