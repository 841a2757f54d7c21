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
                                         const double* __restrict__ noise, std::uint32_t n,
                                         double* __restrict__ x, double* __restrict__ m,
                                         double* __restrict__ s, double* __restrict__ grad) {
  // (64-bit indices: with 32-bit ones the compiler cannot prove the addresses do not wrap.)
  for (std::uint64_t j = 0; j < n; ++j) {
    grad[j] = separable_grad_k<P>(coef[j], x[j]);
    method_step_k<K>(c, grad[j] + noise[j], x[j], m[j], s[j]);
  }
}

#if !defined(__CUDA_ARCH__) && defined(__GNUC__)
namespace detail {
// chunk_sum's fold of one full chunk, on the CPU in four-lane vectors: lane q of vector k holds
// coordinate 4k + q, so v_j + v_{j+h} is vector k + vector k + h/4 for h >= 4, then within the
// vector for h = 2, 1. The same additions in the same order as chunk_sum: the same bits.
typedef double Lane4 __attribute__((vector_size(32)));
typedef long long Bits4 __attribute__((vector_size(32)));
constexpr Bits4 kAbsMask = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL,
                            0x7fffffffffffffffLL};
inline double fold_chunk_lanes(const Lane4 (&a)[8]) {
  const Lane4 b0 = a[0] + a[4], b1 = a[1] + a[5], b2 = a[2] + a[6], b3 = a[3] + a[7];  // h = 16
  const Lane4 c0 = b0 + b2, c1 = b1 + b3;                                              // h = 8
  const Lane4 e = c0 + c1;                                                             // h = 4
  return (e[0] + e[2]) + (e[1] + e[3]);                                                // h = 2, 1
}
}  // namespace detail
#endif

// The tile's chunk sums of |g_j| into l1[..] and, with kSquares, of g_j^2 into l2[..]
// (sum_chunks(n) each): whole chunks in four-lane vectors on the CPU, the rest by chunk_sum.
template <bool kSquares>
SIGNRATE_INLINE void lane_chunk_sums(const double* __restrict__ g, std::uint32_t n, double* __restrict__ l1,
                                     double* __restrict__ l2) {
  std::uint32_t done = 0;
#if !defined(__CUDA_ARCH__) && defined(__GNUC__)
  for (; done + kSumChunk <= n; done += kSumChunk) {
    detail::Lane4 a[8], q[8];
    for (int k = 0; k < 8; ++k) {
      detail::Lane4 v;
      __builtin_memcpy(&v, g + done + 4 * k, sizeof v);
      q[k] = v * v;
      a[k] = reinterpret_cast<detail::Lane4>(reinterpret_cast<detail::Bits4>(v) & detail::kAbsMask);  // fabs
    }
    l1[done / kSumChunk] = detail::fold_chunk_lanes(a);
    if constexpr (kSquares) l2[done / kSumChunk] = detail::fold_chunk_lanes(q);
  }
#endif
  const double* rest = g + done;
  const std::uint32_t left = n - done;
  tile_chunk_sums(
      left, [&](std::uint32_t j) { return ::fabs(rest[j]); }, l1 + done / kSumChunk);
  if constexpr (kSquares)
    tile_chunk_sums(
        left, [&](std::uint32_t j) { return rest[j] * rest[j]; }, l2 + done / kSumChunk);
}

// The norms' chunk sums: |g_j| into l1[..], g_j^2 into l2[..].
SIGNRATE_INLINE void norm_chunk_sums(const double* __restrict__ g, std::uint32_t n, double* __restrict__ l1,
                                     double* __restrict__ l2) {
  lane_chunk_sums<true>(g, n, l1, l2);
}

// The chunk sums of |v_j| alone (EF-signSGD's ||p||_1) into l1[..].
SIGNRATE_INLINE void abs_chunk_sums(const double* __restrict__ v, std::uint32_t n, double* __restrict__ l1) {
  lane_chunk_sums<false>(v, n, l1, nullptr);
}

}  // namespace signrate
