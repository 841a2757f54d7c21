#pragma once
// Test functions (problems/). Each declares what docs/theory.md's assumptions need: f*, the l2
// constant L (Assumption 2), L_inf (Assumption 3), the vector L (Assumption 1), a gradient
// bound G where one exists (Assumption 9), and Delta = f(x_1) - f*.
//
// Separable problems (f = sum_i f_i(x_i)) expose a host-device per-coordinate gradient, so the
// engine fuses gradient, noise and update in one pass; the others compute the whole gradient.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/hd.hpp"
#include "signrate/spec.hpp"

namespace signrate {

enum class SeparableKind : std::uint8_t {
  kQuadratic,     // f_i = c_i x^2 / 2           (c_i < 0: negative curvature)
  kGemanMcClure,  // f_i = c_i x^2 / (1 + x^2)   (nonconvex, bounded gradient)
};

struct SeparableView {
  SeparableKind kind = SeparableKind::kQuadratic;
  const double* coef = nullptr;
};

template <SeparableKind P>
SIGNRATE_INLINE double separable_grad_k(double coef, double x) {
  static_assert(P == SeparableKind::kQuadratic || P == SeparableKind::kGemanMcClure,
                "separable_grad_k: a new SeparableKind needs its gradient here");
  if constexpr (P == SeparableKind::kQuadratic) {
    return coef * x;
  } else {
    const double q = 1.0 + x * x;
    return coef * 2.0 * x / (q * q);
  }
}

// Exhaustive switches (no default; the build has -Werror=switch): a new SeparableKind does not
// compile until its gradient and value are written, instead of taking another kind's branch.
SIGNRATE_INLINE double separable_grad(const SeparableView& p, double x, std::uint32_t i) {
  double g = 0.0;
  switch (p.kind) {
    case SeparableKind::kQuadratic:
      g = separable_grad_k<SeparableKind::kQuadratic>(p.coef[i], x);
      break;
    case SeparableKind::kGemanMcClure:
      g = separable_grad_k<SeparableKind::kGemanMcClure>(p.coef[i], x);
      break;
  }
  return g;
}

SIGNRATE_INLINE double separable_value(const SeparableView& p, double x, std::uint32_t i) {
  double f = 0.0;
  switch (p.kind) {
    case SeparableKind::kQuadratic:
      f = 0.5 * p.coef[i] * x * x;
      break;
    case SeparableKind::kGemanMcClure:
      f = p.coef[i] * x * x / (1.0 + x * x);
      break;
  }
  return f;
}

// A heterogeneous family's f at coordinate i (f = (1/n) sum_j f_j, f_j(x) = sum_i f_i(x_i - c_j)):
// the node terms in node order, then divided by n. The dense view and the GPU engine share it.
SIGNRATE_INLINE double heterogeneous_value(const SeparableView& p, const double* centers, std::uint32_t n,
                                           double x, std::uint32_t i) {
  double s = 0.0;
  for (std::uint32_t j = 0; j < n; ++j) s += separable_value(p, x - centers[j], i);
  return s / static_cast<double>(n);
}

// A problem whose gradient couples coordinates (problems/lowrank_quadratic.cpp, rosenbrock.cpp).
class DenseProblem {
 public:
  virtual ~DenseProblem() = default;
  virtual double value(const double* x) const = 0;
  virtual void gradient(const double* x, double* g) const = 0;
};

// Declared constants; +inf where a constant does not exist (not globally smooth, unbounded).
struct ProblemConstants {
  bool has_f_star = true;     // f* known (declared below)
  bool bounded_below = true;  // f* > -inf, known or not (every theorem needs it)
  double f_star = 0.0;
  double L = 0.0;             // Assumption 2
  double L_inf = 0.0;         // Assumption 3
  std::vector<double> L_vec;  // Assumption 1 (empty when it does not hold)
  double G = 0.0;             // Assumption 9: sup_x ||grad f(x)||_inf
  double delta = 0.0;         // f(x_1) - f*
};

class Problem {
 public:
  std::string name;
  nlohmann::json resolved;
  std::vector<double> x0;  // x_1
  ProblemConstants constants;
  // Separable problems: kind and per-coordinate coefficients. Dense problems: `dense`.
  bool separable = true;
  SeparableKind separable_kind = SeparableKind::kQuadratic;
  std::vector<double> coef;
  std::shared_ptr<const DenseProblem> dense;
  // Heterogeneous nodes (Assumption 7): node j minimizes f_j(x) = sum_i f_i(x_i - node_centers[j])
  // with the separable f_i of (separable_kind, coef), and f = (1/n) sum_j f_j. Such a problem is
  // `separable = false` for the single-node engine (its `dense` computes f); empty: every node has f.
  std::vector<double> node_centers;
  nlohmann::json extra_declared = nlohmann::json::object();  // e.g. the optimum of a family

  bool heterogeneous() const { return !node_centers.empty(); }
  std::uint32_t dim() const { return static_cast<std::uint32_t>(x0.size()); }
  SeparableView separable_view() const { return SeparableView{separable_kind, coef.data()}; }
  double value(const double* x) const;
  void gradient(const double* x, double* g) const;
  // f(x) - f*, or NaN when f* is not declared.
  double gap(const double* x) const;
  nlohmann::json declared() const;
};

const std::vector<ComponentInfo>& problem_registry();
// nodes: n, which a heterogeneous family's number of centres must equal.
Problem make_problem(const ParsedSpec& spec, std::uint32_t d, std::uint32_t nodes = 1);

// Each family's declaration and factory (one file each in problems/).
namespace problems {
ComponentInfo quadratic_info();
Problem make_quadratic(Params& params, std::uint32_t d);
ComponentInfo diag_quadratic_info();
Problem make_diag_quadratic(Params& params, std::uint32_t d);
ComponentInfo lowrank_quadratic_info();
Problem make_lowrank_quadratic(Params& params, std::uint32_t d);
ComponentInfo nonconvex_separable_info();
Problem make_nonconvex_separable(Params& params, std::uint32_t d);
ComponentInfo rosenbrock_info();
Problem make_rosenbrock(Params& params, std::uint32_t d);
// f = (c/d) sum_i x_i^2/(1+x_i^2) with its declared constants (no x_1): the nonconvex families' core.
Problem geman_mcclure_sum(double c, std::uint32_t d);
ComponentInfo hetero_quadratic_info();
Problem make_hetero_quadratic(Params& params, std::uint32_t d, std::uint32_t nodes);
ComponentInfo hetero_nonconvex_info();
Problem make_hetero_nonconvex(Params& params, std::uint32_t d, std::uint32_t nodes);
// The centres c_1..c_n of a heterogeneous family: the list `centers` (its length must be n), or
// drawn c_j = spread (E_j - 1) with E_j ~ Exp(1) from the family's `seed` (a skewed law, so the
// median differs from the mean).
std::vector<double> node_centers(Params& params, std::uint32_t nodes);
// Makes p heterogeneous: its `dense` computes f = (1/n) sum_j f_j from the separable parts.
void make_heterogeneous(Problem& p, std::vector<double> centers);
}  // namespace problems

}  // namespace signrate
