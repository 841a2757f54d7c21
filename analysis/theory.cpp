#include "analysis/theory.hpp"

#include <cmath>

#include "signrate/error.hpp"

namespace signrate::analysis {

BoundInputs bound_inputs(const Experiment& e) {
  const ProblemConstants& c = e.problem.constants;
  BoundInputs in;
  in.delta = c.delta;
  in.L = c.L;
  in.L_inf = c.L_inf;
  in.sigma_l2 = e.oracle.sigma_l2();
  in.sigma_l1 = e.oracle.sigma_l1();
  in.eta = e.schedule.eta;
  in.beta = e.schedule.beta;
  in.T = e.spec.T;
  in.d = e.spec.d;
  return in;
}

std::optional<double> Theorem::bound(const BoundInputs& in) const {
  const double eta = in.eta, beta = in.beta, T = in.T, d = in.d;
  if (id == "thm1") {
    // Theorem 1 form, valid for any eta, beta (THEORY.md, explicit bounds):
    // M1 <= Delta/(eta T) + L eta d/2 + 2 sqrt(d) sigma/(beta T) + 2 sqrt(d) sigma sqrt(beta) + 2 L eta d/beta.
    const double s = std::sqrt(d) * in.sigma_l2;
    return in.delta / (eta * T) + in.L * eta * d / 2 + 2 * s / (beta * T) + 2 * s * std::sqrt(beta) +
           2 * in.L * eta * d / beta;
  }
  if (id == "thm2") {
    // Theorem 2 form: M1 <= Delta/(eta T) + L_inf eta/2 + 2||sigma||_1/(beta T) + 2||sigma||_1 sqrt(beta) + 2 L_inf eta/beta.
    const double s = in.sigma_l1;
    return in.delta / (eta * T) + in.L_inf * eta / 2 + 2 * s / (beta * T) + 2 * s * std::sqrt(beta) +
           2 * in.L_inf * eta / beta;
  }
  return std::nullopt;
}

const std::vector<Theorem>& theorem_registry() {
  static const std::vector<Theorem> registry = {
      {"thm1",
       "Theorem 1: SMM under l2-smoothness and bounded variance, M1 = O(d^1/2 T^-1/4)",
       "M1",
       "theorem1",
       {"2", "4"},
       -0.25,
       0.5,
       {{"isotropic quadratic, Gaussian noise (d-scaled: Delta, L, sigma fixed in d)", "quadratic:L=1,a=1",
         "gaussian:sigma=1", "smm", "theorem1", {16, 64, 256, 1024}, {1024, 4096, 16384, 65536}, 16}}},
      {"thm2",
       "Theorem 2: SMM under l_inf-smoothness and separable noise, M1 = O(T^-1/4), d only through L_inf, ||sigma||_1",
       "M1",
       "theorem2",
       {"3", "5"},
       -0.25,
       0.0,
       {{"diagonal quadratic, separable noise (||L||_1, ||sigma||_1, Delta fixed in d)", "diag-quadratic:l1=1,a=1",
         "separable-gaussian:sigma=1,law=power,decay=1,norm=l1", "smm", "theorem2", {16, 64, 256, 1024},
         {1024, 4096, 16384, 65536}, 16}}},
  };
  return registry;
}

const Theorem& find_theorem(const std::string& id) {
  std::string ids;
  for (const auto& t : theorem_registry()) {
    if (t.id == id) return t;
    ids += (ids.empty() ? "" : ", ") + t.id;
  }
  throw SpecError("unknown theorem '" + id + "'; allowed: " + ids + " (Theorems 3-5 come with the distributed methods)");
}

std::vector<std::string> violated_assumptions(const Theorem& t, const Experiment& e) {
  std::vector<std::string> out;
  const ProblemConstants& c = e.problem.constants;
  if (!c.has_f_star) out.push_back("f* = -inf: the problem is unbounded below (every theorem needs f* > -inf)");
  if (!e.oracle.traits.finite_mean) out.push_back("the noise has no mean: the oracle is not unbiased");
  for (const auto& a : t.assumptions) {
    if (a == "2" && !std::isfinite(c.L)) out.push_back("Assumption 2 (l2-smoothness): " + e.problem.name + " has no finite L");
    if (a == "3" && !std::isfinite(c.L_inf))
      out.push_back("Assumption 3 (l_inf-smoothness): " + e.problem.name + " has no finite L_inf");
    if ((a == "4" || a == "5") && !e.oracle.traits.finite_variance)
      out.push_back("Assumption " + a + " (bounded noise variance): " + e.oracle.resolved["name"].get<std::string>() +
                    " has infinite variance");
  }
  return out;
}

}  // namespace signrate::analysis
