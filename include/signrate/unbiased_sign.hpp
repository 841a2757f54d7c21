#pragma once
// The unbiased sign S_R (docs/theory.md, "The unbiased sign S_R"): for |v| <= R, S_R(v) = +1 with probability
// 1/2 + v/(2R) and -1 otherwise, so E S_R(v) = v/R. The distributed methods (MVSM v1/v2,
// Sto-signSGD) build on it. A value with |v| > R, or NaN, has no valid probability: it is an
// error, never a silent clamp.
#include <cstdint>
#include <string>

#include "signrate/error.hpp"
#include "signrate/hd.hpp"
#include "signrate/rng.hpp"

namespace signrate {

// S_R(v) from two 32-bit words (a uniform u on the grid (k + 1/2)/2^52): +1 when u < 1/2 + v/(2R),
// so P(+1) differs from 1/2 + v/(2R) by at most 2^-52. Requires |v| <= R.
SIGNRATE_INLINE double unbiased_sign_bits(double v, double R, std::uint32_t hi, std::uint32_t lo) {
  return uniform_open52(hi, lo) < 0.5 + v / (2.0 * R) ? 1.0 : -1.0;
}

// The uniform behind S_R at coordinate i of step t under `key`: one Philox call at counter
// (t, floor(i/2)) serves two coordinates, words 0-1 for even i and 2-3 for odd i (the 52-bit grid
// of uniform_open52 either way). Node messages (kUnbiasedSign keys) and MVSM v2's server (kServer)
// draw through it.
SIGNRATE_INLINE double unbiased_sign_uniform(RngKey key, std::uint32_t t, std::uint32_t i) {
  const Bits4 b = philox(key, t, i >> 1, 0, 0);
  return (i & 1) ? uniform_open52(b.v[2], b.v[3]) : uniform_open52(b.v[0], b.v[1]);
}

// S_R(v) at coordinate i of step t (|v| <= R): +1 when the uniform is below 1/2 + v/(2R).
SIGNRATE_INLINE double unbiased_sign_at(double v, double R, RngKey key, std::uint32_t t, std::uint32_t i) {
  return unbiased_sign_uniform(key, t, i) < 0.5 + v / (2.0 * R) ? 1.0 : -1.0;
}

// The checked host form: throws RunError naming the value when |v| > R or v is NaN.
inline double unbiased_sign(double v, double R, std::uint32_t hi, std::uint32_t lo) {
  if (!(R > 0.0))
    throw SpecError("unbiased sign: R=" + std::to_string(R) + " is not allowed; allowed: R > 0");
  if (!(v >= -R && v <= R))
    throw RunError("unbiased sign: |v| = " + std::to_string(v) + " exceeds R = " + std::to_string(R) +
                   " (S_R needs |v| <= R; raise R or ask for clipping explicitly)");
  return unbiased_sign_bits(v, R, hi, lo);
}

}  // namespace signrate
