#pragma once
// Gaussian noise: N(0, 1) by Box-Muller in single precision (rng.hpp, normal_pair_f_from_bits:
// 32-bit radius uniform, 32-bit angle; float logf, sqrtf and sincos_turns_f, converted exactly
// to double). One Philox call gives four normals, two Box-Muller pairs. Layout: coordinates come
// in groups of 64; group g = i / 64 uses the 16 Philox calls at counters (t, 16 g + m, b, 0),
// m = 0 .. 15, and coordinate 64 g + 16 j + m takes normal j of call m:
//   j = 0: cos of the pair (words 0, 1)    j = 1: sin of the pair (words 0, 1)
//   j = 2: cos of the pair (words 2, 3)    j = 3: sin of the pair (words 2, 3)
// so a group's four outputs are four contiguous runs of 16 coordinates, which the vectorized
// tile (oracle_noise_tile) stores without shuffles. Half the Philox calls per draw of the double
// path the other laws use, and float arithmetic (twice the vector lanes, no division): 0.82 ns
// per draw against 1.8 ns (bench/README.md). Each draw is a float (24-bit significand; logf
// within 1 ulp, sin and cos within 1.1e-7), and the law is N(0, 1) cut at |z| = 6.7638, the
// radius of the smallest uniform 2^-33, beyond which N(0, 1) has mass 1.35e-11
// (tests/test_hd_math.cpp, HdMathGaussianFloat). Symmetric, unimodal, unbounded in law, finite
// variance.
#include "signrate/rng.hpp"

namespace signrate::laws {

constexpr std::uint32_t kGaussianGroup = 64;  // coordinates per group of 16 Philox calls

// The four normals of the Philox call at counter (t, k, b, 0), in the order j = 0 .. 3.
SIGNRATE_INLINE void draw_gaussian_four(RngKey key, std::uint32_t t, std::uint32_t k, std::uint32_t b,
                                        double* z) {
  const Bits4 r = philox(key, t, k, b, 0);
  normal_pair_f_from_bits(r.v[0], r.v[1], &z[0], &z[1]);
  normal_pair_f_from_bits(r.v[2], r.v[3], &z[2], &z[3]);
}

// The normals of coordinates 64 g .. 64 g + 63 into z[0 .. 63].
SIGNRATE_INLINE void draw_gaussian_group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                                         double* __restrict__ z) {
  for (std::uint32_t m = 0; m < 16; ++m) {
    double four[4];
    draw_gaussian_four(key, t, 16 * g + m, b, four);
    for (std::uint32_t j = 0; j < 4; ++j) z[16 * j + m] = four[j];
  }
}

// One coordinate's normal, with the bits of draw_gaussian_group: only its Philox call and its
// Box-Muller pair are computed.
SIGNRATE_INLINE double draw_gaussian(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
  const Bits4 r = philox(key, t, ((i >> 6) << 4) | (i & 15u), b, 0);
  const bool second_pair = (i & 32u) != 0, sine = (i & 16u) != 0;
  double z_cos, z_sin;
  normal_pair_f_from_bits(second_pair ? r.v[2] : r.v[0], second_pair ? r.v[3] : r.v[1], &z_cos, &z_sin);
  return sine ? z_sin : z_cos;
}

}  // namespace signrate::laws

namespace signrate::laws {

struct GaussianLaw {
  static constexpr std::uint32_t kGroup = kGaussianGroup;
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    return draw_gaussian(key, t, i, b);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    draw_gaussian_group(key, t, g, b, z);
  }
};

}  // namespace signrate::laws
