// The host-device code run on a GPU must give the CPU's bits (docs/architecture.md's "Design" and
// "Reproducibility"). Without a CUDA device (or a CUDA build) these tests skip and say why.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "gpu_cases.hpp"
#include "signrate/distributed_step.hpp"
#include "signrate/engine.hpp"
#include "signrate/error.hpp"
#include "signrate/method_step.hpp"
#include "signrate/oracle.hpp"
#include "signrate/oracle_law.hpp"
#include "signrate/spec.hpp"
#if SIGNRATE_HAVE_CUDA
#include "signrate/cuda_check.hpp"
#endif

namespace signrate {
namespace {

bool have_device(std::string* why) { return cuda_usable(0, why); }

// The laws as the oracle factory builds them (the constants every engine uses, never copied by
// hand), one or more per shape; heavy tails with and without a finite variance.
const std::vector<NoiseLaw>& factory_laws() {
  static const std::vector<NoiseLaw> laws = [] {
    std::vector<NoiseLaw> out;
    for (const char* spec : {"gaussian", "student-t:nu=3", "student-t:nu=1.5", "lomax:alpha=3",
                             "two-point:p=0.2", "lognormal:s=1", "bimodal:m=0.9", "uniform", "rademacher"})
      out.push_back(make_oracle(parse_spec(spec, "oracle"), 1, 1).law);
    return out;
  }();
  return laws;
}

// Runs without a device too: the GPU test below draws from every shape the oracles know.
TEST(CudaLaws, FactoryLawsCoverEveryShape) {
  std::set<int> shapes;
  for (const NoiseLaw& law : factory_laws()) shapes.insert(static_cast<int>(law.shape));
  EXPECT_EQ(shapes.size(), static_cast<std::size_t>(NoiseShape::kRademacher) + 1);
}

TEST(Cuda, OracleNoiseHasTheCpuBits) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
#if SIGNRATE_HAVE_CUDA
  const std::uint32_t d = 4099;
  std::vector<double> scale(d);
  for (std::uint32_t i = 0; i < d; ++i) scale[i] = 1.0 / (1 + i % 17);
  const RngKey key = derive_key(2026, 5, 0, Stream::kOracleNoise);
  for (const NoiseLaw& law : factory_laws())
    for (std::uint32_t batch : {1u, 3u}) {
      const std::vector<double> gpu = cuda::oracle_noise(law, scale, batch, key, 77);
      const OracleView view{law, scale.data(), batch};
      for (std::uint32_t i = 0; i < d; ++i)
        ASSERT_EQ(gpu[i], oracle_noise(view, key, 77, i)) << "shape " << int(law.shape) << " i " << i;
    }
#endif
}

TEST(Cuda, MethodStepsHaveTheCpuBits) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
#if SIGNRATE_HAVE_CUDA
  const std::uint32_t d = 1000;
  std::vector<double> g(d), x0(d), m0(d), s0(d);
  for (std::uint32_t i = 0; i < d; ++i) {
    g[i] = std::sin(0.37 * i) * (i % 5 == 0 ? 0.0 : 1.0);  // some exact zeros: sign(0) = 0
    x0[i] = std::cos(0.11 * i);
    m0[i] = std::sin(0.05 * i + 1);
    s0[i] = 0.1 + 0.01 * (i % 7);
  }
  for (auto kind : {MethodKind::kSgd, MethodKind::kSgdm, MethodKind::kAdamw, MethodKind::kSignSgd,
                    MethodKind::kSignum, MethodKind::kSmm, MethodKind::kSignSgdSim, MethodKind::kLion})
    for (std::uint32_t t : {1u, 5u}) {
      MethodCoeffs c;
      c.kind = kind;
      c.eta = 0.01;
      c.beta = 0.2;
      c.mu = 0.9;
      c.wd = 0.01;
      c.t = t;
      c.adam_step = 0.02;
      c.adam_sqrt_bc2 = 0.3;
      std::vector<double> x = x0, m = m0, s = s0;
      cuda::method_step(c, g, x, m, s);
      for (std::uint32_t i = 0; i < d; ++i) {
        double xc = x0[i], mc = m0[i], sc = s0[i];
        method_step(c, g[i], xc, mc, sc);
        ASSERT_EQ(x[i], xc) << "kind " << int(kind) << " i " << i;
        ASSERT_EQ(m[i], mc);
        ASSERT_EQ(s[i], sc);
      }
    }
#endif
}

