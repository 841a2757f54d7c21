#pragma once
// The theorem registry (docs/theory.md, "The theorems"): for each theorem, the
// assumptions it needs, its measure, its schedule, the exponents it predicts and the explicit
// bound derived in docs/theory.md, computed from a problem's and an oracle's declared constants.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signrate/experiment.hpp"
#include "signrate/run_summary.hpp"

namespace signrate::analysis {

// What a bound needs; sigma values are per step (after batching). n is the number of nodes and R
// the bound of S_R (NaN when the method has none).
struct BoundInputs {
  double delta = 0, L = 0, L_inf = 0, sigma_l2 = 0, sigma_l1 = 0, eta = 0, beta = 0, T = 1, d = 1;
  double n = 1, R = NAN;
};
BoundInputs bound_inputs(const Experiment& e);
// The same from what a run resolved and recorded (a sweep point's summary).
BoundInputs bound_inputs(const RunSummary& run);

// The exact law of a majority vote (docs/theory.md, MVSM v1): E sign(sum_j s_j) for independent s_j in
// {-1, +1} with E s_j = mu[j] (a Poisson-binomial sum; a tie counts 0).
double expected_vote_sign(const std::vector<double>& mu);
// MVSM v1's limit point on hetero-quadratic with these centres (one coordinate; the noise does not
// move it, since E S_R(v) = v/R is linear): the x where E sign(sum_j S_R(x - c_j)) = 0, by bisection.
double v1_limit_point(const std::vector<double>& centers, double R);

// A rate as a function: the terms d^p T^q n^r (coefficient 1; the theorem's O() hides the
// constant) combined by a sum or a max. A single term is C d^p T^q n^r as before. The theorem
// claims measure <= C * rate(d, T, n): verify fits log(measure / rate) and checks that it does not
// grow along the grid (docs/theory.md, "How a rate is verified", step 4).
struct RateTerm {
  double d = 0, T = 0, n = 0;  // exponents
};
struct Rate {
  enum class Combine { kSum, kMax };
  Combine combine = Combine::kSum;
  std::vector<RateTerm> terms;
  bool empty() const { return terms.empty(); }
  bool single() const { return terms.size() == 1; }
  double operator()(double d, double T, double n) const;
  std::string describe() const;  // "d^0.5 T^-0.5 + d n^-0.5"
};
Rate single_term_rate(double exponent_T, double exponent_d, double exponent_n);  // NaN counts as 0

// A canonical family on which `verify` checks a theorem: base specs and the default grid.
struct Family {
  std::string name;
  std::string problem, oracle, method, schedule;
  std::vector<std::uint32_t> d, T;
  std::uint32_t replicates = 16;
  std::vector<std::uint32_t> n = {1};  // simulated nodes
  // What the simulation shows on this family at the default grid, printed under its verdicts.
  std::string note;
};

// One term of an explicit bound: its formula (docs/theory.md's) and its value at some inputs.
struct BoundTerm {
  std::string formula;
  double value = 0;
};

struct Theorem {
  std::string id;  // "thm1"
  std::string title;
  std::string claim;                     // the theorem in words and formulas, as the pages state it
  std::string measure;                   // "M1" or "M2"
  std::string schedule;                  // the schedule the theorem analyses
  std::vector<std::string> assumptions;  // paper numbering, e.g. {"2", "4"}
  Rate rate;                             // empty: the theorem has no rate here (Theorem 4)
  std::vector<Family> families;
  // A term of the rate is checked where it exceeds the others by this factor (docs/theory.md, "Verdicts").
  double dominance = 10;
  // Non-empty: the theorem is registered but cannot be checked; verify refuses with this reason.
  std::string unavailable;
  // The explicit bound (docs/theory.md, "Explicit bounds"): its formula, the constants it reads
  // (names of bound_constant), and whether the terms bound the measure's square (thm5: the mean of
  // ||grad f||_2^2, so M2 is at most the square root of their sum). Empty formula: no bound here.
  std::string bound_formula;
  std::vector<std::string> bound_constants;
  bool bound_is_root = false;
  // The bound's terms at `in`; empty when the theorem has no bound there (thm3; thm5 without R).
  std::vector<BoundTerm> bound_terms(const BoundInputs& in) const;
  // The explicit bound on the measure: the sum of the terms (its square root where bound_is_root);
  // nullopt when the theorem has none here.
  std::optional<double> bound(const BoundInputs& in) const;
};

// A constant of bound_constants ("Delta", "L", "L_inf", "sigma", "||sigma||_1", "R", "n") at `in`.
double bound_constant(const BoundInputs& in, const std::string& name);
// "M1 = (1/T) sum_{t=1..T} ||grad f(x_t)||_1, ..." for "M1" and "M2".
std::string measure_definition(const std::string& measure);
// Assumption `number` (the paper's numbering) in words and formulas, e.g. "Assumption 2
// (l2-smoothness): ||grad f(x) - grad f(y)||_2 <= L ||x - y||_2".
std::string assumption_statement(const std::string& number);

const std::vector<Theorem>& theorem_registry();
const Theorem& find_theorem(const std::string& id);  // SpecError listing the ids otherwise

// The assumptions of `t` that the experiment's problem, oracle or method breaks, each as a
// sentence (empty when all hold).
std::vector<std::string> violated_assumptions(const Theorem& t, const Experiment& e);

}  // namespace signrate::analysis
