#pragma once
// Student-t noise with nu degrees of freedom, by Bailey's polar method (Bailey 1994,
// Math. Comp. 62): U, V uniform on (-1, 1), W = U^2 + V^2; on W < 1 return
// U sqrt(nu (W^(-2/nu) - 1) / W). Acceptance probability pi/4; attempt a uses counter word a.
// Variance nu/(nu-2) for nu > 2, infinite for nu <= 2. Symmetric, unimodal, heavy-tailed.
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_student_t(double nu, RngKey key, std::uint32_t t, std::uint32_t i,
                                      std::uint32_t b) {
  // (1 - pi/4)^64 < 1e-42: the loop ends long before the bound in any run that can be made.
  constexpr std::uint32_t kMaxAttempts = 64;
  for (std::uint32_t a = 0; a < kMaxAttempts; ++a) {
    const Bits4 r = philox(key, t, i, b, a);
    const double u = 2.0 * uniform_open32(r.v[0]) - 1.0;
    const double v = 2.0 * uniform_open32(r.v[1]) - 1.0;
    const double w = u * u + v * v;
    if (w < 1.0) return u * hdm::sqrt(nu * (hdm::exp(-2.0 / nu * hdm::log(w)) - 1.0) / w);
  }
  return 0.0;
}

}  // namespace signrate::laws
