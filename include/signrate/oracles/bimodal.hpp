#pragma once
// Symmetric two-bump mixture: +-m (fair sign) plus N(0, 1 - m^2), so the variance is 1 for every
// m in [0, 1). Unimodal only for m <= 1/sqrt(2) (two equal normals merge when their means are at
// most two standard deviations apart); for larger m it breaks Assumption 6's unimodality.
// The normal is the float Gaussian of coordinate i (gaussian.hpp, the same layout and cut at
// |z| = 6.7638); the signs of the 64 coordinates of group g = i / 64 are the bits of the Philox
// call at counter (t, g, b, 1) (the fourth word 1 keeps it apart from the Gaussian's calls):
// coordinate 64 g + 32 q + k takes bit k of word q.
#include "signrate/oracles/gaussian.hpp"

namespace signrate::laws {

struct BimodalLaw {
  static constexpr std::uint32_t kGroup = kGaussianGroup;
  double m, spread;  // spread = sqrt(1 - m^2)
  SIGNRATE_INLINE explicit BimodalLaw(double m_) : m(m_), spread(hdm::sqrt(1.0 - m_ * m_)) {}
  SIGNRATE_INLINE double from(double z, std::uint32_t word, std::uint32_t k) const {
    // +m or -m by the sign bit (m >= 0), then the normal part.
    const double bump =
        hdm::from_bits(hdm::bits_of(m) | (static_cast<std::uint64_t>(~(word >> k) & 1u) << 63));
    return bump + spread * z;
  }
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    const Bits4 r = philox(key, t, i >> 6, b, 1);
    return from(draw_gaussian(key, t, i, b), r.v[(i >> 5) & 1u], i & 31u);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    draw_gaussian_group(key, t, g, b, z);
    const Bits4 r = philox(key, t, g, b, 1);
    for (std::uint32_t q = 0; q < 2; ++q)
      for (std::uint32_t k = 0; k < 32; ++k) z[32 * q + k] = from(z[32 * q + k], r.v[q], k);
  }
};

}  // namespace signrate::laws
