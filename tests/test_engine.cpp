// The CPU engine: its numbers against a plain reference loop, and reproducibility (the same seed
// gives the same bits for any thread count and tile size; docs/architecture.md's "Reproducibility").
#include <gtest/gtest.h>

#include <cmath>

#include "signrate/canonical_sum.hpp"
#include "signrate/engine.hpp"
#include "signrate/error.hpp"
#include "signrate/io/run_output.hpp"

namespace signrate {
namespace {

RunSpec small_spec(const std::string& problem, const std::string& oracle, const std::string& method,
                   const std::string& schedule, std::uint32_t d, std::uint32_t T, std::uint32_t R) {
  return make_run_spec(problem, oracle, method, schedule, d, T, R, 12345);
}

// What a user reads: metrics, per-replicate values and checkpoints (the engine block is excluded:
// it holds the elapsed time and the engine options).
std::string numbers(const Experiment& e, const RunResult& r, const EngineOptions& o) {
  nlohmann::json j = run_json(e, r, o);
  return j["metrics"].dump() + j["per_replicate"].dump() + j["checkpoints"].dump();
}

// A plain loop written from docs/theory.md's definitions, sharing only the per-coordinate functions:
// M1 = (1/T) sum_t ||grad f(x_t)||_1 and M2 likewise, for replicate r.
struct Reference {
  double M1 = 0, M2 = 0, final_l1 = 0, final_gap = 0;
};

Reference reference_run(const Experiment& e, std::uint32_t r) {
  const std::uint32_t d = e.spec.d;
  std::vector<double> x = e.problem.x0, m(d, 0.0), s(d, 0.0), g(d), gq(d), y(d);
  if (e.method.extrapolate) s = x;
  const RngKey key = derive_key(e.spec.seed, r, 0, Stream::kOracleNoise);
  Reference out;
  for (std::uint32_t t = 1; t <= e.spec.T; ++t) {
    const MethodCoeffs c = e.method.coeffs_at(t);
    e.problem.gradient(x.data(), g.data());
    double n1 = 0, n2 = 0;
    for (double v : g) n1 += std::fabs(v), n2 += v * v;
    out.M1 += n1 / e.spec.T;
    out.M2 += std::sqrt(n2) / e.spec.T;
    gq = g;
    if (e.method.extrapolate) {
      for (std::uint32_t i = 0; i < d; ++i) y[i] = extrapolated_point(c.beta, x[i], s[i]);
      e.problem.gradient(y.data(), gq.data());
    }
    // ||p||_1 feeds back into the trajectory, so it is summed in the canonical order
    // (canonical_sum.hpp) to keep the trajectories identical.
    std::vector<double> p_abs(d), chunks(sum_chunks(d));
    for (std::uint32_t i = 0; i < d; ++i) {
      const double gi = gq[i] + oracle_noise(e.oracle.view(), key, t, i);
      if (e.method.two_phase())
        p_abs[i] = ef_accumulate(c, gi, m[i]);
      else
        method_step(c, gi, x[i], m[i], s[i]);
    }
    const double p1 = canonical_sum(
        d, [&](std::uint64_t i) { return p_abs[i]; }, chunks.data());
    if (e.method.two_phase())
      for (std::uint32_t i = 0; i < d; ++i) ef_apply(p1 / d, x[i], m[i]);
  }
  e.problem.gradient(x.data(), g.data());
  for (double v : g) out.final_l1 += std::fabs(v);
  out.final_gap = e.problem.gap(x.data());
  return out;
}

struct Case {
  const char *problem, *oracle, *method, *schedule;
};

class EngineAgainstReference : public ::testing::TestWithParam<Case> {};

TEST_P(EngineAgainstReference, SameNumbersAsAPlainLoop) {
  const Case c = GetParam();
  const Experiment e = make_experiment(small_spec(c.problem, c.oracle, c.method, c.schedule, 13, 300, 3));
  const RunResult r = run(e, EngineOptions{2, 32});
  for (std::uint32_t k = 0; k < 3; ++k) {
    const Reference ref = reference_run(e, k);
    // The engine sums norms pairwise in chunks, the reference left to right: they differ by rounding only,
    // at most about d * T * eps relative.
    const double tol = 13 * 300 * 2.3e-16;
    EXPECT_NEAR(r.M1[k], ref.M1, tol * ref.M1) << c.method;
    EXPECT_NEAR(r.M2[k], ref.M2, tol * ref.M2) << c.method;
    EXPECT_NEAR(r.final_grad_l1[k], ref.final_l1, tol * (ref.final_l1 + 1e-300)) << c.method;
    EXPECT_NEAR(r.final_gap[k], ref.final_gap, tol * (std::fabs(ref.final_gap) + 1e-300)) << c.method;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Methods, EngineAgainstReference,
    ::testing::Values(Case{"quadratic", "gaussian", "smm", "theorem1"},
                      Case{"quadratic", "student-t:nu=3", "signsgd", "constant:eta=0.01"},
                      Case{"diag-quadratic:law=power", "two-point", "signum", "theorem2"},
                      Case{"nonconvex-separable", "bimodal", "sgdm", "constant:eta=0.05,beta=0.1"},
                      Case{"lowrank-quadratic", "lognormal", "adamw", "constant:eta=0.01"},
                      Case{"rosenbrock", "uniform:sigma=0.1", "ef-signsgd", "constant:eta=0.001"},
                      Case{"nonconvex-separable", "lomax:alpha=3", "ef-signsgd", "constant:eta=0.001"},
                      Case{"quadratic", "lomax:alpha=4", "lion", "constant:eta=0.001"},
                      Case{"quadratic", "rademacher", "signsgd-sim:extrapolate=1", "theorem2"},
                      Case{"rosenbrock", "gaussian:sigma=0.1", "signsgd-sim:extrapolate=1",
                           "theorem2:eta_scale=0.01"},
                      Case{"quadratic", "gaussian", "sgd", "constant:eta=0.1"}));

TEST(Engine, SameBitsForAnyThreadCountAndTileSize) {
  for (const char* problem : {"quadratic", "lowrank-quadratic"}) {
    RunSpec spec = small_spec(problem, "gaussian", "smm", "theorem1", 100, 500, 5);
    spec.batch = 2;
    const Experiment e = make_experiment(spec);
    const EngineOptions base{1, 256};
    const std::string expected = numbers(e, run(e, base), base);
    for (const EngineOptions o :
         {EngineOptions{2, 32}, EngineOptions{3, 96}, EngineOptions{5, 64}, EngineOptions{0, 160}})
      EXPECT_EQ(numbers(e, run(e, o), o), expected) << "threads " << o.threads << " block " << o.block;
  }
}

TEST(Engine, SeedAndReplicateChangeTheNumbers) {
  RunSpec spec = small_spec("quadratic", "gaussian", "smm", "theorem1", 16, 100, 2);
  const Experiment a = make_experiment(spec);
  spec.seed += 1;
  const Experiment b = make_experiment(spec);
  const RunResult ra = run(a, {}), rb = run(b, {});
  EXPECT_NE(ra.M1[0], rb.M1[0]);
  EXPECT_NE(ra.M1[0], ra.M1[1]);
}

TEST(Engine, ReplicatesDoNotDependOnHowManyAreRun) {
  RunSpec spec = small_spec("quadratic", "gaussian", "smm", "theorem1", 16, 100, 2);
  const RunResult two = run(make_experiment(spec), {});
  spec.replicates = 7;
  const RunResult seven = run(make_experiment(spec), {});
  EXPECT_EQ(two.M1[0], seven.M1[0]);
  EXPECT_EQ(two.M2[1], seven.M2[1]);
}

TEST(Engine, CheckpointsAreALogGridEndingAtT) {
  EXPECT_EQ(log_checkpoints(1000, 1), (std::vector<std::uint32_t>{1, 10, 100, 1000}));
  EXPECT_EQ(log_checkpoints(1, 8), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(log_checkpoints(30, 2), (std::vector<std::uint32_t>{1, 3, 10, 30}));
  const Experiment e = make_experiment(small_spec("quadratic", "gaussian", "smm", "theorem1", 4, 64, 2));
  const RunResult r = run(e, {});
  ASSERT_EQ(r.traces[0].M1.size(), e.checkpoints.size());
  EXPECT_DOUBLE_EQ(r.traces[0].M1.back(), r.M1[0]);  // the last checkpoint is M1(T)
  EXPECT_DOUBLE_EQ(r.traces[1].M2.back(), r.M2[1]);
}

TEST(Engine, DivergenceIsAnErrorNamingReplicateAndStep) {
  const Experiment e =
      make_experiment(small_spec("rosenbrock", "gaussian", "sgd", "constant:eta=1", 4, 1000, 3));
  try {
    run(e, {});
    FAIL() << "no error";
  } catch (const RunError& err) {
    EXPECT_NE(std::string(err.what()).find("replicate 0"), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("step t="), std::string::npos) << err.what();
  }
}

TEST(Engine, BadEngineOptionsAreRefused) {
  const Experiment e = make_experiment(small_spec("quadratic", "gaussian", "smm", "theorem1", 4, 8, 1));
  EXPECT_THROW(run(e, EngineOptions{1, 48}), SpecError);
  EXPECT_THROW(run(e, EngineOptions{1, 8}), SpecError);
  EXPECT_THROW(run(e, EngineOptions{1, 0}), SpecError);
}

TEST(Engine, GapIsMissingWithoutAFiniteOptimum) {
  const Experiment e =
      make_experiment(small_spec("diag-quadratic:negative=1", "gaussian", "smm", "theorem1", 4, 16, 2));
  const RunResult r = run(e, {});
  EXPECT_TRUE(std::isnan(r.final_gap[0]));
  EXPECT_TRUE(run_json(e, r, {})["metrics"]["final_gap"]["mean"].is_null());
  EXPECT_TRUE(run_json(e, r, {})["checkpoints"][0]["gap"].is_null());
}

}  // namespace
}  // namespace signrate
