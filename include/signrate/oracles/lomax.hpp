#pragma once
// Symmetric Lomax (Pareto type II) noise with tail index alpha: a random sign times
// L = U^(-1/alpha) - 1, so P(|X| > x) = (1 + x)^(-alpha). E X^2 = 2 / ((alpha-1)(alpha-2)) for
// alpha > 2, infinite otherwise. Symmetric, unimodal (density peaks at 0), heavy-tailed.
#include "signrate/rng.hpp"

namespace signrate::laws {

SIGNRATE_INLINE double draw_lomax(double alpha, RngKey key, std::uint32_t t, std::uint32_t i,
                                  std::uint32_t b) {
  const Bits4 r = philox(key, t, i, b, 0);
  const double u = uniform_open52(r.v[0], r.v[1]);
  const double l = hdm::exp(-hdm::log(u) / alpha) - 1.0;
  return (r.v[2] & 1u) ? l : -l;
}

}  // namespace signrate::laws
