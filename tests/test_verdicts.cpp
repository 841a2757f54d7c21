// The verdict on a rate (analysis/verdicts.cpp, docs/theory.md "Verdicts") on synthetic grids
// whose exponents are known exactly: each status of an exponent (tight, loose, persistent,
// shrinking, crossover), a term that never dominates, and the exit codes the verdicts give.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "signrate/analysis/verdicts.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/error.hpp"

namespace signrate::analysis {
namespace {

using Measure = std::function<double(double d, double T, double n)>;

// Every (d, T, n) of the grid with 8 replicates: the measure times 1 + 0.02 (j - 3.5) / 3.5, so the
// bootstrap intervals have a width and the replicate means are the measure (to 1e-16).
std::vector<GridPoint> grid(const std::vector<double>& ds, const std::vector<double>& Ts,
                            const std::vector<double>& ns, const Measure& m) {
  std::vector<GridPoint> out;
  for (double d : ds)
    for (double T : Ts)
      for (double n : ns) {
        GridPoint p{d, T, n, {}};
        for (int j = 0; j < 8; ++j) p.values.push_back(m(d, T, n) * (1 + 0.02 * (j - 3.5) / 3.5));
        out.push_back(p);
      }
  return out;
}

TermOptions options(double dominance = 10) {
  TermOptions o;
  o.dominance = dominance;
  o.tolerance = 0.05;
  o.fit.bootstrap = 200;
  return o;
}

const AxisCheck& axis(const TermCheck& t, const std::string& name) {
  for (const AxisCheck& a : t.axes)
    if (a.axis == name) return a;
  throw std::runtime_error("no axis " + name);
}

const Rate kThm1 = single_term_rate(-0.25, 0.5, NAN);
const std::vector<double> kD = {16, 64, 256}, kT = {1024, 4096, 16384, 65536};

TEST(Verdicts, MatchingExponentsAreTightAndFasterDecayIsLoose) {
  const auto tight = check_terms(
      kThm1,
      grid(kD, kT, {1}, [](double d, double T, double) { return 3 * std::sqrt(d) * std::pow(T, -0.25); }),
      options());
  ASSERT_EQ(tight.size(), 1u);
  EXPECT_EQ(tight[0].verdict, Verdict::kHolds);
  EXPECT_EQ(tight[0].points, 12u);
  EXPECT_EQ(tight[0].fitted, 6u);  // the upper half of T: 16384, 65536
  EXPECT_EQ(axis(tight[0], "d").status, "tight");
  EXPECT_NEAR(axis(tight[0], "T").fitted.estimate, -0.25, 1e-9);
  const auto loose = check_terms(
      kThm1, grid(kD, kT, {1}, [](double d, double T, double) { return std::sqrt(d) * std::pow(T, -0.4); }),
      options());
  EXPECT_EQ(loose[0].verdict, Verdict::kLoose);
  EXPECT_EQ(axis(loose[0], "T").status, "loose");
  EXPECT_EQ(axis(loose[0], "d").status, "tight");
}

// A d-exponent 0.3 above the term's at every T (the Theorem 2 schedule under Theorem 1) is a
// violation, and its trend shows the excess at each T.
TEST(Verdicts, AnExcessAtEveryTIsAViolation) {
  const auto c = check_terms(
      kThm1,
      grid(kD, kT, {1}, [](double d, double T, double) { return std::pow(d, 0.8) * std::pow(T, -0.25); }),
      options());
  EXPECT_EQ(c[0].verdict, Verdict::kViolated);
  const AxisCheck& d = axis(c[0], "d");
  EXPECT_EQ(d.status, "persistent");
  ASSERT_EQ(d.trend.size(), 4u);  // one window per T
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(d.trend[k].first, kT[k]);
    EXPECT_NEAR(d.trend[k].second.estimate, 0.8, 1e-9);
  }
  // A T-exponent that stays above the term's: the windows are runs of consecutive T values.
  const auto t = check_terms(
      kThm1, grid(kD, kT, {1}, [](double d, double T, double) { return std::sqrt(d) * std::pow(T, -0.1); }),
      options());
  EXPECT_EQ(t[0].verdict, Verdict::kViolated);
  const AxisCheck& T = axis(t[0], "T");
  EXPECT_EQ(T.status, "persistent");
  ASSERT_EQ(T.trend.size(), 3u);  // (1024, 4096), (4096, 16384), (16384, 65536)
  EXPECT_EQ(T.trend.back().first, 65536);
  EXPECT_NEAR(T.trend.back().second.estimate, -0.1, 1e-9);
}

// A start-up term c d T^-1/2 beside d^1/2 T^-1/4 lifts the d-exponent, less as T grows: worse on
// the fitted (upper) half, but the excess shrinks over the T windows: pre-asymptotic.
TEST(Verdicts, AnExcessThatShrinksWithTIsPreAsymptotic) {
  const std::vector<double> Ts = {256, 1024, 4096, 16384, 65536, 262144};
  const auto c = check_terms(kThm1,
                             grid(kD, Ts, {1},
                                  [](double d, double T, double) {
                                    return std::sqrt(d) * std::pow(T, -0.25) + d * std::pow(T, -0.5);
                                  }),
                             options());
  const AxisCheck& d = axis(c[0], "d");
  EXPECT_GT(d.fitted.ci_low, 0.55);
  EXPECT_EQ(d.status, "shrinking");
  ASSERT_EQ(d.trend.size(), 6u);
  EXPECT_GT(d.trend.front().second.estimate, d.trend.back().second.estimate + 0.1);
  EXPECT_EQ(c[0].verdict, Verdict::kPreAsymptotic);
}

// Theorem 3's sum with a measure that is the geometric mean of its terms (as MVSM v1 shows): the d
// n^-1/2 term dominates; along n its excess heads into the T-term's regime (a crossover), in d the
// measure falls faster (loose). The T-term dominates nowhere: not tested, with the condition.
TEST(Verdicts, ASumIsCheckedTermByTermWhereEachDominates) {
  const Rate thm3{Rate::Combine::kSum, {RateTerm{0.5, -0.5, 0}, RateTerm{1, 0, -0.5}}};
  const auto c = check_terms(
      thm3,
      grid({4, 16, 64}, {4096, 16384}, {4, 16, 64},
           [](double d, double T, double n) { return std::sqrt(std::sqrt(d / T) * d / std::sqrt(n)); }),
      options());
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].description, "d^0.5 T^-0.5");
  EXPECT_EQ(c[0].verdict, Verdict::kInconclusive);
  EXPECT_EQ(c[0].untested, "no grid point where d^-0.5 T^-0.5 n^0.5 >= 10");
  EXPECT_EQ(c[1].points, 18u);
  EXPECT_EQ(c[1].fitted, 9u);  // the upper half of T: 16384
  EXPECT_EQ(axis(c[1], "n").status, "crossover");
  EXPECT_NEAR(axis(c[1], "n").fitted.estimate, -0.25, 1e-9);
  EXPECT_EQ(axis(c[1], "d").status, "loose");
  EXPECT_EQ(c[1].verdict, Verdict::kLoose);
  // The same excess on an axis along which the term keeps dominating is a violation: the measure
  // d n^-1/4 under the rate d n^-1/2 alone.
  const auto alone = check_terms(single_term_rate(0, 1, -0.5),
                                 grid({4, 16, 64}, {4096, 16384}, {4, 16, 64},
                                      [](double d, double, double n) { return d * std::pow(n, -0.25); }),
                                 options());
  EXPECT_EQ(axis(alone[0], "n").status, "persistent");
  EXPECT_EQ(alone[0].verdict, Verdict::kViolated);
}

