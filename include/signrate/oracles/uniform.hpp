#pragma once
// Bounded uniform noise on (-sqrt 3, sqrt 3): variance 1, symmetric, unimodal (flat), bounded.
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_uniform(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
  constexpr double kSqrt3 = 1.7320508075688772;
  const Bits4 r = philox(key, t, i, b, 0);
  return (2.0 * uniform_open52(r.v[0], r.v[1]) - 1.0) * kSqrt3;
}

}  // namespace signrate::laws
