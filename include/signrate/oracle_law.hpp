#pragma once
// The host-device part of an oracle: a noise law's descriptor, its dispatch to the samplers in
// signrate/oracles/<law>.hpp, and the per-coordinate noise of a (mini)batch. No host-only includes, so
// nvcc compiles it for the GPU engine.
#include <cstdint>

#include "signrate/oracles/bimodal.hpp"
#include "signrate/oracles/gaussian.hpp"
#include "signrate/oracles/lognormal.hpp"
#include "signrate/oracles/lomax.hpp"
#include "signrate/oracles/rademacher.hpp"
#include "signrate/oracles/student_t.hpp"
#include "signrate/oracles/two_point.hpp"
#include "signrate/oracles/uniform.hpp"

namespace signrate {

enum class NoiseShape : std::uint8_t {
  kGaussian,
  kStudentT,
  kLomax,
  kTwoPoint,
  kLognormal,
  kBimodal,
  kUniform,
  kRademacher
};

// A noise law as kernels see it: the shape, its one parameter (nu, alpha, p, s or m) and the
// constants that make a draw standard (mean 0, variance 1 where the variance is finite).
struct NoiseLaw {
  NoiseShape shape = NoiseShape::kGaussian;
  double param = 0.0;
  double unit = 1.0;  // multiplier of the raw draw
};

// Calls f(sampler) with the sampler of `law` (signrate/oracles/<law>.hpp): each has kGroup, one(key,
// t, i, b), the raw draw of coordinate i, and group(key, t, g, b, z), the raw draws of coordinates
// kGroup g .. kGroup g + kGroup - 1 with the same bits, in the order that vectorizes.
#if defined(__CUDACC__)
#pragma nv_exec_check_disable  // f may be a host lambda (the tile's dispatch)
#endif
template <class F>
SIGNRATE_INLINE void with_sampler(const NoiseLaw& law, F&& f) {
  switch (law.shape) {
    case NoiseShape::kGaussian:
      f(laws::GaussianLaw{});
      break;
    case NoiseShape::kStudentT:
      f(laws::StudentTLaw(law.param));
      break;
    case NoiseShape::kLomax:
      f(laws::LomaxLaw(law.param));
      break;
    case NoiseShape::kTwoPoint:
      f(laws::TwoPointLaw(law.param));
      break;
    case NoiseShape::kLognormal:
      f(laws::LognormalLaw(law.param));
      break;
    case NoiseShape::kBimodal:
      f(laws::BimodalLaw(law.param));
      break;
    case NoiseShape::kUniform:
      f(laws::UniformLaw{});
      break;
    case NoiseShape::kRademacher:
      f(laws::RademacherLaw{});
      break;
  }
}

// One standardized draw for (step t, coordinate i, batch member b) under `key`.
SIGNRATE_INLINE double standard_draw(const NoiseLaw& law, RngKey key, std::uint32_t t, std::uint32_t i,
                                     std::uint32_t b) {
  double raw = 0.0;
  with_sampler(law, [&](const auto& sampler) { raw = sampler.one(key, t, i, b); });
  return law.unit * raw;
}

// What a kernel needs of an oracle: the law, per-coordinate scales and the batch size.
struct OracleView {
  NoiseLaw law;
  const double* scale = nullptr;  // scale_i: standard deviation of one draw at coordinate i
  std::uint32_t batch = 1;
};

// The noise xi_i at step t: scale_i times the mean of `batch` independent standard draws.
SIGNRATE_INLINE double oracle_noise(const OracleView& o, RngKey key, std::uint32_t t, std::uint32_t i) {
  double sum = standard_draw(o.law, key, t, i, 0);
  for (std::uint32_t b = 1; b < o.batch; ++b) sum += standard_draw(o.law, key, t, i, b);
  // sum / 1 == sum exactly, so skipping the division for batch 1 changes no bit.
  return o.scale[i] * (o.batch == 1 ? sum : sum / static_cast<double>(o.batch));
}

// The noise of coordinates i0 .. i0+n-1 at step t into out[0 .. n-1], with the same bits as
// oracle_noise at each coordinate: whole groups of the law's sampler, drawn vectorized (a group the
// tile covers only in part is drawn whole and the covered part copied), for every law and batch.
// Host code (the CPU engines); kernels draw coordinate by coordinate with oracle_noise.
template <class Sampler>
inline void sampler_noise_tile(const Sampler& sampler, const OracleView& o, RngKey key, std::uint32_t t,
                               std::uint32_t i0, std::uint32_t n, double* out) {
  constexpr std::uint32_t kG = Sampler::kGroup;
  const double unit = o.law.unit, batch = static_cast<double>(o.batch);
  for (std::uint32_t j = 0; j < n;) {
    const std::uint32_t g = (i0 + j) / kG, offset = (i0 + j) % kG;
    const std::uint32_t take = offset + (n - j) >= kG ? kG - offset : n - j;
    // The same operations as oracle_noise: the sum of unit * draw over b, then the mean, then the
    // scale (batch 1: the draw itself, as sum / 1 == sum, with no pass through a sum array).
    const double* __restrict__ scale = o.scale + i0 + j;
    double* __restrict__ z = out + j;
    double raw[kG];
    sampler.group(key, t, g, 0, raw);
    if (o.batch == 1) {
      for (std::uint32_t c = 0; c < take; ++c) z[c] = scale[c] * (unit * raw[offset + c]);
    } else {
      double sum[kG];
      for (std::uint32_t c = 0; c < kG; ++c) sum[c] = unit * raw[c];
      for (std::uint32_t b = 1; b < o.batch; ++b) {
        sampler.group(key, t, g, b, raw);
        for (std::uint32_t c = 0; c < kG; ++c) sum[c] += unit * raw[c];
      }
      for (std::uint32_t c = 0; c < take; ++c) z[c] = scale[c] * (sum[offset + c] / batch);
    }
    j += take;
  }
}

inline void oracle_noise_tile(const OracleView& o, RngKey key, std::uint32_t t, std::uint32_t i0,
                              std::uint32_t n, double* out) {
  with_sampler(o.law, [&](const auto& sampler) { sampler_noise_tile(sampler, o, key, t, i0, n, out); });
}

}  // namespace signrate
