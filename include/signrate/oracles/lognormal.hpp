#pragma once
// Centered lognormal noise: exp(s Z) - exp(s^2/2), Z standard normal. Mean 0, variance
// (e^{s^2} - 1) e^{s^2}. Skewed (not symmetric), unimodal, unbounded above, finite variance.
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_lognormal(double s, RngKey key, std::uint32_t t, std::uint32_t i,
                                      std::uint32_t b) {
  const Bits4 r = philox(key, t, i, b, 0);
  const double z = normal_from_bits(r.v[0], r.v[1], r.v[2]);
  return hdm::exp(s * z) - hdm::exp(0.5 * s * s);
}

}  // namespace signrate::laws
