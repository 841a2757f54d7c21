#pragma once
// Symmetric two-bump mixture: +-m (fair sign) plus N(0, 1 - m^2), so the variance is 1 for every
// m in [0, 1). Unimodal only for m <= 1/sqrt(2) (two equal normals merge when their means are at
// most two standard deviations apart); for larger m it breaks Assumption 6's unimodality.
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_bimodal(double m, RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
  const Bits4 r = philox(key, t, i, b, 0);
  const double z = normal_from_bits(r.v[0], r.v[1], r.v[2]);
  const double bump = (r.v[3] & 1u) ? m : -m;
  return bump + hdm::sqrt(1.0 - m * m) * z;
}

}  // namespace signrate::laws
