// The host-device code run on a GPU must give the CPU's bits (ARCHITECTURE.md principles 1-2).
// Without a CUDA device (or a CUDA build) these tests skip and say why.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signrate/method_step.hpp"
#include "signrate/oracle_law.hpp"
#if SIGNRATE_HAVE_CUDA
#include "signrate/cuda_check.hpp"
#endif

namespace signrate {
namespace {

bool have_device(std::string* why) {
#if SIGNRATE_HAVE_CUDA
  return cuda::device_available(why);
#else
  *why = "built without CUDA (no nvcc found at configure time)";
  return false;
#endif
}

const std::vector<NoiseLaw> kLaws = {
    {NoiseShape::kGaussian, 0, 1},   {NoiseShape::kStudentT, 3, 0.57735026918962573},
    {NoiseShape::kStudentT, 1.5, 1}, {NoiseShape::kLomax, 3, 1},
    {NoiseShape::kTwoPoint, 0.2, 2}, {NoiseShape::kLognormal, 1, 0.46},
    {NoiseShape::kBimodal, 0.9, 1},  {NoiseShape::kUniform, 0, 1},
    {NoiseShape::kRademacher, 0, 1}};

TEST(Cuda, OracleNoiseHasTheCpuBits) {
  std::string why;
  if (!have_device(&why)) GTEST_SKIP() << why;
#if SIGNRATE_HAVE_CUDA
  const std::uint32_t d = 4099;
  std::vector<double> scale(d);
  for (std::uint32_t i = 0; i < d; ++i) scale[i] = 1.0 / (1 + i % 17);
  const RngKey key = derive_key(2026, 5, 0, Stream::kOracleNoise);
  for (const NoiseLaw& law : kLaws)
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

}  // namespace
}  // namespace signrate
