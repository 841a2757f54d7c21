#pragma once
// Gaussian noise: N(0, 1) by Box-Muller (52-bit radius, 32-bit angle). Coordinates 2k and 2k+1
// share one Philox call, at counter (t, k, b, 0), and take its two independent normals (cosine
// for the even coordinate, sine for the odd one): half the random bits, logs and square roots
// per draw. Symmetric, unimodal, unbounded, finite variance.
#include "signrate/rng.hpp"

namespace signrate::laws {

// The normals of coordinates 2k and 2k+1.
SIGNRATE_INLINE void draw_gaussian_pair(RngKey key, std::uint32_t t, std::uint32_t k, std::uint32_t b,
                                        double* z_even, double* z_odd) {
  const Bits4 r = philox(key, t, k, b, 0);
  normal_pair_from_bits(r.v[0], r.v[1], r.v[2], z_even, z_odd);
}

SIGNRATE_INLINE double draw_gaussian(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
  double z_even, z_odd;
  draw_gaussian_pair(key, t, i >> 1, b, &z_even, &z_odd);
  return (i & 1u) ? z_odd : z_even;
}

}  // namespace signrate::laws
