#pragma once
// Gaussian noise: N(0, 1) per draw by Box-Muller (52-bit radius, 32-bit angle).
// Symmetric, unimodal, unbounded, finite variance.
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_gaussian(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
  const Bits4 r = philox(key, t, i, b, 0);
  return normal_from_bits(r.v[0], r.v[1], r.v[2]);
}

}  // namespace signrate::laws
