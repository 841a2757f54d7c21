#pragma once
// Rate verification (docs/theory.md, "How a rate is verified"): sweep a theorem's canonical family,
// fit M = C d^p T^q (n^r) on the upper half of T with bootstrap CIs, check each term of the rate
// where it dominates and the explicit bound at every point, and give the verdict (verdicts.hpp).
// This is also the C++ API for users' own regression tests: signrate::analysis::verify(...).
#include <optional>
#include <string>
#include <vector>

#include "signrate/analysis/fit.hpp"
#include "signrate/analysis/theory.hpp"
#include "signrate/analysis/verdicts.hpp"
#include "signrate/sweep.hpp"

namespace signrate::analysis {

struct VerifyOptions {
  std::string theorem = "thm1";
  // Overrides of the theorem's canonical family; empty or 0 keeps the family's.
  std::string problem, oracle, method, schedule;
  // Methods to run beside the family's (or `method`'s), each as one more family in the report:
  // e.g. {"signsgd", "signum"} to compare them with SMM on the same problem, noise and schedule.
  std::vector<std::string> compare;
  // Run only the families whose name starts with this (e.g. "plateau" for thm3); empty: all.
  std::string family;
  std::vector<std::uint32_t> d, T, n;  // n: simulated nodes
  std::uint32_t replicates = 0;
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  double tolerance = 0.05;  // on the exponents, for "tight", "loose" and "worse"
  // A term of the rate is checked where it exceeds the others by this factor; 0: the theorem's.
  double dominance = 0;
  // Replaces the theorem's rate (e.g. to check that a wrong rate fails); nullopt keeps it.
  std::optional<Rate> rate;
  bool allow_violations = false;
  std::uint32_t bootstrap = 1000;
  double level = 0.95;
  EngineOptions engine;
};

struct Verdicts {
  // From the terms' checks (FamilyReport::terms):
  bool rate_holds = false;   // no tested exponent is worse than its term's on an axis where the term
                             // keeps dominating (neither persistent nor shrinking)
  bool tight = false;        // every tested exponent is within the tolerance of its term's
  bool bound_holds = false;  // at every point, mean + z * stderr <= the explicit bound
  bool has_bound = true;     // false: the theorem has no explicit bound here (bound_holds is n/a)
  bool bound_finite = true;  // false: the bound is infinite somewhere (the assumptions fail)
};

struct FamilyReport {
  Family family;                        // as run (with the overrides)
  std::vector<std::string> violations;  // assumptions the family breaks (allowed by the user)
  // The theorem's hypotheses the family is outside of: another schedule than the theorem's, or
  // another method than its canonical family's ("schedule theorem2 is not Theorem 1's theorem1").
  std::vector<std::string> outside;
  SweepResult sweep;
  // Per sweep point: the theorem's explicit bound there, from the constants the run of the family's
  // own method resolved (for a compared method, the family's it is compared beside); nullopt: none.
  std::vector<std::optional<double>> bounds;
  FitResult fit;        // M = C d^p T^q n^r: the raw exponents
  Rate rate;            // the rate checked (the theorem's, or VerifyOptions::rate)
  FitResult ratio_fit;  // log(M / rate) on the same regressors, over the whole fitted grid (shown only;
                        // the verdict reads the terms' checks)
  std::vector<TermCheck> terms;  // each term of the rate where it dominates
  Verdict verdict = Verdict::kInconclusive;
  std::vector<std::string> reasons;  // the sentences that decided the verdict
  // A single-term rate's exponents on the varying axes; NaN: not varied, or a sum/max of terms.
  double predicted_T = NAN, predicted_d = NAN, predicted_n = NAN;
  Verdicts verdicts;
  double worst_bound_ratio = 0;  // max over points of (mean + z stderr) / bound
};

struct VerifyReport {
  std::string version;  // of the library that verified
  std::string theorem, title, measure;
  double tolerance = 0, level = 0, dominance = 0;
  std::vector<FamilyReport> families;
  std::string command;      // the command line that ran it (the CLI's); empty: none recorded
  Verdict verdict() const;  // the worst of the families' verdicts
  // 3 violated, 4 inconclusive, 0 otherwise; with `strict`, pre-asymptotic is 3 too.
  int exit_code(bool strict) const;
  bool all_hold() const;      // exit_code(false) == 0: holds, loose or pre-asymptotic everywhere
  std::string table() const;  // what `signrate verify` prints (its JSON: signrate/io/verify_io.hpp)
};

// Throws SpecError when an option is bad, when the theorem cannot be checked (Theorem 4: the
// reason), or when the family breaks the theorem's assumptions and allow_violations is false (the
// message lists the broken assumptions). options.engine.progress, if set, is told every family's
// points and coordinate-steps before the first runs.
VerifyReport verify(const VerifyOptions& options);

}  // namespace signrate::analysis

namespace signrate {
// The verification API at the library's top level: signrate::verify(options).all_hold().
using analysis::Verdicts;
using analysis::verify;
using analysis::VerifyOptions;
using analysis::VerifyReport;
}  // namespace signrate
