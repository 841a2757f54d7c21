#pragma once
// Centered lognormal noise: exp(s Z) - exp(s^2/2), Z standard normal. Mean 0, variance
// (e^{s^2} - 1) e^{s^2}. Skewed (not symmetric), unimodal, unbounded above, finite variance.
//
// Z by Box-Muller in single precision with a 52-bit radius uniform (uniform_open52_f, >= 2^-53, so
// |Z| <= 8.57, as the double Box-Muller's): the variance comes from Z near 2s, and the float
// Gaussian's 32-bit radius (cut at 6.76) would cost it 0.3% at s = 2 where this one costs 2e-6.
// Layout: group g = i / 32 uses the 16 Philox calls at counters (t, 16 g + m, b, 0); the call's
// words 0-1 are the radius uniform, word 2 the angle, and coordinate 32 g + m takes the cosine,
// 32 g + 16 + m the sine (two coordinates per call). exp(s Z) = 2^(s log2(e) Z) by exp2_wide
// (hd_math.hpp): relative error below 2.6e-7 at every draw.
#include "signrate/rng.hpp"

namespace signrate::laws {

struct LognormalLaw {
  static constexpr std::uint32_t kGroup = 32;
  double log2_scale, mean;  // s log2(e); mean = exp(s^2 / 2)
  SIGNRATE_INLINE explicit LognormalLaw(double s)
      : log2_scale(s * 1.4426950408889634), mean(hdm::exp(0.5 * s * s)) {}
  // The pair (cos, sin) of the Philox call at counter (t, k, b, 0).
  SIGNRATE_INLINE static void normal_pair(RngKey key, std::uint32_t t, std::uint32_t k, std::uint32_t b,
                                          double* z_cos, double* z_sin) {
    const Bits4 r = philox(key, t, k, b, 0);
    float s, c;
    hdm::sincos_turns_f(r.v[2], &s, &c);
    const float radius = hdm::sqrtf(-2.0f * hdm::logf(uniform_open52_f(r.v[0], r.v[1])));
    *z_cos = static_cast<double>(radius * c);
    *z_sin = static_cast<double>(radius * s);
  }
  SIGNRATE_INLINE double from(double z) const { return hdm::exp2_wide(log2_scale * z) - mean; }
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    double z_cos, z_sin;
    normal_pair(key, t, ((i >> 5) << 4) | (i & 15u), b, &z_cos, &z_sin);
    return from((i & 16u) ? z_sin : z_cos);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    for (std::uint32_t m = 0; m < 16; ++m) normal_pair(key, t, 16 * g + m, b, &z[m], &z[16 + m]);
    for (std::uint32_t c = 0; c < kGroup; ++c) z[c] = from(z[c]);
  }
};

}  // namespace signrate::laws
