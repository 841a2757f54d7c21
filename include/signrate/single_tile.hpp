#pragma once
// The per-tile steps of the single-node engine (host-device; the CPU engine calls them over tiles
// of `block` coordinates, a CUDA kernel over a block's share): the gradient of a separable problem
// at x_t, the method's update from gradient + noise, and the tile's chunk sums of ||grad||_1 and
// ||grad||_2^2 in the canonical order (canonical_sum.hpp). Each tile starts at a multiple of
// kSumChunk, so its chunk sums are the run's chunks i0/kSumChunk onwards.
#include <cmath>
#include <cstdint>

#include "signrate/canonical_sum.hpp"
#include "signrate/hd.hpp"
#include "signrate/method_step.hpp"
#include "signrate/problem.hpp"

namespace signrate {

// The hot path of the theory families: a separable problem and a one-phase method without
// extrapolation. Method and problem kinds are template parameters and nothing aliases, so the
// loop has no branch and vectorizes. grad[j] receives d_i f(x_t) (for the norms).
template <MethodKind K, SeparableKind P>
SIGNRATE_INLINE void separable_step_tile(const MethodCoeffs c, const double* __restrict__ coef,
                                         const double* __restrict__ noise, std::uint32_t n, double* __restrict__ x,
                                         double* __restrict__ m, double* __restrict__ s,
                                         double* __restrict__ grad) {
  // (64-bit indices: with 32-bit ones the compiler cannot prove the addresses do not wrap.)
  for (std::uint64_t j = 0; j < n; ++j) {
    grad[j] = separable_grad_k<P>(coef[j], x[j]);
    method_step_k<K>(c, grad[j] + noise[j], x[j], m[j], s[j]);
  }
}

// The tile's chunk sums of |g_j| into l1[..] and of g_j^2 into l2[..] (sum_chunks(n) each).
SIGNRATE_INLINE void norm_chunk_sums(const double* __restrict__ g, std::uint32_t n, double* __restrict__ l1,
                                     double* __restrict__ l2) {
  tile_chunk_sums(n, [&](std::uint32_t j) { return ::fabs(g[j]); }, l1);
  tile_chunk_sums(n, [&](std::uint32_t j) { return g[j] * g[j]; }, l2);
}

}  // namespace signrate
