#pragma once
// Rademacher noise: +-1 with probability 1/2 each. Variance 1, symmetric, bounded, two atoms
// (not unimodal).
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_rademacher(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
  const Bits4 r = philox(key, t, i, b, 0);
  return (r.v[0] & 1u) ? 1.0 : -1.0;
}

}  // namespace signrate::laws
