#pragma once
// Bounded uniform noise on (-sqrt 3, sqrt 3): variance 1, symmetric, unimodal (flat), bounded.
// One 32-bit word per coordinate, (2 u - 1) sqrt 3 with u = (k + 1/2) / 2^32 (uniform_open32): a
// uniform on a grid of 2^32 points. Layout (as the Gaussian's, gaussian.hpp): group g = i / 64 uses
// the 16 Philox calls at counters (t, 16 g + m, b, 0), and coordinate 64 g + 16 q + m takes word q
// of call m, so one call serves four coordinates.
#include "signrate/rng.hpp"

namespace signrate::laws {

// The call and word of coordinate i in the four-words-per-call layout of uniform and two-point.
SIGNRATE_INLINE std::uint32_t word_of_coordinate(RngKey key, std::uint32_t t, std::uint32_t i,
                                                 std::uint32_t b) {
  return philox(key, t, ((i >> 6) << 4) | (i & 15u), b, 0).v[(i >> 4) & 3u];
}

// The 64 words of group g, word_of_coordinate's order, into w[0 .. 63].
SIGNRATE_INLINE void words_of_group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                                    std::uint32_t* __restrict__ w) {
  for (std::uint32_t m = 0; m < 16; ++m) {
    const Bits4 r = philox(key, t, 16 * g + m, b, 0);
    for (std::uint32_t q = 0; q < 4; ++q) w[16 * q + m] = r.v[q];
  }
}

// The samplers of the four-words-per-call layout from their from_word(w): coordinate i's draw and
// group g's 64 draws.
template <class Law>
SIGNRATE_INLINE double draw_from_word(const Law& law, RngKey key, std::uint32_t t, std::uint32_t i,
                                      std::uint32_t b) {
  return law.from_word(word_of_coordinate(key, t, i, b));
}

template <class Law>
SIGNRATE_INLINE void group_from_words(const Law& law, RngKey key, std::uint32_t t, std::uint32_t g,
                                      std::uint32_t b, double* __restrict__ z) {
  std::uint32_t w[64];
  words_of_group(key, t, g, b, w);
  for (std::uint32_t c = 0; c < 64; ++c) z[c] = law.from_word(w[c]);
}

struct UniformLaw {
  static constexpr std::uint32_t kGroup = 64;
  SIGNRATE_INLINE static double from_word(std::uint32_t w) {
    constexpr double kSqrt3 = 1.7320508075688772;
    return (2.0 * uniform_open32(w) - 1.0) * kSqrt3;
  }
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    return draw_from_word(*this, key, t, i, b);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    group_from_words(*this, key, t, g, b, z);
  }
};

}  // namespace signrate::laws
