// The in-process simulation of n nodes (distributed.hpp): every method against a plain loop written
// from docs/components.md's "Distributed methods" table and docs/theory.md's MVSM, literal hand-computed
// steps, the exact binomial law of the vote, Byzantine nodes, S_R's domain (error or explicit clipping),
// communication counts, reproducibility, heterogeneous problems and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "method_cases.hpp"
#include "signrate/canonical_sum.hpp"
#include "signrate/distributed_nodes.hpp"
#include "signrate/engine.hpp"
#include "signrate/error.hpp"
#include "signrate/io/run_output.hpp"

namespace signrate {
namespace {

Experiment make(const std::string& problem, const std::string& oracle, const std::string& method,
                const std::string& schedule, std::uint32_t d, std::uint32_t T, std::uint32_t replicates,
                std::uint32_t nodes, std::uint32_t byzantine = 0, std::uint64_t seed = 7) {
  RunSpec s = make_run_spec(problem, oracle, method, schedule, d, T, replicates, seed);
  s.nodes = nodes;
  s.byzantine = byzantine;
  return make_experiment(s);
}

RunResult run_with(const Experiment& e, unsigned threads = 1) { return run(e, EngineOptions{threads, 256}); }

// ---------------------------------------------------------------------------------------------
// A reference written from the definitions, sharing only the per-coordinate primitives
// (oracle_noise, the uniform of S_R, sign): x_{T+1} of replicate r.

std::vector<double> reference_final_x(const Experiment& e, std::uint32_t r) {
  const std::uint32_t d = e.spec.d, n = e.spec.nodes;
  const DistCoeffs base = e.dist.base;
  const auto S = [](double v, double R, RngKey key, std::uint32_t t, std::uint32_t i) {
    return unbiased_sign_uniform(key, t, i) < 0.5 + v / (2.0 * R) ? 1.0 : -1.0;  // Definition 1
  };
  std::vector<double> x = e.problem.x0, buf(d, 0.0);
  std::vector<std::vector<double>> m(n, std::vector<double>(d, 0.0));
  std::vector<double> g(d);
  for (std::uint32_t t = 1; t <= e.spec.T; ++t) {
    std::vector<double> down(d);
    std::vector<int> vote(d, 0);
    std::vector<double> sum(d, 0.0);
    for (std::uint32_t j = 0; j < n; ++j) {
      node_gradient(e.problem, j, x.data(), g.data());
      const RngKey noise = derive_key(e.spec.seed, r, j, Stream::kOracleNoise);
      const RngKey sr = derive_key(e.spec.seed, r, j, Stream::kUnbiasedSign);
      const double flip = j < e.spec.byzantine ? -1.0 : 1.0;
      for (std::uint32_t i = 0; i < d; ++i) {
        const double gi = g[i] + oracle_noise(e.oracle.view(), noise, t, i);
        double& mi = m[j][i];
        double msg = 0;
        switch (base.kind) {
          case DistKind::kSgdDist:
          case DistKind::kSgdmDist:
            sum[i] += static_cast<float>(flip * gi);
            continue;
          case DistKind::kSignSgdMv:
            msg = sign(gi);
            break;
          case DistKind::kSignumMv:
            mi = base.mu * mi + (1 - base.mu) * gi;
            msg = sign(mi);
            break;
          case DistKind::kStoSignSgd:
            msg = S(gi, base.R, sr, t, i);
            break;
          case DistKind::kMvSignSgdSim:
            mi = (1 - base.beta) * mi + base.beta * gi;
            msg = sign(mi);
            break;
          case DistKind::kMvStoSignSgdSim:
            mi = (1 - base.beta) * mi + base.beta * gi;
            msg = S(mi, base.R, sr, t, i);
            break;
          case DistKind::kMvsmV1:
          case DistKind::kMvsmV2:
            mi = t == 1 ? gi : (1 - base.beta) * mi + base.beta * gi;
            msg = S(mi, base.R, sr, t, i);
            break;
          case DistKind::kSsdm:  // the message needs ||m||_2: sent after the loop
            mi = base.mu * mi + (1 - base.mu) * gi;
            continue;
        }
        vote[i] += static_cast<int>(flip * msg);
      }
      if (base.kind == DistKind::kSsdm)
        testing_methods::add_ssdm_message(
            m[j], flip, [&](double v, double R, std::uint32_t i) { return S(v, R, sr, t, i); }, sum);
    }
    const RngKey server = derive_key(e.spec.seed, r, 0, Stream::kServer);
    for (std::uint32_t i = 0; i < d; ++i) {
      if (base.kind == DistKind::kSgdDist || base.kind == DistKind::kSsdm)
        down[i] = static_cast<float>(sum[i] / n);
      else if (base.kind == DistKind::kSgdmDist)
        buf[i] = (t == 1 ? 0.0 : base.mu) * buf[i] + sum[i] / n, down[i] = static_cast<float>(buf[i]);
      else if (base.kind == DistKind::kMvsmV2)
        down[i] = S(static_cast<double>(vote[i]) / n, 1.0, server, t, i);
      else
        down[i] = (vote[i] > 0) - (vote[i] < 0);
    }
    for (std::uint32_t i = 0; i < d; ++i) x[i] -= base.eta * down[i];
  }
  return x;
}

struct MethodCase {
  std::string method;
  std::uint32_t byzantine;
};

class DistributedAgainstReference : public ::testing::TestWithParam<MethodCase> {};

// final_grad_l1 is ||grad f(x_{T+1})||_1, so equal values mean equal trajectories' ends; the
// problem is heterogeneous and the oracle discrete, so ties and sign(0) happen.
// A method for homogeneous nodes only runs on the homogeneous twin of the problem.
TEST_P(DistributedAgainstReference, SameFinalIterateAsTheDefinitions) {
  const bool homogeneous = make_dist_method(ParsedSpec{GetParam().method, {}}, 1, 1, 1).homogeneous_only;
  const char* problem = homogeneous ? "nonconvex-separable:c=4" : "hetero-nonconvex:centers=0/0.5/2/3,x1=1";
  for (const char* oracle : {"uniform:sigma=0.5", "rademacher:sigma=0.5"}) {
    const Experiment e = make(problem, oracle, GetParam().method, "constant:eta=0.05,beta=0.3", 12, 40, 2, 4,
                              GetParam().byzantine);
    const RunResult r = run_with(e);
    for (std::uint32_t rep = 0; rep < 2; ++rep) {
      const std::vector<double> x = reference_final_x(e, rep);
      std::vector<double> g(x.size());
      e.problem.gradient(x.data(), g.data());
      std::vector<double> chunks(sum_chunks(g.size()));
      const double l1 = canonical_sum(
          g.size(), [&](std::uint64_t i) { return std::fabs(g[i]); }, chunks.data());
      EXPECT_EQ(r.final_grad_l1[rep], l1) << oracle << " replicate " << rep;
      EXPECT_EQ(r.final_gap.size(), 2u);
    }
  }
}

// Every row of the table (so a new method is tested here by construction), and Byzantine nodes.
std::vector<MethodCase> every_distributed_method() {
  std::vector<MethodCase> cases;
  for (const ComponentInfo& info : distributed_method_registry()) cases.push_back({info.name, 0});
  for (const char* name : {"mvsm-v2", "signsgd-mv", "sgd-dist", "ssdm"})
    cases.push_back({name, name == std::string("signsgd-mv") ? 2u : 1u});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Distributed, DistributedAgainstReference,
                         ::testing::ValuesIn(every_distributed_method()),
                         [](const ::testing::TestParamInfo<MethodCase>& info) {
                           std::string name =
                               info.param.method + "_byzantine" + std::to_string(info.param.byzantine);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// ---------------------------------------------------------------------------------------------
// Literal hand-computed steps.

// f_j = 1/2 (x - c_j)^2 with c = (0, 1, 5), x_1 = 2: node gradients 2, 1, -3 (noise +-0.005 cannot
// flip them), signs +, +, -, vote +1, down +1: x_2 = 2 - 0.1 = 1.9 in every coordinate. The mean of
// the centres is 2, so grad f(x_1) = 0 and grad f(x_2) = -0.1 per coordinate.
TEST(DistributedByHand, SignSgdMvOneStep) {
  const Experiment e = make("hetero-quadratic:centers=0/1/5,x1=2", "rademacher:sigma=0.01", "signsgd-mv",
                            "constant:eta=0.1", 4, 1, 1, 3);
  const RunResult r = run_with(e);
  EXPECT_EQ(r.M1[0], 0.0);
  EXPECT_DOUBLE_EQ(r.final_grad_l1[0], 4 * std::fabs((2.0 - 0.1) - 2.0));
  EXPECT_EQ(r.ties_down[0], 0u);
  EXPECT_EQ(r.zeros_up[0], 0u);
}

// Even n = 2 with centres (0, 4) and x_1 = 2: node gradients +2 and -2 cancel, the vote ties and
// the server sends 0 (sign(0) = 0), so x does not move; every coordinate ties.
TEST(DistributedByHand, ATieSendsZero) {
  const Experiment e = make("hetero-quadratic:centers=0/4,x1=2", "rademacher:sigma=0.01", "signsgd-mv",
                            "constant:eta=0.1", 8, 3, 1, 2);
  const RunResult r = run_with(e);
  EXPECT_EQ(r.final_grad_l1[0], 0.0);
  EXPECT_EQ(r.ties_down[0], 8u * 3u);
}

// sgd-dist: x_2 = x_1 - eta * float(mean of float(g_j)); with c = (0, 1, 5), x_1 = 1 and noise +-s:
// mean = (1 + 0 - 4)/3 + mean noise = -1 + O(s); checked against the formula with the drawn noise.
TEST(DistributedByHand, SgdDistOneStep) {
  const Experiment e = make("hetero-quadratic:centers=0/1/5,x1=1", "rademacher:sigma=0.2", "sgd-dist",
                            "constant:eta=0.5", 1, 1, 1, 3);
  double sum = 0;
  for (std::uint32_t j = 0; j < 3; ++j) {
    const double noise = oracle_noise(e.oracle.view(), derive_key(7, 0, j, Stream::kOracleNoise), 1, 0);
    EXPECT_EQ(std::fabs(noise), 0.2);
    sum += static_cast<float>((1.0 - e.problem.node_centers[j]) + noise);
  }
  const double x2 = 1.0 - 0.5 * static_cast<double>(static_cast<float>(sum / 3));
  const RunResult r = run_with(e);
  EXPECT_EQ(r.final_grad_l1[0], std::fabs(x2 - 2.0));
}

// SSDM's message by hand: m = (3, -4, 0) has R = ||m||_2 = 5, so coordinate 0 sends +5 with
// probability 1/2 + 3/10 = 0.8, coordinate 1 sends +5 with probability 1/2 - 4/10 = 0.1, and
// coordinate 2 sends +-5 with probability 1/2 each (never 0: one bit a coordinate). A Byzantine
// node sends the negation; a zero state sends zeros. Over many steps the mean message is m (the
// normalized sign is unbiased: E R S_R(m_i) = m_i).
TEST(DistributedByHand, SsdmMessageIsAnUnbiasedNormalizedSign) {
  const RngKey key = derive_key(3, 0, 1, Stream::kUnbiasedSign);
  const double m[3] = {3.0, -4.0, 0.0};
  const double p_plus[3] = {0.8, 0.1, 0.5};
  double mean[3] = {0, 0, 0};
  constexpr std::uint32_t kSteps = 40000;
  for (std::uint32_t t = 1; t <= kSteps; ++t) {
    float out[3], flipped[3];
    node_normalized_sign_message(25.0, m, 3, key, t, false, out);
    node_normalized_sign_message(25.0, m, 3, key, t, true, flipped);
    for (std::uint32_t i = 0; i < 3; ++i) {
      const float want = unbiased_sign_uniform(key, t, i) < p_plus[i] ? 5.0f : -5.0f;
      ASSERT_EQ(out[i], want) << "t " << t << " i " << i;
      ASSERT_EQ(flipped[i], -want);
      mean[i] += out[i] / static_cast<double>(kSteps);
    }
  }
  for (std::uint32_t i = 0; i < 3; ++i)  // the standard error of each mean is at most 5 / 200
    EXPECT_NEAR(mean[i], m[i], 4 * 5.0 / 200) << i;
  const double zero[2] = {0.0, 0.0};
  float out[2] = {1.0f, 1.0f};
  node_normalized_sign_message(0.0, zero, 2, key, 1, false, out);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 0.0f);
}

// ---------------------------------------------------------------------------------------------
// The node and server rules.

TEST(DistributedStep, NodeStateConventions) {
  DistCoeffs c;
  double m = 5.0;
  c.kind = DistKind::kMvsmV1, c.beta = 0.25, c.t = 1;
  EXPECT_EQ(node_state_update(c, 2.0, m), 2.0);  // v_1 = g_1 whatever the slot held
  c.t = 2;
  EXPECT_EQ(node_state_update(c, 6.0, m), 0.75 * 2.0 + 0.25 * 6.0);  // beta weighs the NEW gradient
  c.kind = DistKind::kSignumMv, c.mu = 0.9, m = 1.0;
  EXPECT_EQ(node_state_update(c, 2.0, m), 0.9 * 1.0 + (1 - 0.9) * 2.0);  // mu weighs the OLD momentum
  c.kind = DistKind::kMvSignSgdSim, c.t = 1, m = 0.0;
  EXPECT_EQ(node_state_update(c, 2.0, m), 0.25 * 2.0);  // m_0 = 0, no v_1 = g_1
  c.kind = DistKind::kSignSgdMv, m = 3.0;
  EXPECT_EQ(node_state_update(c, -2.0, m), -2.0);
  EXPECT_EQ(m, 3.0);
}

TEST(DistributedStep, ServerSignIsTheSignOfTheVoteOrS1ForV2) {
  const RngKey key = derive_key(1, 0, 0, Stream::kServer);
  EXPECT_EQ(server_sign(DistKind::kMvsmV1, 3, 5, key, 1, 0), 1);
  EXPECT_EQ(server_sign(DistKind::kMvsmV1, -1, 5, key, 1, 0), -1);
  EXPECT_EQ(server_sign(DistKind::kSignSgdMv, 0, 4, key, 1, 0), 0);
  int plus_at_n = 0, plus_at_minus_n = 0, plus_at_half = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    plus_at_n += server_sign(DistKind::kMvsmV2, 4, 4, key, 1, i) == 1;
    plus_at_minus_n += server_sign(DistKind::kMvsmV2, -4, 4, key, 1, i) == 1;
    plus_at_half += server_sign(DistKind::kMvsmV2, 2, 4, key, 2, i) == 1;  // P(+1) = 1/2 + (2/4)/2 = 3/4
  }
  EXPECT_EQ(plus_at_n, kDraws);
  EXPECT_EQ(plus_at_minus_n, 0);
  // False alarm 5.7e-7 (|z| < 5).
  EXPECT_LT(std::fabs(plus_at_half - 0.75 * kDraws) / std::sqrt(kDraws * 0.75 * 0.25), 5.0);
}

// docs/theory.md: the vote of n independent S_R draws follows the binomial law exactly. The nodes'
// messages at t = 1 (v_1 = g_1) come from NodeWorker and the verdict from Server, over 2^17
// coordinates whose gradient is the same v: the count of +1 votes must be Binomial(n, 1/2 + v/2R).
// Chi-square test of the whole count distribution, false alarm 1e-6.
TEST(VoteLaw, VoteCountsAreBinomialAndWrongVotesMatchTheExactLaw) {
  constexpr std::uint32_t d = 1u << 17;
  for (std::uint32_t n : {4u, 5u}) {
    SCOPED_TRACE(n);
    // hetero-quadratic with every centre -0.3 and x_1 = 0: grad f_j = 0.3 everywhere; the noise is
    // +-1e-9 (rademacher), far below the resolution that matters here (P(+1) moves by 1e-9).
    std::string centers = "-0.3";
    for (std::uint32_t j = 1; j < n; ++j) centers += "/-0.3";
    const Experiment e = make("hetero-quadratic:x1=0,centers=" + centers, "rademacher:sigma=1e-7",
                              "mvsm-v1:R=1", "theorem3", d, 1, 1, n);
    std::vector<std::int32_t> votes(d, 0);
    std::vector<std::int8_t> msg(d);
    std::vector<double> g(d);
    std::vector<std::uint64_t> plus_count(n + 1, 0);
    std::vector<int> plus(d, 0);
    for (std::uint32_t j = 0; j < n; ++j) {
      NodeWorker w(e, 0, j);
      node_gradient(e.problem, j, e.problem.x0.data(), g.data());
      w.step(1, g.data(), msg.data(), nullptr);
      for (std::uint32_t i = 0; i < d; ++i) votes[i] += msg[i], plus[i] += msg[i] > 0;
    }
    Server server(e, 0);
    std::vector<std::int8_t> down(d);
    server.sign_down(1, votes.data(), down.data());
    std::uint64_t wrong = 0, ties = 0;
    for (std::uint32_t i = 0; i < d; ++i) {
      ++plus_count[plus[i]];
      wrong += down[i] < 0;  // the true sign is +1
      ties += down[i] == 0;
    }
    const double p = 0.5 + 0.3 / 2.0;
    const boost::math::binomial_distribution<double> law(n, p);
    double chi2 = 0;
    for (std::uint32_t k = 0; k <= n; ++k) {
      const double expected = d * boost::math::pdf(law, k);
      chi2 += (plus_count[k] - expected) * (plus_count[k] - expected) / expected;
    }
    EXPECT_LT(chi2, boost::math::quantile(boost::math::complement(boost::math::chi_squared(n), 1e-6)));
    // P(wrong) = P(#plus < n/2), P(tie) = P(#plus = n/2): exact, then a z-test with |z| < 5.
    const double p_wrong = boost::math::cdf(law, (n - 1) / 2);  // #plus <= floor((n-1)/2)
    const double p_tie = n % 2 ? 0.0 : boost::math::pdf(law, n / 2);
    EXPECT_LT(std::fabs(wrong - d * p_wrong) / std::sqrt(d * p_wrong * (1 - p_wrong)), 5.0);
    if (n % 2)
      EXPECT_EQ(ties, 0u);
    else
      EXPECT_LT(std::fabs(ties - d * p_tie) / std::sqrt(d * p_tie * (1 - p_tie)), 5.0);
    EXPECT_EQ(ties, server.ties());
  }
}

// ---------------------------------------------------------------------------------------------
// Byzantine nodes, S_R's domain, communication.

TEST(Byzantine, FaultyNodesSendTheNegationAndOthersAreUnchanged) {
  const std::string problem = "hetero-nonconvex:centers=0/1/2";
  const Experiment honest = make(problem, "uniform", "mvsm-v2", "theorem5", 64, 4, 1, 3, 0);
  const Experiment faulty = make(problem, "uniform", "mvsm-v2", "theorem5", 64, 4, 1, 3, 2);
  std::vector<double> g(64);
  for (std::uint32_t j = 0; j < 3; ++j) {
    NodeWorker a(honest, 0, j), b(faulty, 0, j);
    std::vector<std::int8_t> sa(64), sb(64);
    node_gradient(honest.problem, j, honest.problem.x0.data(), g.data());
    a.step(1, g.data(), sa.data(), nullptr);
    b.step(1, g.data(), sb.data(), nullptr);
    for (std::uint32_t i = 0; i < 64; ++i)
      EXPECT_EQ(sb[i], j < 2 ? -sa[i] : sa[i]) << "node " << j << " i " << i;
  }
}

TEST(UnbiasedSignDomain, StateAboveRIsAnErrorNamingNodeStepAndCoordinate) {
  const Experiment e = make("hetero-quadratic:centers=0/0.1/5", "gaussian:sigma=0.1", "mvsm-v2:R=2",
                            "constant:eta=0.01,beta=0.5", 4, 10, 1, 3);
  try {
    run_with(e);
    FAIL() << "expected a RunError";
  } catch (const RunError& err) {
    const std::string m = err.what();
    for (const char* part : {"mvsm-v2", "exceeds R = 2", "node 2", "step t=1", "coordinate i=0", "clip=1"})
      EXPECT_NE(m.find(part), std::string::npos) << part << " in: " << m;
  }
}

TEST(UnbiasedSignDomain, ExplicitClippingRunsAndCountsWhatItClipped) {
  const Experiment e = make("hetero-quadratic:centers=0/0.1/5", "gaussian:sigma=0.1", "mvsm-v2:R=2,clip=1",
                            "constant:eta=0.01,beta=0.5", 4, 10, 2, 3);
  const RunResult r = run_with(e);
  EXPECT_GT(r.clipped[0], 0u);
  const nlohmann::json c = communication_json(e, r);
  EXPECT_EQ(c["clip"], true);
  EXPECT_GT(c["clipped_fraction"].get<double>(), 0.0);
  EXPECT_LE(c["clipped_fraction"].get<double>(), 1.0);
  EXPECT_EQ(c["R_source"], "user");
}

TEST(UnbiasedSignDomain, RDefaultsToTheDeclaredBoundAndIsNeverExceeded) {
  // hetero-nonconvex declares G = (c/d) 3 sqrt(3)/8; uniform noise is bounded: R = G + bound.
  const Experiment e =
      make("hetero-nonconvex:c=64,spread=2", "uniform:sigma=1", "mvsm-v1", "theorem3", 64, 200, 2, 5);
  EXPECT_DOUBLE_EQ(e.dist.base.R, 1.0 * 3.0 * std::sqrt(3.0) / 8.0 + e.oracle.noise_bound());
  const RunResult r = run_with(e);  // would throw if any |v| > R
  EXPECT_EQ(r.clipped[0], 0u);
}

TEST(Communication, BitsAndBytesAreCounted) {
  const Experiment signs =
      make("hetero-nonconvex:centers=0/1/2/3", "uniform", "mvsm-v1", "theorem3", 100, 5, 2, 4);
  const nlohmann::json c = communication_json(signs, run_with(signs));
  EXPECT_EQ(c["bits_up_per_coordinate"], 1);
  EXPECT_EQ(c["bits_down_per_coordinate"], 1);
  EXPECT_EQ(c["bytes_up_per_node_per_step"], 16);  // ceil(100/64) words of 8 bytes
  EXPECT_EQ(c["total_bytes_per_replicate"], 5 * 4 * (16 + 16));
  EXPECT_EQ(c["total_bytes"], 2 * 5 * 4 * (16 + 16));
  const Experiment floats =
      make("hetero-nonconvex:centers=0/1/2/3", "uniform", "sgd-dist", "theorem3", 100, 5, 2, 4);
  const nlohmann::json f = communication_json(floats, run_with(floats));
  EXPECT_EQ(f["bits_up_per_coordinate"], 32);
  EXPECT_EQ(f["bytes_up_per_node_per_step"], 400);
  EXPECT_FALSE(f.contains("R"));
  EXPECT_TRUE(run_json(floats, run_with(floats), EngineOptions{}).contains("communication"));
}

// ---------------------------------------------------------------------------------------------
// Reproducibility and behaviour.

TEST(DistributedReproducibility, SameBitsForAnyThreadCount) {
  for (const char* method : {"mvsm-v2", "signsgd-mv", "sgdm-dist"}) {
    const Experiment e = make("hetero-nonconvex:spread=1", "uniform", method, "theorem3", 40, 60, 5, 5, 1);
    const nlohmann::json a = run_json(e, run_with(e, 1), EngineOptions{}),
                         b = run_json(e, run_with(e, 2), EngineOptions{});
    EXPECT_EQ(a["per_replicate"].dump(), b["per_replicate"].dump()) << method;
    EXPECT_EQ(a["checkpoints"].dump(), b["checkpoints"].dump()) << method;
    EXPECT_EQ(a["communication"].dump(), b["communication"].dump()) << method;
  }
}

TEST(DistributedReproducibility, NodesHaveTheirOwnStreams) {
  // Homogeneous nodes with the same f: different noise streams give different messages, so a
  // run with n = 3 differs from n = 1 and replicates differ from each other.
  const Experiment one = make("quadratic", "gaussian", "mvsm-v2:R=50", "theorem5", 16, 50, 2, 1);
  const Experiment three = make("quadratic", "gaussian", "mvsm-v2:R=50", "theorem5", 16, 50, 2, 3);
  const RunResult a = run_with(one), b = run_with(three);
  EXPECT_NE(a.M2[0], b.M2[0]);
  EXPECT_NE(b.M2[0], b.M2[1]);
}

TEST(DistributedRun, DenseHomogeneousProblemsRun) {
  const Experiment e = make("lowrank-quadratic", "gaussian", "signsgd-mv", "theorem3", 32, 100, 2, 3);
  const RunResult r = run_with(e);
  EXPECT_LT(r.final_grad_l2[0], r.traces[0].grad_l2.front());
}

// ---------------------------------------------------------------------------------------------
// Heterogeneous problems.

TEST(HeterogeneousProblems, GradientIsTheMeanOfTheNodesAndMatchesFiniteDifferences) {
  for (const char* spec :
       {"hetero-quadratic:centers=0/0.1/0.2/3/4,x1=0.7", "hetero-nonconvex:centers=0/0.1/0.2/3/4,c=2"}) {
    const Problem p = make_problem(parse_spec(spec, "problem"), 6, 5);
    std::vector<double> x = {0.3, -1.0, 2.5, 0.0, 4.2, 1.7}, g(6), gj(6), mean(6, 0.0);
    p.gradient(x.data(), g.data());
    for (std::uint32_t j = 0; j < 5; ++j) {
      node_gradient(p, j, x.data(), gj.data());
      for (int i = 0; i < 6; ++i) mean[i] += gj[i] / 5;
    }
    for (int i = 0; i < 6; ++i) {
      EXPECT_NEAR(g[i], mean[i], 1e-14) << spec;
      const double h = 1e-6;
      std::vector<double> xp = x, xm = x;
      xp[i] += h, xm[i] -= h;
      EXPECT_NEAR(g[i], (p.value(xp.data()) - p.value(xm.data())) / (2 * h), 1e-7) << spec << " i=" << i;
    }
  }
}

TEST(HeterogeneousProblems, QuadraticDeclaresTheMeanAsOptimumAndFStar) {
  const Problem p = make_problem(parse_spec("hetero-quadratic:centers=0/0.1/0.2/3/4", "problem"), 3, 5);
  const nlohmann::json j = p.declared();
  EXPECT_DOUBLE_EQ(j["optimum_coordinate"].get<double>(), 1.46);
  EXPECT_DOUBLE_EQ(j["median_of_centers"].get<double>(), 0.2);
  const std::vector<double> opt(3, 1.46);
  EXPECT_NEAR(p.value(opt.data()), p.constants.f_star, 1e-12);
  std::vector<double> g(3);
  p.gradient(opt.data(), g.data());
  for (double v : g) EXPECT_NEAR(v, 0.0, 1e-15);
  // f* is the minimum: nearby points are higher.
  for (double eps : {-1e-3, 1e-3}) {
    std::vector<double> y(3, 1.46 + eps);
    EXPECT_GT(p.value(y.data()), p.constants.f_star);
  }
}

TEST(HeterogeneousProblems, NonconvexNodeGradientsStayUnderG) {
  const Problem p = make_problem(parse_spec("hetero-nonconvex:spread=3,c=5", "problem"), 8, 6);
  std::vector<double> x(8), g(8);
  double worst = 0;
  for (int k = 0; k < 2000; ++k) {
    for (int i = 0; i < 8; ++i) x[i] = -10 + 20 * ((k * 37 + i * 101) % 997) / 997.0;
    for (std::uint32_t j = 0; j < 6; ++j) {
      node_gradient(p, j, x.data(), g.data());
      for (double v : g) worst = std::max(worst, std::fabs(v));
    }
  }
  EXPECT_LE(worst, p.constants.G);
  EXPECT_GT(worst, 0.9 * p.constants.G);  // the bound is nearly attained (u^2 = 1/3)
}

TEST(HeterogeneousProblems, DrawnCentresAreSkewedAndReproducible) {
  const Problem a = make_problem(parse_spec("hetero-quadratic:spread=1,seed=3", "problem"), 2, 101);
  const Problem b = make_problem(parse_spec("hetero-quadratic:spread=1,seed=3", "problem"), 2, 101);
  EXPECT_EQ(a.node_centers, b.node_centers);
  const nlohmann::json j = a.declared();
  // c_j = E_j - 1 with E_j ~ Exp(1): mean near 0, median near log 2 - 1 < 0.
  EXPECT_GT(j["optimum_coordinate"].get<double>(), j["median_of_centers"].get<double>());
}

// ---------------------------------------------------------------------------------------------
// Bad input: one line naming the value and what is allowed.

void expect_spec_error(const std::string& problem, const std::string& method, std::uint32_t nodes,
                       std::uint32_t byzantine, std::vector<std::string> parts,
                       const std::string& oracle = "uniform") {
  try {
    make(problem, oracle, method, "theorem3", 8, 10, 2, nodes, byzantine);
    FAIL() << "expected a SpecError for " << problem << " " << method;
  } catch (const SpecError& err) {
    const std::string m = err.what();
    for (const auto& part : parts) EXPECT_NE(m.find(part), std::string::npos) << part << " in: " << m;
  }
}

TEST(DistributedBadInput, RefusedWithWhatIsAllowed) {
  expect_spec_error("hetero-quadratic:centers=0/1", "mvsm-v2:R=1", 3, 0, {"centers has 2 values", "3 nodes"});
  expect_spec_error("hetero-quadratic:centers=0/x/1", "mvsm-v2:R=1", 3, 0, {"'x'", "not a number"});
  expect_spec_error("hetero-quadratic:centers=0//1", "mvsm-v2:R=1", 3, 0, {"centers"});
  expect_spec_error("hetero-quadratic:centers=0/1/", "mvsm-v2:R=1", 3, 0, {"not a list"});
  expect_spec_error("hetero-quadratic:centers=0/1/2,spread=1", "mvsm-v2:R=1", 3, 0,
                    {"spread=1 has no effect"});
  expect_spec_error("quadratic", "smm", 3, 0, {"single-node", "nodes=3", "mvsm-v1", "mvsm-v2"});
  expect_spec_error("quadratic", "signsgd-mv", 3, 4, {"byzantine=4", "0 to nodes=3"});
  expect_spec_error("quadratic", "mvsm-v2", 3, 0, {"R is needed", "Assumption 9"}, "gaussian");
  expect_spec_error("quadratic", "mvsm-v2:R=-1", 3, 0, {"R=-1", "> 0"});
  expect_spec_error("quadratic", "mvsm-v2:R=1,clip=2", 3, 0, {"clip=2"});
  expect_spec_error("quadratic", "signsgd-mv:R=1", 3, 0, {"unknown parameter 'R'"});
  expect_spec_error("quadratic", "vote", 3, 0, {"unknown method 'vote'", "smm", "mvsm-v2"});
  RunSpec s = make_run_spec("quadratic", "uniform", "signsgd-mv", "theorem3", 8, 10, 2, 1);
  s.nodes = 0;
  EXPECT_THROW(make_experiment(s), SpecError);
}

// SSDM sends one bit a coordinate plus its float32 scale, and the mean (float32) down; it is
// refused on a heterogeneous problem and, for now, on the GPU.
TEST(DistributedByHand, SsdmCommunicationAndDomain) {
  const Experiment e = make("quadratic", "gaussian", "ssdm", "theorem3", 100, 10, 1, 3);
  const nlohmann::json c = communication_json(e, run_with(e));
  EXPECT_EQ(c["bits_up_per_coordinate"], 1);
  EXPECT_EQ(c["bits_down_per_coordinate"], 32);
  EXPECT_EQ(c["bytes_up_per_node_per_step"], 2 * 8 + 4);  // ceil(100/64) words and the scale
  EXPECT_EQ(c["bytes_down_per_node_per_step"], 100 * 4);
  expect_spec_error("hetero-quadratic", "ssdm", 3, 0, {"ssdm", "heterogeneous", "homogeneous nodes only"});
  EngineOptions gpu;
  gpu.backend = Backend::kCuda;
  try {
    run(e, gpu);
    FAIL() << "ssdm ran on --device cuda";
  } catch (const SpecError& err) {
    const std::string m = err.what();
    EXPECT_TRUE(m.find("cannot run on the GPU yet") != std::string::npos ||
                m.find("has no CUDA") != std::string::npos)
        << m;
  }
}

TEST(DistributedBadInput, ListValuesRoundTripThroughJsonSpecs) {
  const nlohmann::json j = nlohmann::json::parse(R"({"name": "hetero-quadratic", "centers": [0, 0.1, 3]})");
  const Problem p = make_problem(parse_spec_json(j, "problem"), 2, 3);
  EXPECT_EQ(p.node_centers, (std::vector<double>{0, 0.1, 3}));
  EXPECT_EQ(spec_text(p.resolved), "hetero-quadratic:centers=0/0.1/3,x1=0");
}

}  // namespace
}  // namespace signrate
