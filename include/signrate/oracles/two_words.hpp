#pragma once
// The layout of the samplers that take two 32-bit words per coordinate (Lomax, Student-t): two
// coordinates per Philox call. Group g = i / 64 uses the 32 calls at counters (t, 32 g + m, b, 0),
// m = 0 .. 31, and coordinate 64 g + 32 h + m takes words 2h (hi) and 2h + 1 (lo) of call m, so a
// group's outputs are two contiguous runs of 32 coordinates. The law supplies
// from_words(hi, lo), one coordinate's draw from its two words.
#include "signrate/rng.hpp"

namespace signrate::laws {

constexpr std::uint32_t kTwoWordsGroup = 64;  // coordinates per group of 32 Philox calls

// Coordinate i's draw: only its Philox call and its two words are used.
template <class Law>
SIGNRATE_INLINE double two_words_one(const Law& law, RngKey key, std::uint32_t t, std::uint32_t i,
                                     std::uint32_t b) {
  const Bits4 r = philox(key, t, ((i >> 6) << 5) | (i & 31u), b, 0);
  const std::uint32_t h = (i >> 5) & 1u;
  return law.from_words(r.v[2 * h], r.v[2 * h + 1]);
}

// The draws of coordinates 64 g .. 64 g + 63 into z[0 .. 63], with the bits of two_words_one.
template <class Law>
SIGNRATE_INLINE void two_words_group(const Law& law, RngKey key, std::uint32_t t, std::uint32_t g,
                                     std::uint32_t b, double* __restrict__ z) {
  for (std::uint32_t m = 0; m < 32; ++m) {
    const Bits4 r = philox(key, t, 32 * g + m, b, 0);
    z[m] = law.from_words(r.v[0], r.v[1]);
    z[32 + m] = law.from_words(r.v[2], r.v[3]);
  }
}

}  // namespace signrate::laws
