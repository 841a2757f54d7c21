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

// One standardized draw for (step t, coordinate i, batch member b) under `key`.
SIGNRATE_INLINE double standard_draw(const NoiseLaw& law, RngKey key, std::uint32_t t, std::uint32_t i,
                                     std::uint32_t b) {
  double raw = 0.0;
  switch (law.shape) {
    case NoiseShape::kGaussian:
      raw = laws::draw_gaussian(key, t, i, b);
      break;
    case NoiseShape::kStudentT:
      raw = laws::draw_student_t(law.param, key, t, i, b);
      break;
    case NoiseShape::kLomax:
      raw = laws::draw_lomax(law.param, key, t, i, b);
      break;
    case NoiseShape::kTwoPoint:
      raw = laws::draw_two_point(law.param, key, t, i, b);
      break;
    case NoiseShape::kLognormal:
      raw = laws::draw_lognormal(law.param, key, t, i, b);
      break;
    case NoiseShape::kBimodal:
      raw = laws::draw_bimodal(law.param, key, t, i, b);
      break;
    case NoiseShape::kUniform:
      raw = laws::draw_uniform(key, t, i, b);
      break;
    case NoiseShape::kRademacher:
      raw = laws::draw_rademacher(key, t, i, b);
      break;
  }
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
// oracle_noise at each coordinate. For Gaussian noise with batch 1 (the hot path of the theory
// families) it draws whole groups of 64 coordinates (signrate/oracles/gaussian.hpp), vectorized; a group
// the tile covers only in part is drawn whole into a buffer and the covered part copied.
SIGNRATE_INLINE void oracle_noise_tile(const OracleView& o, RngKey key, std::uint32_t t, std::uint32_t i0,
                                       std::uint32_t n, double* out) {
  if (o.law.shape == NoiseShape::kGaussian && o.batch == 1) {
    // Same operations as oracle_noise: scale_i * (unit * z), and no division for batch 1.
    constexpr std::uint32_t kG = laws::kGaussianGroup;
    const double unit = o.law.unit;
    for (std::uint32_t j = 0; j < n;) {
      const std::uint32_t g = (i0 + j) / kG, offset = (i0 + j) % kG;
      const std::uint32_t take = offset + (n - j) >= kG ? kG - offset : n - j;
      const double* __restrict__ scale = o.scale + i0 + j;
      double* __restrict__ z = out + j;
      if (take == kG) {
        for (std::uint32_t m = 0; m < 16; ++m) {
          double four[4];
          laws::draw_gaussian_four(key, t, 16 * g + m, 0, four);
          for (std::uint32_t q = 0; q < 4; ++q) z[16 * q + m] = scale[16 * q + m] * (unit * four[q]);
        }
      } else {
        double group[kG];
        laws::draw_gaussian_group(key, t, g, 0, group);
        for (std::uint32_t c = 0; c < take; ++c) z[c] = scale[c] * (unit * group[offset + c]);
      }
      j += take;
    }
    return;
  }
  for (std::uint32_t j = 0; j < n; ++j) out[j] = oracle_noise(o, key, t, i0 + j);
}

}  // namespace signrate
