#pragma once
// How the CUDA engine lays a run out on the GPU, as host-device code: the kernels index with it and
// the CPU tests replay it (tests/test_gpu_algorithm.cpp).
//
// Replicate r is served by B blocks (B a power of two). Block b owns the chunks c = b + k B,
// k = 0 .. L-1, of the canonical order (canonical_sum.hpp), chunk c being coordinates 32c .. 32c+31,
// one per lane of a warp; a coordinate always belongs to the same thread, so its state (x and the
// method's slots) is read and written by that thread only.
//
// Why residue classes (the deterministic scheme for a d too large for one block): fold_sum pads
// the m chunk sums to P = 2^ceil(log2 m) and pairs slot j with j + P/2, then j + P/4, ... After the
// levels h = P/2 .. B, slot b holds exactly the fold of the chunk sums c = b (mod B), by the same
// tree applied to that subsequence. So every block folds its own L = P/B chunk sums without
// talking to the others, and one fold of the B partials (fold_sum again) finishes the canonical
// sum: the CPU's bits for every B. Blocks of one replicate meet once per step at a grid-wide
// barrier (cooperative launch; all blocks resident), needed only when B > 1: the norms of a step
// and EF-signSGD's ||p||_1 need every block's partial. Thread-block clusters would cap B at 8 or
// 16; a grid barrier lets B grow with d, and its cost (a few microseconds a step) is small beside
// a step over d = 2^20 coordinates.
#include <cstdint>

#include "signrate/canonical_sum.hpp"
#include "signrate/hd.hpp"
#include "signrate/method_step.hpp"
#include "signrate/recorder.hpp"
#include "signrate/rng.hpp"

namespace signrate {

// The largest B the engine uses: the partials of one replicate fit in a block's shared memory.
constexpr std::uint32_t kMaxBlocksPerReplicate = 256;

struct GpuPlan {
  std::uint32_t d = 0;
  std::uint64_t chunks = 0;     // m = sum_chunks(d)
  std::uint64_t padded = 1;     // P, the next power of two >= m
  std::uint32_t blocks = 1;     // B per replicate, a power of two <= min(P, kMaxBlocksPerReplicate)
  std::uint64_t per_block = 1;  // L = P / B chunk slots per block
  std::uint32_t threads = 256;  // per block, a multiple of 32
};

SIGNRATE_INLINE std::uint64_t next_power_of_two(std::uint64_t n) {
  std::uint64_t p = 1;
  while (p < n) p *= 2;
  return p;
}

// The plan for d coordinates with B = `blocks` (rounded down to a power of two and to P).
SIGNRATE_INLINE GpuPlan make_gpu_plan(std::uint32_t d, std::uint32_t blocks, std::uint32_t threads) {
  GpuPlan p;
  p.d = d;
  p.chunks = sum_chunks(d);
  p.padded = next_power_of_two(p.chunks);
  std::uint32_t b = 1;
  while (2 * b <= blocks && 2 * b <= p.padded && 2 * b <= kMaxBlocksPerReplicate) b *= 2;
  p.blocks = b;
  p.per_block = p.padded / b;
  p.threads = threads;
  return p;
}

// B for R replicates: enough blocks to give every SM work (target = blocks wanted in the whole
// grid), never more than `resident` in all (a grid barrier needs every block resident) and never
// fewer than one chunk per warp in a block. 1 when R alone fills the GPU.
SIGNRATE_INLINE std::uint32_t choose_blocks_per_replicate(std::uint32_t d, std::uint32_t replicates,
                                                          std::uint32_t threads, std::uint64_t target,
                                                          std::uint64_t resident) {
  const std::uint64_t padded = next_power_of_two(sum_chunks(d)), warps = threads / kSumChunk;
  std::uint32_t b = 1;
  while (2 * b <= kMaxBlocksPerReplicate && static_cast<std::uint64_t>(b) * replicates < target &&
         2ull * b * replicates <= resident && padded / (2 * b) >= warps)
    b *= 2;
  return b;
}

// Chunk slot k of block b.
SIGNRATE_INLINE std::uint64_t plan_chunk(const GpuPlan& p, std::uint32_t b, std::uint64_t k) {
  return b + k * p.blocks;
}

// Device memory a run takes: what the CUDA engine allocates, give or take a few bytes (it refuses a run that
// does not fit before allocating): what every run has (checkpoints K, recorders, traces, the
// per-coordinate coefficients and noise scales, the chunk-sum scratch and the partials)...
inline std::uint64_t gpu_common_bytes(const GpuPlan& p, std::uint64_t replicates, std::uint64_t checkpoints,
                                      int rows) {
  return checkpoints * sizeof(std::uint32_t) + replicates * sizeof(Recorder) +
         5 * replicates * checkpoints * sizeof(double) + 2 * std::uint64_t{p.d} * sizeof(double) +
         replicates * p.blocks * rows * p.per_block * sizeof(double) +
         replicates * 2 * rows * p.blocks * sizeof(double);
}

// ... plus, on one node, x, m, s per replicate, a coefficient row per step and a key per replicate;
inline std::uint64_t single_gpu_bytes(const GpuPlan& p, std::uint64_t replicates, std::uint64_t T,
                                      std::uint64_t checkpoints, int rows) {
  return gpu_common_bytes(p, replicates, checkpoints, rows) + 3 * replicates * p.d * sizeof(double) +
         T * sizeof(MethodCoeffs) + replicates * sizeof(RngKey);
}

// ... plus, on n nodes, x per replicate, a state per node (stateful methods; one slot otherwise), the
// SGDM server's buffer, two keys per node and one per server, the centres, the counters.
inline std::uint64_t dist_gpu_bytes(const GpuPlan& p, std::uint64_t replicates, std::uint64_t nodes,
                                    std::uint64_t checkpoints, bool stateful, bool server_buffer) {
  const std::uint64_t rd = replicates * p.d;
  return gpu_common_bytes(p, replicates, checkpoints, 3) + rd * sizeof(double) +
         (stateful ? rd * nodes : 1) * sizeof(double) + (server_buffer ? rd : 0) * sizeof(double) +
         (2 * nodes + 1) * replicates * sizeof(RngKey) + nodes * sizeof(double) +
         4 * replicates * sizeof(unsigned long long);
}

}  // namespace signrate
