#pragma once
// Symmetric Lomax (Pareto type II) noise with tail index alpha: a random sign times
// L = U^(-1/alpha) - 1, so P(|X| > x) = (1 + x)^(-alpha). E X^2 = 2 / ((alpha-1)(alpha-2)) for
// alpha > 2, infinite otherwise. Symmetric, unimodal (density peaks at 0), heavy-tailed.
//
// One Philox call per coordinate, at counter (t, i, b, 0): U from words 0-1 (uniform_open52_f, a
// float, >= 2^-53, so the tail is cut at tail mass 2^-53, L <= 2^(53/alpha) - 1), the sign from
// bit 0 of word 2. L = 2^y - 1 with y = -log2(U) / alpha, computed branch-free with the float
// logarithm and exp2m1_wide (hd_math.hpp). Precision: ln U is within a relative 1e-7 plus 6e-8 of
// the exact one (the float U and logf), so each draw is the exact L at a uniform U' with
// |U' - U| <= U (1e-7 |ln U| + 6e-8) <= 1e-7: the law's CDF is off by less than 1e-7. In value, L + 1
// is within a relative (6e-8 + 1e-7 |ln U|) / alpha + 3e-7 (at most 3.8e-6 / alpha, at U = 2^-53;
// tests/test_philox.cpp checks it against long double). U within 2^-25 of 1 rounds to 1: L = 0.
#include "signrate/rng.hpp"

namespace signrate::laws {

struct LomaxLaw {
  static constexpr std::uint32_t kGroup = 64;
  double log2_scale;  // -log2(e) / alpha: y = log2_scale * ln U
  SIGNRATE_INLINE explicit LomaxLaw(double alpha) : log2_scale(-1.4426950408889634 / alpha) {}
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    const Bits4 r = philox(key, t, i, b, 0);
    const double ln_u = static_cast<double>(hdm::logf(uniform_open52_f(r.v[0], r.v[1])));
    const double l = hdm::exp2m1_wide(log2_scale * ln_u);
    return (r.v[2] & 1u) ? l : -l;
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    for (std::uint32_t c = 0; c < kGroup; ++c) z[c] = one(key, t, kGroup * g + c, b);
  }
};

}  // namespace signrate::laws
