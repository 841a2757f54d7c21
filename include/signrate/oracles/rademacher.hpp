#pragma once
// Rademacher noise: +-1 with probability 1/2 each. Variance 1, symmetric, bounded, two atoms
// (not unimodal). One bit per coordinate: group g = i / 128 is the Philox call at counter
// (t, g, b, 0), and coordinate 128 g + 32 q + k is +1 when bit k of its word q is set.
#include "signrate/rng.hpp"

namespace signrate::laws {

struct RademacherLaw {
  static constexpr std::uint32_t kGroup = 128;
  // 1.0 with the sign bit set when bit k of the word is clear: a bit operation, no branch or select.
  SIGNRATE_INLINE static double from_bit(std::uint32_t word, std::uint32_t k) {
    return hdm::from_bits(0x3ff0000000000000ULL | (static_cast<std::uint64_t>(~(word >> k) & 1u) << 63));
  }
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    return from_bit(philox(key, t, i >> 7, b, 0).v[(i >> 5) & 3u], i & 31u);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    const Bits4 r = philox(key, t, g, b, 0);
    for (std::uint32_t q = 0; q < 4; ++q)
      for (std::uint32_t k = 0; k < 32; ++k) z[32 * q + k] = from_bit(r.v[q], k);
  }
};

}  // namespace signrate::laws
