// The problem registry and the parts every problem shares.
#include "signrate/problem.hpp"

#include <cmath>
#include <limits>

#include "signrate/canonical_sum.hpp"
#include "signrate/component_table.hpp"
#include "signrate/error.hpp"

namespace signrate {

namespace {

// A row's factory: the problem at dimension d for n nodes (only the heterogeneous families use n).
using ProblemFactory = Problem(Params& params, std::uint32_t d, std::uint32_t nodes);

struct ProblemRow {
  ComponentInfo info;
  ProblemFactory* factory;
};

// Adapts a family that has one f for every node.
template <Problem (*Make)(Params&, std::uint32_t)>
Problem homogeneous(Params& params, std::uint32_t d, std::uint32_t) {
  return Make(params, d);
}

// One row per family: adding one is its file in problems/ (declaration and factory), this row,
// and its declared-constants test.
const std::vector<ProblemRow>& problem_table() {
  static const std::vector<ProblemRow> table = [] {
    std::vector<ProblemRow> rows = {
        {problems::quadratic_info(), homogeneous<problems::make_quadratic>},
        {problems::diag_quadratic_info(), homogeneous<problems::make_diag_quadratic>},
        {problems::lowrank_quadratic_info(), homogeneous<problems::make_lowrank_quadratic>},
        {problems::nonconvex_separable_info(), homogeneous<problems::make_nonconvex_separable>},
        {problems::rosenbrock_info(), homogeneous<problems::make_rosenbrock>},
        {problems::hetero_quadratic_info(), problems::make_hetero_quadratic},
        {problems::hetero_nonconvex_info(), problems::make_hetero_nonconvex},
    };
    std::vector<const ComponentInfo*> infos;
    for (const auto& r : rows) {
      infos.push_back(&r.info);
      check_factory(r.factory, r.info, "problem");
    }
    check_unique_names(infos, "problem");
    return rows;
  }();
  return table;
}

}  // namespace

const std::vector<ComponentInfo>& problem_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (const auto& row : problem_table()) r.push_back(row.info);
    return r;
  }();
  return registry;
}

Problem make_problem(const ParsedSpec& spec, std::uint32_t d, std::uint32_t nodes) {
  const ComponentInfo& info = find_component(problem_registry(), spec.name, "problem");
  Params params(info, spec, "problem");
  Problem p;
  for (const auto& row : problem_table())
    if (row.info.name == info.name) p = row.factory(params, d, nodes);
  params.require_all_used();
  p.name = info.name;
  p.resolved = params.resolved();
  const double f1 = p.value(p.x0.data());
  p.constants.delta =
      p.constants.has_f_star ? f1 - p.constants.f_star : std::numeric_limits<double>::infinity();
  return p;
}

double Problem::value(const double* x) const {
  if (!separable) return dense->value(x);
  const SeparableView v = separable_view();
  std::vector<double> chunks(sum_chunks(dim()));
  return canonical_sum(
      dim(), [&](std::uint64_t i) { return separable_value(v, x[i], static_cast<std::uint32_t>(i)); },
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
  j["f_star"] = constants.has_f_star ? nlohmann::json(constants.f_star)
                                     : nlohmann::json(nullptr);  // null: none declared
  put_constant(j, "delta", constants.delta);
  put_constant(j, "L", constants.L);
  put_constant(j, "L_inf", constants.L_inf);
  double l1 = 0, lmax = 0;
  for (double v : constants.L_vec) l1 += v, lmax = std::max(lmax, v);
  const double none = std::numeric_limits<double>::infinity();
  put_constant(j, "L_vec_l1", constants.L_vec.empty() ? none : l1);
  put_constant(j, "L_vec_max", constants.L_vec.empty() ? none : lmax);
  put_constant(j, "G", constants.G);
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
