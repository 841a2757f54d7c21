#pragma once
// Symmetric Lomax (Pareto type II) noise with tail index alpha: a random sign times
// L = U^(-1/alpha) - 1, so P(|X| > x) = (1 + x)^(-alpha). E X^2 = 2 / ((alpha-1)(alpha-2)) for
// alpha > 2, infinite otherwise. Symmetric, unimodal (density peaks at 0), heavy-tailed.
//
// Two coordinates per Philox call (two_words.hpp). Layout: group g = i / 64 uses the 32 calls at counters
// (t, 32 g + m, b, 0), m = 0 .. 31, and coordinate 64 g + 32 h + m takes words 2h (hi) and 2h + 1
// (lo) of call m: U from the top 52 bits of hi:lo (uniform_open52_f, a float >= 2^-53, so the tail
// is cut at tail mass 2^-53, L <= 2^(53/alpha) - 1), the sign from bit 0 of lo, which U does not
// use. L = 2^y - 1 with y = -log2(U) / alpha = s ln U (s = -log2(e) / alpha rounded to float), all
// in float lanes (logf, the product, exp2_parts_f), and only L = 2^n (2^f - 1) + (2^n - 1) in double
// for its range. Precision: ln U is within 6e-8 (the float U) plus a relative 2.1e-7 (logf's 8.1e-8,
// s's and the product's roundings) of the exact one, so each draw is the exact L at a uniform U'
// with |U' - U| <= 6e-8 U + 2.1e-7 U |ln U| <= 1.4e-7: the law's CDF is off by less than 1.4e-7. In
// value, L + 1 is within a relative 6e-8 / alpha + 1.5e-7 y + 3e-7 (tests/test_philox.cpp checks it
// against long double). U within 2^-25 of 1 rounds to 1: L = 0. alpha is at most 1e30, so that s
// and y stay normal floats.
#include "signrate/oracles/two_words.hpp"

namespace signrate::laws {

struct LomaxLaw {
  static constexpr std::uint32_t kGroup = kTwoWordsGroup;
  float log2_scale;  // -log2(e) / alpha: y = log2_scale * ln U
  SIGNRATE_INLINE explicit LomaxLaw(double alpha)
      : log2_scale(static_cast<float>(-1.4426950408889634 / alpha)) {}
  // The draw from one coordinate's two words.
  SIGNRATE_INLINE double from_words(std::uint32_t hi, std::uint32_t lo) const {
    const hdm::Exp2PartsF p = hdm::exp2_parts_f(log2_scale * hdm::logf(uniform_open52_f(hi, lo)));
    const double pow2n = hdm::pow2i(p.n);
    const double l = pow2n * static_cast<double>(p.em1) + (pow2n - 1.0);
    return hdm::from_bits(hdm::bits_of(l) ^ (static_cast<std::uint64_t>(~lo & 1u) << 63));
  }
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    return two_words_one(*this, key, t, i, b);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    two_words_group(*this, key, t, g, b, z);
  }
};

}  // namespace signrate::laws
