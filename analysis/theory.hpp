#pragma once
// The theorem registry (THEORY.md, "The theorems and what to check"): for each theorem, the
// assumptions it needs, its measure, its schedule, the exponents it predicts and the explicit
// bound derived in THEORY.md, computed from a problem's and an oracle's declared constants.
#include <optional>
#include <string>
#include <vector>

#include "signrate/engine.hpp"

namespace signrate::analysis {

// What a bound needs; sigma values are per step (after batching).
struct BoundInputs {
  double delta = 0, L = 0, L_inf = 0, sigma_l2 = 0, sigma_l1 = 0, eta = 0, beta = 0, T = 1, d = 1;
};
BoundInputs bound_inputs(const Experiment& e);

// A canonical family on which `verify` checks a theorem: base specs and the default grid.
struct Family {
  std::string name;
  std::string problem, oracle, method, schedule;
  std::vector<std::uint32_t> d, T;
  std::uint32_t replicates = 16;
};

struct Theorem {
  std::string id;           // "thm1"
  std::string title;
  std::string measure;      // "M1" or "M2"
  std::string schedule;     // the schedule the theorem analyses
  std::vector<std::string> assumptions;  // paper numbering, e.g. {"2", "4"}
  double exponent_T = 0, exponent_d = 0;
  std::vector<Family> families;
  // The explicit bound on the measure (THEORY.md); nullopt when the theorem has none here.
  std::optional<double> bound(const BoundInputs& in) const;
};

const std::vector<Theorem>& theorem_registry();
const Theorem& find_theorem(const std::string& id);  // SpecError listing the ids otherwise

// The assumptions of `t` that the experiment's problem or oracle breaks, each as a sentence
// (empty when all hold).
std::vector<std::string> violated_assumptions(const Theorem& t, const Experiment& e);

}  // namespace signrate::analysis
