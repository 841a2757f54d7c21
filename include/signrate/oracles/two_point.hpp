#pragma once
// Asymmetric two-point noise: +1 with probability p, -p/(1-p) otherwise. Mean 0, variance
// p/(1-p); scaled by a it is docs/theory.md's "+a w.p. p, -a p/(1-p)" law that breaks Assumption 6.
// Not symmetric (unless p = 1/2), not unimodal, bounded by max(1, p/(1-p)).
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_two_point(double p, RngKey key, std::uint32_t t, std::uint32_t i,
                                      std::uint32_t b) {
  const Bits4 r = philox(key, t, i, b, 0);
  return uniform_open32(r.v[0]) < p ? 1.0 : -p / (1.0 - p);
}

}  // namespace signrate::laws