TEST(Verdicts, AMaxIsCheckedWhereEachTermIsTheLarger) {
  const Rate thm5{Rate::Combine::kMax, {RateTerm{0.25, -0.25, 0}, RateTerm{0.1, -0.2, 0}}};
  EXPECT_EQ(dominance_condition(thm5, 0, 1), "d^0.15 T^-0.05 >= 1");
  const auto c = check_terms(thm5,
                             grid({4, 16, 256, 1024}, {16384, 65536, 262144}, {1},
                                  [&](double d, double T, double n) { return 2 * thm5(d, T, n); }),
                             options(1));
  ASSERT_EQ(c.size(), 2u);
  // d^0.15 T^-0.05 >= 1 at d = 256, 1024 for every T here (1.23 at the least); below at d = 4, 16 (0.93).
  EXPECT_EQ(c[0].points, 6u);
  EXPECT_EQ(c[1].points, 6u);
  EXPECT_EQ(c[0].verdict, Verdict::kHolds);
  EXPECT_EQ(c[1].verdict, Verdict::kHolds);
}

TEST(Verdicts, NamesAndExitCodes) {
  for (Verdict v : {Verdict::kHolds, Verdict::kLoose, Verdict::kPreAsymptotic, Verdict::kInconclusive,
                    Verdict::kExceeded, Verdict::kViolated})
    EXPECT_EQ(verdict_from_name(verdict_name(v)), v);
  EXPECT_THROW(verdict_from_name("fine"), SpecError);
  VerifyReport r;
  r.families.resize(2);
  r.families[0].verdict = Verdict::kLoose;
  r.families[1].verdict = Verdict::kPreAsymptotic;
  EXPECT_EQ(r.verdict(), Verdict::kPreAsymptotic);
  EXPECT_EQ(r.exit_code(false), 0);
  EXPECT_EQ(r.exit_code(true), 3);
  EXPECT_TRUE(r.all_hold());
  r.families[0].verdict = Verdict::kInconclusive;
  EXPECT_EQ(r.exit_code(false), 4);
  EXPECT_FALSE(r.all_hold());
  r.families[1].verdict = Verdict::kExceeded;  // outside the hypotheses: still gates
  EXPECT_EQ(r.exit_code(false), 3);
  r.families[1].verdict = Verdict::kViolated;
  EXPECT_EQ(r.exit_code(false), 3);
}

}  // namespace
}  // namespace signrate::analysis
