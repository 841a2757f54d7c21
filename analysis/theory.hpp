#pragma once
// The theorem registry (THEORY.md, "The theorems and what to check"): for each theorem, the
// assumptions it needs, its measure, its schedule, the exponents it predicts and the explicit
// bound derived in THEORY.md, computed from a problem's and an oracle's declared constants.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "signrate/engine.hpp"

namespace signrate::analysis {

// What a bound needs; sigma values are per step (after batching). n is the number of nodes and R
// the bound of S_R (NaN when the method has none).
struct BoundInputs {
  double delta = 0, L = 0, L_inf = 0, sigma_l2 = 0, sigma_l1 = 0, eta = 0, beta = 0, T = 1, d = 1;
  double n = 1, R = NAN;
};
BoundInputs bound_inputs(const Experiment& e);

// A canonical family on which `verify` checks a theorem: base specs and the default grid.
struct Family {
  std::string name;
  std::string problem, oracle, method, schedule;
  std::vector<std::uint32_t> d, T;
  std::uint32_t replicates = 16;
  std::vector<std::uint32_t> n = {1};  // simulated nodes
  // The exponents this family checks; NaN takes the theorem's (exponent_T, exponent_d, exponent_n).
  // Only the axes the family's grid varies are fitted and checked.
  double exponent_T = NAN, exponent_d = NAN, exponent_n = NAN;
  // What the simulation shows on this family at the default grid, printed under its verdicts.
  std::string note;
};

struct Theorem {
  std::string id;           // "thm1"
  std::string title;
  std::string measure;      // "M1" or "M2"
  std::string schedule;     // the schedule the theorem analyses
  std::vector<std::string> assumptions;  // paper numbering, e.g. {"2", "4"}
  double exponent_T = NAN, exponent_d = NAN, exponent_n = NAN;  // NaN: the rate says nothing
  std::vector<Family> families;
  // Non-empty: the theorem is registered but cannot be checked; verify refuses with this reason.
  std::string unavailable;
  // The explicit bound on the measure (THEORY.md); nullopt when the theorem has none here.
  std::optional<double> bound(const BoundInputs& in) const;
};

const std::vector<Theorem>& theorem_registry();
const Theorem& find_theorem(const std::string& id);  // SpecError listing the ids otherwise

// The assumptions of `t` that the experiment's problem, oracle or method breaks, each as a
// sentence (empty when all hold).
std::vector<std::string> violated_assumptions(const Theorem& t, const Experiment& e);

}  // namespace signrate::analysis