TEST(Cuda, DistributedNodeAndServerStepsHaveTheCpuBits) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
#if SIGNRATE_HAVE_CUDA
  const std::uint32_t d = 3001;
  std::vector<double> g(d), m0(d);
  std::vector<std::int32_t> votes(d);
  for (std::uint32_t i = 0; i < d; ++i) {
    g[i] = 0.9 * std::sin(0.37 * i) * (i % 5 == 0 ? 0.0 : 1.0);  // exact zeros: sign(0) = 0
    m0[i] = 0.5 * std::cos(0.05 * i);
    votes[i] = static_cast<std::int32_t>(i % 9) - 4;  // -4..4 with n = 4: ties included
  }
  const RngKey key = derive_key(2026, 3, 2, Stream::kUnbiasedSign);
  for (const DistRecipe& row : kDistRecipes) {  // every method whose nodes send signs
    const DistKind kind = row.kind;
    if (!sends_signs(row.recipe)) continue;
    for (std::uint32_t t : {1u, 6u}) {
      DistCoeffs c;
      c.kind = kind, c.beta = 0.2, c.mu = 0.9, c.R = 1.0, c.t = t;
      std::vector<double> m = m0;
      const std::vector<std::int8_t> gpu = cuda::node_messages(c, g, m, key);
      for (std::uint32_t i = 0; i < d; ++i) {
        double mc = m0[i];
        const double s = node_state_update(c, g[i], mc);
        const double msg = needs_bound_R(recipe_of(kind)) ? node_unbiased_sign(s, c.R, key, t, i) : sign(s);
        ASSERT_EQ(gpu[i], static_cast<std::int8_t>(msg)) << "kind " << int(kind) << " i " << i;
        ASSERT_EQ(m[i], mc);
      }
    }
  }
  for (auto kind : {DistKind::kMvsmV1, DistKind::kMvsmV2}) {
    const std::vector<std::int8_t> gpu = cuda::server_signs(kind, votes, 4, key, 9);
    for (std::uint32_t i = 0; i < d; ++i) ASSERT_EQ(gpu[i], server_sign(kind, votes[i], 4, key, 9, i)) << i;
  }
#endif
}

// The engine: every case of the matrix (gpu_cases.hpp) on the device against the CPU engine, with
// the chosen layout and with forced blocks per replicate (the grid-barrier path, B > 1), and with
// 64 and 1024 threads per block.
class CudaEngine : public ::testing::TestWithParam<gpu_cases::Case> {};

TEST_P(CudaEngine, RunHasTheCpuEnginesBits) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
  const gpu_cases::Case& c = GetParam();
  const Experiment e = c.experiment();
  const RunResult cpu = run(e, EngineOptions{2, 64});
  for (std::uint32_t blocks : {0u, 1u, 4u})
    for (std::uint32_t threads : {64u, 1024u}) {
      EngineOptions o;
      o.backend = Backend::kCuda;
      o.cuda_blocks = blocks;
      o.cuda_threads = threads;
      const RunResult gpu = run(e, o);
      EXPECT_EQ(gpu.backend, "cuda");
      EXPECT_FALSE(gpu.device_name.empty());
      gpu_cases::expect_same_run(
          cpu, gpu, c.name() + " B=" + std::to_string(blocks) + " threads=" + std::to_string(threads));
    }
}

INSTANTIATE_TEST_SUITE_P(CudaSingleNode, CudaEngine, ::testing::ValuesIn(gpu_cases::single_cases()),
                         gpu_cases::case_name);
INSTANTIATE_TEST_SUITE_P(CudaDistributed, CudaEngine, ::testing::ValuesIn(gpu_cases::dist_cases()),
                         gpu_cases::case_name);

// A d needing many blocks per replicate at the chosen layout (d = 2^18: 8192 chunks).
TEST(CudaEngineLarge, ManyBlocksPerReplicateHaveTheCpuEnginesBits) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
  for (const char* method : {"smm", "ef-signsgd"}) {
    const Experiment e =
        make_experiment(make_run_spec("quadratic", "gaussian", method, "theorem1", 1u << 18, 20, 3, 5));
    EngineOptions o;
    o.backend = Backend::kCuda;
    gpu_cases::expect_same_run(run(e, EngineOptions{2, 256}), run(e, o), method);
  }
}

// Refusals: a dense problem (never silently on the CPU), a run larger than the device's memory,
// an impossible layout; each a SpecError (exit 2) naming the reason.
TEST(CudaEngineRefusals, DenseProblemsMemoryAndLayout) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
  EngineOptions o;
  o.backend = Backend::kCuda;
  const auto message = [&](const RunSpec& spec) {
    try {
      run(make_experiment(spec), o);
    } catch (const SpecError& err) {
      return std::string(err.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(make_run_spec("lowrank-quadratic", "gaussian", "smm", "theorem1", 64, 10, 2, 1))
                .find("'lowrank-quadratic' cannot run on the GPU"),
            std::string::npos);
  const std::string big =
      message(make_run_spec("quadratic", "gaussian", "smm", "theorem1", 1u << 24, 10, 4096, 1));
  EXPECT_NE(big.find("GPU memory"), std::string::npos) << big;
  EXPECT_NE(big.find("free"), std::string::npos) << big;
  o.cuda_blocks = 256;
  const std::string layout =
      message(make_run_spec("quadratic", "gaussian", "smm", "theorem1", 1u << 20, 10, 4096, 1));
  EXPECT_NE(layout.find("resident"), std::string::npos) << layout;
}

}  // namespace
}  // namespace signrate
