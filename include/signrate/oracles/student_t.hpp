#pragma once
// Student-t noise with nu degrees of freedom by Bailey's polar method without its rejection step
// (Bailey 1994, Math. Comp. 62): a point uniform on the unit disc has W = r^2 uniform on (0, 1) and
// an independent uniform angle theta, so Bailey's U sqrt(nu (W^(-2/nu) - 1) / W) is
//   T = sqrt(nu (W^(-2/nu) - 1)) cos(theta),
// exactly t_nu, with no loop. Variance nu/(nu-2) for nu > 2, infinite for nu <= 2. Symmetric,
// unimodal, heavy-tailed.
//
// One Philox call per coordinate, at counter (t, i, b, 0): W from words 0-1 (uniform_open52_f, a
// float >= 2^-53, so |T| <= sqrt(nu (2^(106/nu) - 1)): the tail is cut at mass below 2^-53),
// theta from word 2 (sincos_turns_f). W^(-2/nu) - 1 = 2^y - 1 with y = -(2/nu) log2 W by the float
// logarithm and exp2m1_wide (hd_math.hpp). Precision as Lomax's (lomax.hpp): the exact T at a W'
// with |W' - W| <= 1e-7 (the CDF off by less than 1e-7); in value, the radius within a relative
// (1 + nu / r^2)(6e-8 + 1e-7 |ln W|) / nu, and the cosine within 1.1e-7 (tests/test_philox.cpp).
#include "signrate/rng.hpp"

namespace signrate::laws {

struct StudentTLaw {
  static constexpr std::uint32_t kGroup = 64;
  double nu, log2_scale;  // log2_scale = -(2/nu) log2(e): y = log2_scale * ln W
  SIGNRATE_INLINE explicit StudentTLaw(double nu_) : nu(nu_), log2_scale(-2.0 / nu_ * 1.4426950408889634) {}
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    const Bits4 r = philox(key, t, i, b, 0);
    const double ln_w = static_cast<double>(hdm::logf(uniform_open52_f(r.v[0], r.v[1])));
    float s, c;
    hdm::sincos_turns_f(r.v[2], &s, &c);
    return hdm::sqrt(nu * hdm::exp2m1_wide(log2_scale * ln_w)) * static_cast<double>(c);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    for (std::uint32_t c = 0; c < kGroup; ++c) z[c] = one(key, t, kGroup * g + c, b);
  }
};

}  // namespace signrate::laws
