#pragma once
// The one summation order of every sum over coordinates (docs/architecture.md's "Reproducibility"): the norms
// behind M1 and M2, f(x), the mean of x, and EF-signSGD's ||p||_1, on every engine and in every
// test. Host-device, so a CUDA kernel computes the same bits in parallel.
//
// The order, for values v_0 .. v_{d-1}:
//   1. Chunks of kSumChunk = 32 consecutive coordinates (the last one zero-padded to 32). A chunk
//      is summed by the pairwise fold v_j <- v_j + v_{j+h} for h = 16, 8, 4, 2, 1: exactly what
//      a warp's shuffle-down tree computes, lane j holding coordinate 32k + j.
//   2. The chunk sums c_0 .. c_{m-1} are combined by the same fold over m zero-padded to the next
//      power of two: a block's shared-memory tree.
// Padding adds +0.0, which changes no bit of a sum except turning -0.0 into +0.0.
//
// Accuracy: every value passes through at most log2(32) + ceil(log2 m) additions, so the error
// bound is (5 + ceil(log2(d/32))) eps sum|v_i| (pairwise summation), against d/8 eps for eight
// sequential lanes; tests/test_canonical_sum.cpp measures both on adversarial inputs.
//
// Tiles: an engine may stream coordinates in tiles whose starts are multiples of kSumChunk,
// computing each tile's chunk sums (chunk_sum) into its slots of the chunk-sum array and folding
// the array once at the end (fold_sum): tile size and thread count never change a bit.
#include <cstdint>

#include "signrate/hd.hpp"

namespace signrate {

constexpr std::uint32_t kSumChunk = 32;

// The pairwise fold of s[0 .. n) zero-padded to the next power of two; overwrites s. n = 0 gives 0.
SIGNRATE_INLINE double fold_sum(double* s, std::uint64_t n) {
  if (n == 0) return 0.0;
  std::uint64_t p = 1;
  while (p < n) p *= 2;
  // The first level pairs j with j + p/2 (padding beyond n); every later level is complete.
  std::uint64_t h = p / 2;
  if (h > 0) {
    for (std::uint64_t j = 0; j < h; ++j) s[j] = s[j] + (j + h < n ? s[j + h] : 0.0);
    for (h /= 2; h > 0; h /= 2)
      for (std::uint64_t j = 0; j < h; ++j) s[j] = s[j] + s[j + h];
  }
  return s[0];
}

// The fold of one chunk, v[0 .. n) with n <= kSumChunk (zero-padded to kSumChunk). `value(j)`
// gives the j-th term (|g_j|, g_j^2, ...), so callers need no buffer of the terms.
template <class Value>
SIGNRATE_INLINE double chunk_sum(std::uint32_t n, Value value) {
  double v[kSumChunk];
  if (n == kSumChunk) {  // the common case, without the padding test (so it vectorizes)
    for (std::uint32_t j = 0; j < kSumChunk; ++j) v[j] = value(j);
  } else {
    for (std::uint32_t j = 0; j < kSumChunk; ++j) v[j] = j < n ? value(j) : 0.0;
  }
  for (std::uint32_t h = kSumChunk / 2; h > 0; h /= 2)
    for (std::uint32_t j = 0; j < h; ++j) v[j] = v[j] + v[j + h];
  return v[0];
}

// Number of chunks of d coordinates: the length of a chunk-sum array.
SIGNRATE_INLINE std::uint64_t sum_chunks(std::uint64_t d) { return (d + kSumChunk - 1) / kSumChunk; }

// The chunk sums of terms 0 .. n-1 (a tile starting at a multiple of kSumChunk) into
// chunks[0 .. sum_chunks(n)).
template <class Value>
SIGNRATE_INLINE void tile_chunk_sums(std::uint32_t n, Value value, double* chunks) {
  for (std::uint32_t c = 0; c * kSumChunk < n; ++c) {
    const std::uint32_t base = c * kSumChunk, len = n - base < kSumChunk ? n - base : kSumChunk;
    chunks[c] = chunk_sum(len, [&](std::uint32_t j) { return value(base + j); });
  }
}

// sum_{i < d} value(i) in the canonical order, with `chunks` a scratch array of sum_chunks(d).
template <class Value>
SIGNRATE_INLINE double canonical_sum(std::uint64_t d, Value value, double* chunks) {
  const std::uint64_t m = sum_chunks(d);
  for (std::uint64_t c = 0; c < m; ++c) {
    const std::uint64_t base = c * kSumChunk;
    const std::uint32_t len = static_cast<std::uint32_t>(d - base < kSumChunk ? d - base : kSumChunk);
    chunks[c] = chunk_sum(len, [&](std::uint32_t j) { return value(base + j); });
  }
  return fold_sum(chunks, m);
}

}  // namespace signrate
