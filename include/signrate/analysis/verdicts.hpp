#pragma once
// The verdict on a rate (docs/theory.md, "Verdicts"): each term of the theorem's rate is fitted
// in the regime where it dominates, its exponents are compared with the term's, and an exponent
// that is worse is followed over T to tell a persistent excess from a start-up phase.
#include <string>
#include <vector>

#include "signrate/analysis/fit.hpp"
#include "signrate/analysis/theory.hpp"

namespace signrate::analysis {

// From best to worst; a family's verdict is the worst of its parts, a report's the worst of its
// families'. Exit codes: 0 for holds, loose and pre-asymptotic (3 under --strict), 4 inconclusive,
// 3 exceeded and violated. "exceeded" is a rate or bound exceeded by a family outside the
// theorem's hypotheses (another schedule or method than the theorem's): a regression test still
// gates on it, but the theorem, which promises nothing there, is not contradicted.
enum class Verdict { kHolds, kLoose, kPreAsymptotic, kInconclusive, kExceeded, kViolated };
// "holds", "holds, loose", "holds, pre-asymptotic", "inconclusive",
// "exceeded, outside the theorem's hypotheses", "violated".
const char* verdict_name(Verdict v);
Verdict verdict_from_name(const std::string& name);  // SpecError for another name

// One exponent of one term, where the term dominates.
struct AxisCheck {
  std::string axis;      // "T", "d" or "n"
  double predicted = 0;  // the term's exponent
  Exponent fitted;       // the measure's exponent there
  // "tight": the CI, widened by the tolerance, contains the prediction. "loose": the whole CI is
  // below the prediction by more than the tolerance (the measure falls faster than the term).
  // Worse (the whole CI above the prediction by more than the tolerance), one of: "persistent",
  // the excess does not shrink over the T windows; "shrinking", it does (a start-up phase);
  // "crossover", along this axis another term takes over, so the regime is bounded in this
  // direction and the excess, bounded by the regime's extent, cannot contradict the rate.
  std::string status;
  // For an exponent that is worse: the exponent fitted on successive T windows (the largest T of
  // each window, the fit there), smallest T first.
  std::vector<std::pair<double, Exponent>> trend;
};

struct TermCheck {
  RateTerm term;
  std::string description;  // "d^0.5 T^-0.5"
  std::size_t points = 0;   // grid points where the term dominates (every T)
  std::size_t fitted = 0;   // of those, the points fitted (the upper half of their T values)
  std::vector<AxisCheck> axes;
  Verdict verdict = Verdict::kInconclusive;
  // When the term could not be fitted: why, and the grid condition under which it dominates.
  std::string untested;
};

struct TermOptions {
  double dominance = 10;  // a term dominates where it exceeds every other term by this factor
  double tolerance = 0.05;
  FitOptions fit;  // bootstrap, level, seed (regressors are chosen here)
};

// Every term of `rate` checked on the grid points (every T of the sweep).
std::vector<TermCheck> check_terms(const Rate& rate, const std::vector<GridPoint>& points,
                                   const TermOptions& options);

// The condition under which term k of `rate` dominates the others by `dominance`, in words:
// "d^-0.5 T^-0.5 n^0.5 >= 10".
std::string dominance_condition(const Rate& rate, std::size_t k, double dominance);

}  // namespace signrate::analysis
