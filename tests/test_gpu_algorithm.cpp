// The CUDA engine's algorithm, run on the CPU: the kernels' layout (gpu_plan.hpp: block b of a
// replicate owns the chunks b, b + B, b + 2B, ...), their per-coordinate steps
// (coordinate_step.hpp), their folds (each chunk by chunk_sum's tree, the warp's shuffle-down;
// each block's chunk sums by fold_sum; the B partials by fold_sum) and the recorder, replayed here
// in the kernels' order with the same functions, must give the CPU engine's bits on every method,
// oracle, problem family and layout. Only the launch glue and the shuffles are GPU-only; the
// device tests (test_cuda.cpp) compare the real kernels on the same matrix.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gpu_cases.hpp"
#include "signrate/canonical_sum.hpp"
#include "signrate/coordinate_step.hpp"
#include "signrate/engine.hpp"
#include "signrate/gpu_plan.hpp"
#include "signrate/replicate_metrics.hpp"

namespace signrate {
namespace {

using gpu_cases::Case;

// A replicate's chunk-sum scratch as the kernel holds it: [block][row][slot].
struct Scratch {
  const GpuPlan& p;
  int rows;
  std::vector<double> v;
  Scratch(const GpuPlan& plan, int r) : p(plan), rows(r), v(plan.blocks * r * plan.per_block, 0.0) {}
  double* row(std::uint32_t b, int q) { return v.data() + (b * rows + q) * p.per_block; }
};

// The step's totals: every block folds its rows (fold_sum over its L slots, the kernel's
// block_fold), then the B partials are folded (fold_sum, the kernel's replicate_totals).
std::vector<double> totals(Scratch& s) {
  std::vector<double> total(s.rows);
  for (int q = 0; q < s.rows; ++q) {
    std::vector<double> partials(s.p.blocks);
    for (std::uint32_t b = 0; b < s.p.blocks; ++b) partials[b] = fold_sum(s.row(b, q), s.p.per_block);
    total[q] = fold_sum(partials.data(), s.p.blocks);
  }
  return total;
}

// The lanes of chunk slot k of block b: coordinate i = 32 c + lane, `step(i)` its terms (skipped
// beyond d, where a lane holds 0); `terms(lane)` then folded as the warp does (chunk_sum's tree).
template <class Step>
void for_lanes(const GpuPlan& p, std::uint32_t b, std::uint64_t k, Step&& step) {
  for (std::uint32_t lane = 0; lane < kSumChunk; ++lane) {
    const std::uint64_t i = plan_chunk(p, b, k) * kSumChunk + lane;
    step(lane, i < p.d, static_cast<std::uint32_t>(i));
  }
}

double warp(const double (&lane)[kSumChunk]) {
  return chunk_sum(kSumChunk, [&](std::uint32_t j) { return lane[j]; });
}

StepNorms norms_of(const Experiment& e, const std::vector<double>& total, bool checkpoint) {
  StepNorms n;
  n.l1 = total[0];
  n.l2 = std::sqrt(total[1]);
  if (checkpoint)
    n.gap = e.problem.constants.has_f_star ? total[2] - e.problem.constants.f_star
                                           : std::numeric_limits<double>::quiet_NaN();
  return n;
}

// single_kernel<K>, replayed.
template <MethodKind K>
void replay_single(const Experiment& e, const GpuPlan& p, RunResult& out,
                   std::vector<std::uint32_t>& diverged) {
  constexpr bool two_phase = K == MethodKind::kEfSignSgd;
  const int rows = two_phase ? 4 : 3;
  const SeparableView sv = e.problem.separable_view();
  const OracleView ov = e.oracle.view();
  for (std::uint32_t r = 0; r < e.spec.replicates; ++r) {
    std::vector<double> x = e.problem.x0, m(p.d, 0.0), s(p.d, 0.0);
    if (e.method.extrapolate) s = x;
    Recorder rec = make_recorder(e, r, out);
    const RngKey key = derive_key(e.spec.seed, r, 0, Stream::kOracleNoise);
    Scratch scratch(p, rows);
    std::uint32_t next = 0;
    for (std::uint32_t t = 1; t <= e.spec.T; ++t) {
      const MethodCoeffs c = e.method.coeffs_at(t);
      const bool checkpoint = next < e.checkpoints.size() && e.checkpoints[next] == t;
      next += checkpoint;
      for (std::uint32_t b = 0; b < p.blocks; ++b)
        for (std::uint64_t k = 0; k < p.per_block; ++k) {
          double l1[kSumChunk], l2[kSumChunk], value[kSumChunk], ef[kSumChunk];
          for_lanes(p, b, k, [&](std::uint32_t lane, bool inside, std::uint32_t i) {
            SingleTerms st;
            if (inside)
              st = single_coordinate_step<K>(c, sv, ov, key, t, i, e.method.extrapolate, checkpoint, x[i],
                                             m[i], s[i]);
            l1[lane] = std::fabs(st.grad);
            l2[lane] = st.grad * st.grad;
            value[lane] = st.value;
            ef[lane] = st.ef;
          });
          scratch.row(b, 0)[k] = warp(l1);
          scratch.row(b, 1)[k] = warp(l2);
          scratch.row(b, 2)[k] = checkpoint ? warp(value) : 0.0;
          if (two_phase) scratch.row(b, 3)[k] = warp(ef);
        }
      const std::vector<double> total = totals(scratch);
      if (rec.diverged_at == 0) rec.record(t, norms_of(e, total, checkpoint));
      if (two_phase)
        for (std::uint32_t i = 0; i < p.d; ++i) ef_apply(total[3] / static_cast<double>(p.d), x[i], m[i]);
    }
    diverged[r] = rec.diverged_at;
    if (diverged[r] == 0 && !finish_replicate(e, rec, x, r, out)) diverged[r] = e.spec.T + 1;
  }
}

// dist_kernel<K>, replayed. Returns false when a state left S_R's domain (the engine's error).
template <DistKind K>
bool replay_dist(const Experiment& e, const GpuPlan& p, RunResult& out,
                 std::vector<std::uint32_t>& diverged) {
  const std::uint32_t n = e.spec.nodes;
  const bool stateful = K != DistKind::kSgdDist && K != DistKind::kSgdmDist && K != DistKind::kSignSgdMv &&
                        K != DistKind::kStoSignSgd;
  for (std::uint32_t r = 0; r < e.spec.replicates; ++r) {
    std::vector<RngKey> noise(n), sign(n);
    for (std::uint32_t k = 0; k < n; ++k) {
      noise[k] = derive_key(e.spec.seed, r, k, Stream::kOracleNoise);
      sign[k] = derive_key(e.spec.seed, r, k, Stream::kUnbiasedSign);
    }
    DistView v;
    v.sv = e.problem.separable_view();
    v.ov = e.oracle.view();
    v.noise_keys = noise.data();
    v.sign_keys = sign.data();
    v.server_key = derive_key(e.spec.seed, r, 0, Stream::kServer);
    v.centers = e.problem.heterogeneous() ? e.problem.node_centers.data() : nullptr;
    v.nodes = n;
    v.byzantine = e.spec.byzantine;
    std::vector<double> x = e.problem.x0, m(stateful ? n * p.d : 1, 0.0), buf(p.d, 0.0);
    const std::uint64_t stride = stateful ? p.d : 0;
    Recorder rec = make_recorder(e, r, out);
    Scratch scratch(p, 3);
    std::uint32_t next = 0;
    bool bad = false;
    for (std::uint32_t t = 1; t <= e.spec.T; ++t) {
      const DistCoeffs c = e.dist.coeffs_at(t);
      const bool checkpoint = next < e.checkpoints.size() && e.checkpoints[next] == t;
      next += checkpoint;
      for (std::uint32_t b = 0; b < p.blocks; ++b)
        for (std::uint64_t k = 0; k < p.per_block; ++k) {
          double l1[kSumChunk], l2[kSumChunk], value[kSumChunk];
          for_lanes(p, b, k, [&](std::uint32_t lane, bool inside, std::uint32_t i) {
            DistTerms st;
            if (inside) {
              st = dist_coordinate_step<K>(c, v, t, i, checkpoint, x[i],
                                           stride == 0 ? m.data() : m.data() + i, stride, buf.data() + i);
              out.clipped[r] += st.clipped;
              out.zeros_up[r] += st.zeros_up;
              out.ties_down[r] += st.ties_down;
              bad = bad || st.bad;
            }
            l1[lane] = std::fabs(st.grad);
            l2[lane] = st.grad * st.grad;
            value[lane] = st.value;
          });
          scratch.row(b, 0)[k] = warp(l1);
          scratch.row(b, 1)[k] = warp(l2);
          scratch.row(b, 2)[k] = checkpoint ? warp(value) : 0.0;
        }
      if (bad) return false;
      const std::vector<double> total = totals(scratch);
      if (rec.diverged_at == 0) rec.record(t, norms_of(e, total, checkpoint));
    }
    diverged[r] = rec.diverged_at;
    if (diverged[r] == 0 && !finish_replicate(e, rec, x, r, out)) diverged[r] = e.spec.T + 1;
  }
  return true;
}

RunResult replay(const Experiment& e, std::uint32_t blocks) {
  const GpuPlan p = make_gpu_plan(e.problem.dim(), blocks, 256);
  RunResult out;
  out.allocate(e.spec.replicates, e.checkpoints.size());
  std::vector<std::uint32_t> diverged(e.spec.replicates, 0);
  if (e.distributed) {
    bool ok = true;
    with_kind(e.dist.base.kind, [&](auto k) { ok = replay_dist<decltype(k)::value>(e, p, out, diverged); });
    EXPECT_TRUE(ok) << "a state left S_R's domain";
  } else {
    with_kind(e.method.kind, [&](auto k) { replay_single<decltype(k)::value>(e, p, out, diverged); });
  }
  for (std::uint32_t r = 0; r < e.spec.replicates; ++r) EXPECT_EQ(diverged[r], 0u) << "replicate " << r;
  return out;
}

class GpuAlgorithm : public ::testing::TestWithParam<Case> {};

TEST_P(GpuAlgorithm, ReplayedKernelHasTheCpuEnginesBits) {
  const Case& c = GetParam();
  const Experiment e = c.experiment();
  const RunResult cpu = run(e, EngineOptions{1, 64});
  for (std::uint32_t blocks : {1u, 2u, 8u, 256u}) {
    const RunResult gpu = replay(e, blocks);
    gpu_cases::expect_same_run(cpu, gpu,
                               c.name() + " B=" + std::to_string(make_gpu_plan(c.d, blocks, 256).blocks));
  }
}

INSTANTIATE_TEST_SUITE_P(SingleNode, GpuAlgorithm, ::testing::ValuesIn(gpu_cases::single_cases()),
                         gpu_cases::case_name);
INSTANTIATE_TEST_SUITE_P(Distributed, GpuAlgorithm, ::testing::ValuesIn(gpu_cases::dist_cases()),
                         gpu_cases::case_name);

// The matrix reaches the counters it compares: some case sends sign(0) up, ties down, and clips.
TEST(GpuAlgorithmMatrix, ExercisesZerosTiesAndClipping) {
  std::uint64_t zeros = 0, ties = 0, clipped = 0;
  for (const Case& c : gpu_cases::dist_cases()) {
    const RunResult r = run(c.experiment(), EngineOptions{1, 64});
    for (std::size_t k = 0; k < r.zeros_up.size(); ++k)
      zeros += r.zeros_up[k], ties += r.ties_down[k], clipped += r.clipped[k];
  }
  EXPECT_GT(zeros, 0u);
  EXPECT_GT(ties, 0u);
  EXPECT_GT(clipped, 0u);
}

// The identity the layout rests on (gpu_plan.hpp): folding each residue class c = b (mod B) and
// then the B partials is fold_sum over all chunk sums, bit for bit, for every power of two B <= P;
// contiguous blocks of chunks would not be (checked: the planted alternative differs).
TEST(GpuPlan, ResidueClassFoldsAreTheCanonicalFold) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  bool contiguous_differs = false;
  for (std::uint64_t m : {1ull, 2ull, 3ull, 5ull, 31ull, 64ull, 100ull, 1000ull, 4097ull}) {
    std::vector<double> v(m);
    for (double& x : v) x = u(rng) * std::exp2(static_cast<int>(rng() % 60) - 30);
    std::vector<double> all = v;
    const double canonical = fold_sum(all.data(), m);
    const std::uint64_t P = next_power_of_two(m);
    for (std::uint64_t B = 1; B <= P; B *= 2) {
      const std::uint64_t L = P / B;
      std::vector<double> partials(B), contiguous(B);
      for (std::uint64_t b = 0; b < B; ++b) {
        std::vector<double> cls(L, 0.0), run(L, 0.0);
        for (std::uint64_t k = 0; k < L; ++k) {
          if (b + k * B < m) cls[k] = v[b + k * B];
          if (b * L + k < m) run[k] = v[b * L + k];
        }
        partials[b] = fold_sum(cls.data(), L);
        contiguous[b] = fold_sum(run.data(), L);
      }
      ASSERT_TRUE(gpu_cases::same_bits(fold_sum(partials.data(), B), canonical)) << "m=" << m << " B=" << B;
      contiguous_differs =
          contiguous_differs || !gpu_cases::same_bits(fold_sum(contiguous.data(), B), canonical);
    }
  }
  EXPECT_TRUE(contiguous_differs);
}

TEST(GpuPlan, LayoutCoversEveryChunkOnceWithinBounds) {
  for (std::uint32_t d : {1u, 31u, 32u, 33u, 1000u, 4099u, 1u << 20})
    for (std::uint32_t blocks : {1u, 2u, 3u, 8u, 1000u}) {
      const GpuPlan p = make_gpu_plan(d, blocks, 128);
      EXPECT_EQ(p.blocks & (p.blocks - 1), 0u);
      EXPECT_LE(p.blocks, std::min<std::uint64_t>(p.padded, kMaxBlocksPerReplicate));
      EXPECT_LE(p.blocks, blocks);
      EXPECT_EQ(p.per_block * p.blocks, p.padded);
      std::vector<int> seen(p.padded, 0);
      for (std::uint32_t b = 0; b < p.blocks; ++b)
        for (std::uint64_t k = 0; k < p.per_block; ++k) ++seen[plan_chunk(p, b, k)];
      for (std::uint64_t c = 0; c < p.padded; ++c) ASSERT_EQ(seen[c], 1) << "d=" << d << " chunk " << c;
    }
}

TEST(GpuPlan, BlocksPerReplicateFillTheDeviceWithinResidency) {
  // 132 SMs, 8 resident blocks each: a big d with few replicates spreads over blocks...
  EXPECT_EQ(choose_blocks_per_replicate(1u << 20, 16, 256, 4 * 132, 8 * 132), 64u);
  // ... never beyond residency (16 x 64 = 1024 <= 1056), nor below one chunk per warp ...
  EXPECT_EQ(choose_blocks_per_replicate(1u << 20, 16, 256, 1u << 20, 8 * 132), 64u);
  EXPECT_EQ(choose_blocks_per_replicate(256, 16, 256, 4 * 132, 8 * 132), 1u);
  // ... and enough replicates fill the device with one block each (no grid barrier).
  EXPECT_EQ(choose_blocks_per_replicate(1000, 1024, 256, 4 * 132, 8 * 132), 1u);
  EXPECT_EQ(choose_blocks_per_replicate(1u << 20, 1, 256, 4 * 132, 8 * 132), kMaxBlocksPerReplicate);
}

TEST(GpuPlan, MemoryPlanCountsTheState) {
  const GpuPlan p = make_gpu_plan(1u << 20, 64, 256);
  const std::uint64_t single = single_gpu_bytes(p, 16, 2048, 30, 3);
  EXPECT_GE(single, 3ull * 16 * (1u << 20) * 8);            // x, m, s
  EXPECT_LE(single, 3ull * 16 * (1u << 20) * 8 * 11 / 10);  // and little else at this size
  const std::uint64_t dist = dist_gpu_bytes(p, 16, 8, 30, true, false);
  EXPECT_GE(dist, 9ull * 16 * (1u << 20) * 8);  // x and 8 node states
  EXPECT_GT(dist_gpu_bytes(p, 16, 8, 30, true, true), dist);
  EXPECT_LT(dist_gpu_bytes(p, 16, 8, 30, false, false), 2ull * 16 * (1u << 20) * 8);
}

}  // namespace
}  // namespace signrate
