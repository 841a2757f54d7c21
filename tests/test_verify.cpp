// Rate verification: grids, sweeps, the theorem registry's bounds and assumption checks, and the
// project's own regression tests on Theorems 1 and 2 (they must fail if a method, oracle or
// schedule changes its law).
#include <gtest/gtest.h>

#include <cmath>

#include "signrate/analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/io/verify_io.hpp"
#include "signrate/sweep.hpp"

namespace signrate {
namespace {

TEST(Grid, ListsAndRanges) {
  EXPECT_EQ(parse_grid("64,256", "d"), (std::vector<std::uint32_t>{64, 256}));
  EXPECT_EQ(parse_grid("1024:65536:x4", "T"), (std::vector<std::uint32_t>{1024, 4096, 16384, 65536}));
  EXPECT_EQ(parse_grid("1000:5000:x4", "T"), (std::vector<std::uint32_t>{1000, 4000}));
  EXPECT_EQ(parse_grid("10:50:+20", "d"), (std::vector<std::uint32_t>{10, 30, 50}));
  EXPECT_EQ(parse_grid("7", "d"), (std::vector<std::uint32_t>{7}));
  for (const char* bad : {"0", "a", "64,,256", "10:5:x2", "1:10:x1", "1:10:*2", "1:10", "-4", ""})
    EXPECT_THROW(parse_grid(bad, "d"), SpecError) << bad;
}

TEST(Grid, RealGridsAndVariedParameters) {
  EXPECT_EQ(parse_real_grid("0.5,1,2", "x"), (std::vector<double>{0.5, 1, 2}));
  EXPECT_EQ(parse_real_grid("0.25:4:x2", "x"), (std::vector<double>{0.25, 0.5, 1, 2, 4}));
  EXPECT_EQ(parse_real_grid("0:1:+0.5", "x"), (std::vector<double>{0, 0.5, 1}));
  for (const char* bad : {"", "a", "1,,2", "0:4:x2", "1:4:x1", "4:1:+1", "1:4:*2", "nan", "inf"})
    EXPECT_THROW(parse_real_grid(bad, "x"), SpecError) << bad;
  const VariedParameter v = parse_varied("oracle.sigma=0.5,2");
  EXPECT_EQ(v.component, "oracle");
  EXPECT_EQ(v.key, "sigma");
  EXPECT_EQ(v.values, (std::vector<double>{0.5, 2}));
  EXPECT_THROW(parse_varied("sigma=1"), SpecError);
  EXPECT_THROW(parse_varied("engine.block=8"), SpecError);
}

TEST(Sweep, VariedParametersRunEveryCombination) {
  SweepSpec s;
  s.base.replicates = 2;
  s.d = {8};
  s.T = {16, 32};
  s.vary = {parse_varied("oracle.sigma=0.5,2"), parse_varied("schedule.eta_scale=1,3")};
  const SweepResult j = run_sweep(s, {});
  ASSERT_EQ(j.points.size(), 8u);  // 2 x 2 combinations x 2 T
  const auto& p = j.points[5];     // sigma = 2 (second), eta_scale = 1 (first), T = 32
  EXPECT_EQ(p.vary.at("oracle.sigma"), 2.0);
  EXPECT_EQ(p.vary.at("schedule.eta_scale"), 1.0);
  EXPECT_EQ(std::get<double>(p.run.spec.oracle.params.at("sigma")), 2.0);
  EXPECT_EQ(p.T, 32u);
  const std::vector<VaryGroup> groups = split_by_vary(j);
  ASSERT_EQ(groups.size(), 4u);
  for (const auto& g : groups) EXPECT_EQ(g.sweep.points.size(), 2u);
  EXPECT_EQ(groups[3].vary.at("schedule.eta_scale"), 3.0);
  s.vary = {parse_varied("oracle.nope=1")};
  EXPECT_THROW(run_sweep(s, {}), SpecError);  // an undeclared key is refused before any run
}

analysis::VerifyOptions small(const std::string& theorem) {
  analysis::VerifyOptions o;
  o.theorem = theorem;
  o.d = {16, 64, 256};
  o.T = {256, 1024, 4096, 16384};
  o.replicates = 8;
  o.bootstrap = 200;
  o.seed = 7;
  return o;
}

TEST(Sweep, EveryPointCanBeRerunAloneFromItsRecordedSeed) {
  SweepSpec s;
  s.base.replicates = 3;
  s.base.seed = 5;
  s.d = {8, 32};
  s.T = {16, 64};
  const SweepResult j = run_sweep(s, {});
  ASSERT_EQ(j.points.size(), 4u);
  EXPECT_NE(j.points[0].seed, j.points[1].seed);
  const auto& p = j.points[3];
  RunSpec alone = s.base;
  alone.d = p.d;
  alone.T = p.T;
  alone.seed = p.seed;
  const RunResult r = run(make_experiment(alone), {});
  EXPECT_EQ(p.run.per_replicate.M1[2], r.M1[2]);
  EXPECT_EQ(point_seed(5, 3), alone.seed);
}

TEST(Theory, ExplicitBoundsAtHandComputedValues) {
  analysis::BoundInputs in;
  in.delta = 0.5;
  in.L = 1;
  in.L_inf = 2;
  in.sigma_l2 = 1;
  in.sigma_l1 = 1;
  in.eta = 0.01;
  in.beta = 0.25;
  in.T = 100;
  in.d = 4;
  // 0.5/(0.01*100) + 1*0.01*4/2 + 2*2*1/(0.25*100) + 2*2*1*0.5 + 2*1*0.01*4/0.25 = 0.5+0.02+0.16+2+0.32
  EXPECT_NEAR(*analysis::find_theorem("thm1").bound(in), 3.0, 1e-12);
  // 0.5/1 + 2*0.01/2 + 2*1/25 + 2*1*0.5 + 2*2*0.01/0.25 = 0.5+0.01+0.08+1+0.16
  EXPECT_NEAR(*analysis::find_theorem("thm2").bound(in), 1.75, 1e-12);
  EXPECT_THROW(analysis::find_theorem("thm9"), SpecError);
}

TEST(Theory, BrokenAssumptionsAreRefusedUnlessAllowed) {
  analysis::VerifyOptions o = small("thm1");
  o.T = {64, 256, 1024};
  o.problem = "rosenbrock";
  try {
    analysis::verify(o);
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("Assumption 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--allow-violations"), std::string::npos) << e.what();
  }
  o.problem = "";
  o.oracle = "student-t:nu=2";
  EXPECT_THROW(analysis::verify(o), SpecError);
  o.allow_violations = true;
  const analysis::VerifyReport r = analysis::verify(o);
  ASSERT_EQ(r.families.size(), 1u);
  ASSERT_EQ(r.families[0].violations.size(), 1u);
  EXPECT_NE(r.families[0].violations[0].find("Assumption 4"), std::string::npos);
  EXPECT_NE(r.table().find("ASSUMPTIONS VIOLATED"), std::string::npos);
}

// The regression tests on the theory: at small sizes with fixed seeds, the fitted exponents lie
// within the tolerance (0.05) of Theorem 1's (-1/4 in T, 1/2 in d) and Theorem 2's (-1/4, 0),
// and the measured M1 (mean + 1.96 stderr) stays under the explicit bound at every grid point.
TEST(TheoryRegression, Theorem1HoldsOnItsCanonicalFamily) {
  const analysis::VerifyReport r = analysis::verify(small("thm1"));
  ASSERT_EQ(r.families.size(), 1u);
  const auto& f = r.families[0];
  EXPECT_TRUE(f.verdicts.rate_holds);
  EXPECT_TRUE(f.verdicts.tight);
  EXPECT_TRUE(f.verdicts.bound_holds);
  EXPECT_NEAR(f.fit.T->estimate, -0.25, 0.05);
  EXPECT_NEAR(f.fit.d->estimate, 0.5, 0.05);
  EXPECT_LT(f.worst_bound_ratio, 1.0);
  const nlohmann::json j = verify_json(r);
  EXPECT_TRUE(j["families"][0]["verdicts"]["rate_holds"].get<bool>());
  EXPECT_EQ(j["families"][0]["fit"]["exponents"]["T"]["ci"].size(), 2u);
  EXPECT_EQ(j["families"][0]["predicted"]["d"], 0.5);
}

TEST(TheoryRegression, Theorem2HoldsOnItsCanonicalFamily) {
  const analysis::VerifyReport r = analysis::verify(small("thm2"));
  const auto& f = r.families[0];
  EXPECT_TRUE(r.all_hold()) << r.table();
  EXPECT_NEAR(f.fit.T->estimate, -0.25, 0.05);
  EXPECT_NEAR(f.fit.d->estimate, 0.0, 0.05);
}

// Dropping the d-factor from eta (docs/theory.md: the overshoot of lagging momentum then dominates)
// raises the d-exponent to about 0.74: the Theorem 1 verdict must fail.
TEST(TheoryRegression, Theorem1FailsWithoutTheDFactor) {
  analysis::VerifyOptions o = small("thm1");
  o.schedule = "theorem2";
  const analysis::VerifyReport r = analysis::verify(o);
  EXPECT_FALSE(r.all_hold()) << r.table();
  EXPECT_FALSE(r.families[0].verdicts.rate_holds);
  EXPECT_GT(r.families[0].fit.d->estimate, 0.6);
}

// Asymmetric two-point noise (docs/theory.md: no Assumption 6): SMM keeps Theorem 1's rate, while
// signSGD (no momentum) settles where E sign(g) changes sign, so M1 stops falling with T
// (measured T-exponent -0.006) and even exceeds SMM's bound: the verdicts must fail.
TEST(TheoryRegression, AsymmetricNoiseKeepsSmmsRateAndBreaksSignSgds) {
  analysis::VerifyOptions o = small("thm1");
  o.oracle = "two-point:p=0.2";
  EXPECT_TRUE(analysis::verify(o).all_hold());
  o.method = "signsgd";
  const analysis::VerifyReport r = analysis::verify(o);
  EXPECT_FALSE(r.families[0].verdicts.rate_holds) << r.table();
  EXPECT_GT(r.families[0].fit.T->estimate, -0.1);
}

// Methods beside SMM on the same family: each is one more family with its own verdicts.
TEST(TheoryRegression, ComparedMethodsGetTheirOwnVerdicts) {
  analysis::VerifyOptions o = small("thm1");
  o.oracle = "two-point:p=0.2";
  o.compare = {"signsgd"};
  const analysis::VerifyReport r = analysis::verify(o);
  ASSERT_EQ(r.families.size(), 2u);
  EXPECT_EQ(r.families[0].family.method, "smm");
  EXPECT_EQ(r.families[1].family.method, "signsgd");
  EXPECT_TRUE(r.families[0].verdicts.rate_holds);
  EXPECT_FALSE(r.families[1].verdicts.rate_holds);
  EXPECT_NE(r.table().find("signsgd beside smm"), std::string::npos);
}

}  // namespace
}  // namespace signrate
