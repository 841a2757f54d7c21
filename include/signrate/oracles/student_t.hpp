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
// theta from word 2 (sincos_turns_f). In float lanes: y = -(2/nu) log2 W = s ln W (s rounded to
// float), y = n + f and 2^f - 1 = em1 (exp2_parts_f), and with n = 2 k + q,
//   W^(-2/nu) - 1 = 2^y - 1 = 4^k (2^q em1 + (2^q - 4^-k)),
// whose bracket lies in [0, 3) (4^-k taken at k <= 13: beyond, 2^q - 4^-k rounds to 2^q in float
// anyway), so its square root is a float's; only T = (sqrt(nu) 2^k) (sqrt(bracket) cos theta) is
// formed in double, for the range (2^k up to 2^212). Precision as Lomax's (lomax.hpp): the exact T
// at a W' with |W' - W| <= 1.4e-7 (the CDF off by less than 1.4e-7); in value, the radius r within a
// relative (1 + nu / r^2)(6e-8 / nu + 7.5e-8 y) + 3e-7, and the cosine within 1.1e-7
// (tests/test_philox.cpp). nu is at most 1e30, so that s and y stay normal floats.
#include "signrate/rng.hpp"

namespace signrate::laws {

struct StudentTLaw {
  static constexpr std::uint32_t kGroup = 64;
  double sqrt_nu;
  float log2_scale;  // -(2/nu) log2(e): y = log2_scale * ln W
  SIGNRATE_INLINE explicit StudentTLaw(double nu)
      : sqrt_nu(hdm::sqrt(nu)), log2_scale(static_cast<float>(-2.0 / nu * 1.4426950408889634)) {}
  SIGNRATE_INLINE double one(RngKey key, std::uint32_t t, std::uint32_t i, std::uint32_t b) const {
    const Bits4 r = philox(key, t, i, b, 0);
    const hdm::Exp2PartsF p = hdm::exp2_parts_f(log2_scale * hdm::logf(uniform_open52_f(r.v[0], r.v[1])));
    const std::int32_t k = p.n >> 1, q = p.n & 1;
    const std::int32_t k_capped = k < 13 ? k : 13;
    const float two_q = hdm::from_bits_f(static_cast<std::uint32_t>(127 + q) << 23);
    const float quarter_k = hdm::from_bits_f(static_cast<std::uint32_t>(127 - 2 * k_capped) << 23);
    const float bracket = two_q * p.em1 + (two_q - quarter_k);
    float s, c;
    hdm::sincos_turns_f(r.v[2], &s, &c);
    return (sqrt_nu * hdm::pow2i(k)) * static_cast<double>(hdm::sqrtf(bracket) * c);
  }
  SIGNRATE_INLINE void group(RngKey key, std::uint32_t t, std::uint32_t g, std::uint32_t b,
                             double* __restrict__ z) const {
    for (std::uint32_t c = 0; c < kGroup; ++c) z[c] = one(key, t, kGroup * g + c, b);
  }
};

}  // namespace signrate::laws
