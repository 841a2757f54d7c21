#pragma once
// Asymmetric two-point noise: +1 with probability p, -p/(1-p) otherwise. Mean 0, variance
// p/(1-p); scaled by a it is docs/theory.md's "+a w.p. p, -a p/(1-p)" law that breaks Assumption 6.
// Not symmetric (unless p = 1/2), not unimodal, bounded by max(1, p/(1-p)). One 32-bit word per
// coordinate, +1 when uniform_open32(word) < p (so the atom's probability is p rounded to the
// 2^-32 grid), in the uniform law's layout (uniform.hpp: four coordinates per Philox call).
#include "signrate/oracles/uniform.hpp"

namespace signrate::laws {

struct TwoPointLaw {
  static constexpr std::uint32_t kGroup = 64;
  double p, negative;  // negative = -p/(1-p)
  SIGNRATE_INLINE explicit TwoPointLaw(double p_) : p(p_), negative(-p_ / (1.0 - p_)) {}
  SIGNRATE_INLINE double from_word(std::uint32_t w) const {
    return hdm::select_bits(uniform_open32(w) < p, 1.0, negative);
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
