#pragma once
// Student-t noise with nu degrees of freedom by Bailey's polar method without its rejection step
// (Bailey 1994, Math. Comp. 62): a point uniform on the unit disc has W = r^2 uniform on (0, 1) and
// an independent uniform angle theta, so Bailey's U sqrt(nu (W^(-2/nu) - 1) / W) is
//   T = sqrt(nu (W^(-2/nu) - 1)) cos(theta),
// exactly t_nu, with no loop. Variance nu/(nu-2) for nu > 2, infinite for nu <= 2. Symmetric,
// unimodal, heavy-tailed.
//
// Two coordinates per Philox call (two_words.hpp, as Lomax): coordinate 64 g + 32 h + m takes words
// 2h (hi) and 2h + 1 (lo) of the call at counter (t, 32 g + m, b, 0). W is the top 40 bits of hi:lo
// (uniform_open40_f, (k + 1/2) / 2^40 rounded to float, at least 2^-41, so |T| <= sqrt(nu (2^(82/nu)
// - 1)): the tail beyond has mass 2^-41 = 4.5e-13, against the Gaussian's 1.35e-11); the angle
// enters as |cos theta| = cos(pi x / 2) with x = (j + 1/2) / 2^23 from bits 0-22 of lo (a quarter turn
// on a grid of 2^23 cells, cos_quarter_f) and the sign from bit 23. In float lanes: y = -(2/nu) log2 W
// = s ln W (s rounded to float), y = n + f and 2^f - 1 = em1 (exp2_parts_f), and with n = 2 k + q,
//   W^(-2/nu) - 1 = 2^y - 1 = 4^k (2^q em1 + (2^q - 4^-k)),
// whose bracket lies in [0, 3) (4^-k taken at k <= 13: beyond, 2^q - 4^-k rounds to 2^q in float
// anyway), so its square root is a float's; only T = (sqrt(nu) 2^k) (sqrt(bracket) cos) is formed
// in double, for the range (2^k up to 2^164). Precision as Lomax's (lomax.hpp): the exact T at a W'
// with |W' - W| <= 1.4e-7 (W's CDF off by less than 1.4e-7) and at the cell's midpoint x (the
// angle's CDF off by at most half a cell, 6e-8); in value, the radius r within a relative
// (1 + nu / r^2)(6e-8 / nu + 7.5e-8 y) + 3e-7, and the cosine within 1.6e-7 (tests/test_philox.cpp,
// tests/test_hd_math.cpp). nu is at most 1e30, so that s and y stay normal floats.
#include "signrate/oracles/two_words.hpp"

namespace signrate::laws {

struct StudentTLaw {
  static constexpr std::uint32_t kGroup = kTwoWordsGroup;
  double sqrt_nu;
  float log2_scale;  // -(2/nu) log2(e): y = log2_scale * ln W
  SIGNRATE_INLINE explicit StudentTLaw(double nu)
      : sqrt_nu(hdm::sqrt(nu)), log2_scale(static_cast<float>(-2.0 / nu * 1.4426950408889634)) {}
  // The draw from one coordinate's two words.
  SIGNRATE_INLINE double from_words(std::uint32_t hi, std::uint32_t lo) const {
    const hdm::Exp2PartsF p = hdm::exp2_parts_f(log2_scale * hdm::logf(uniform_open40_f(hi, lo)));
    const std::int32_t k = p.n >> 1, q = p.n & 1;
    const std::int32_t k_capped = k < 13 ? k : 13;
    const float two_q = hdm::from_bits_f(static_cast<std::uint32_t>(127 + q) << 23);
    const float quarter_k = hdm::from_bits_f(static_cast<std::uint32_t>(127 - 2 * k_capped) << 23);
    const float bracket = two_q * p.em1 + (two_q - quarter_k);
    // x = (2 j + 1) / 2^24 is exact in float; bit 23 set gives the positive sign.
    const float x = static_cast<float>(2u * (lo & 0x7fffffu) + 1u) * 0x1.0p-24f;
    const float cos_abs = hdm::cos_quarter_f(x);
    const double t = (sqrt_nu * hdm::pow2i(k)) * static_cast<double>(hdm::sqrtf(bracket) * cos_abs);
    return hdm::from_bits(hdm::bits_of(t) ^ (static_cast<std::uint64_t>(~(lo >> 23) & 1u) << 63));
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
