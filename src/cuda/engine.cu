// The CUDA engine: one persistent kernel per run. The whole T loop runs inside it; replicate r is
// served by B blocks (gpu_plan.hpp: block b owns the chunks c = b (mod B), the residue classes that
// make a block's fold a subtree of the canonical fold). Per step every thread advances its
// coordinates with the CPU engine's per-coordinate functions (coordinate_step.hpp), each warp folds
// its chunk (32 lanes, shuffle-down: chunk_sum's tree), the block folds its chunk sums (fold_sum's
// tree, one level per barrier), and with B > 1 the blocks meet at a grid barrier so that one block
// folds the B partials. Block 0 of each replicate keeps its Recorder, so M1, M2 and the checkpoint
// rows are the CPU's bits. No host round trip and no launch per step.
//
// Where the state lives: x and the method's slots in device memory, each coordinate read and
// written by the one thread that owns it (a method touches only the slots it uses: SMM reads and
// writes x and v, 32 bytes per coordinate-step). Up to a few million coordinates in all replicates
// they stay in the 50 MB L2, on the chip; at d = 2^20 x 16 replicates (256 MB for x and v) no
// chip holds them (an H100/H200 has 34 MB of registers) and every step streams them from HBM,
// which bounds that size at about bandwidth / 32 bytes (bench/README.md).
#include <cooperative_groups.h>
#include <cuda_runtime.h>
#include <thrust/copy.h>
#include <thrust/device_vector.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "cuda_engine.hpp"
#include "device_memory.hpp"
#include "signrate/coordinate_step.hpp"
#include "signrate/error.hpp"
#include "signrate/gpu_plan.hpp"
#include "signrate/recorder.hpp"
#include "signrate/replicate_metrics.hpp"

namespace cg = cooperative_groups;

namespace signrate::cuda {

namespace {

// Rows of a block's chunk-sum scratch, one per quantity folded each step.
constexpr int kL1 = 0, kL2 = 1, kValue = 2, kEf = 3;

template <class T>
T* raw(thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

template <class T>
thrust::device_vector<T> to_device(const std::vector<T>& v) {
  return thrust::device_vector<T>(v.begin(), v.end());
}

// The fold of a chunk held one coordinate per lane (0 beyond d): lane j adds lane j + h for
// h = 16, 8, 4, 2, 1, which is chunk_sum's tree; lane 0 ends with the chunk sum.
__device__ __forceinline__ double warp_fold(double v) {
  for (int h = static_cast<int>(kSumChunk) / 2; h > 0; h /= 2) v = v + __shfl_down_sync(0xffffffffu, v, h);
  return v;
}

// fold_sum's tree over rows of L (a power of two) slots, s[q * L + j]: each level's pairs shared by
// the block's threads, a barrier between levels; row q's sum ends in s[q * L]. All threads call it.
__device__ void block_fold(double* s, std::uint64_t L, int rows) {
  for (std::uint64_t h = L / 2; h > 0; h /= 2) {
    for (std::uint64_t j = threadIdx.x; j < h; j += blockDim.x)
      for (int q = 0; q < rows; ++q) s[q * L + j] = s[q * L + j] + s[q * L + j + h];
    __syncthreads();
  }
}

// The step's totals of rows 0 .. rows-1 for this replicate, in the canonical order: the block's
// own fold when B = 1; else every block publishes its partials (two slots by step parity, so a
// block already in step t+1 never overwrites what a slower one still reads), the grid meets, and
// thread 0 folds the B partials (fold_sum, the CPU's code). Meaningful in thread 0 of the block.
__device__ void replicate_totals(const GpuPlan& p, double* mine, double* partials, std::uint32_t r,
                                 std::uint32_t b, std::uint32_t t, int rows, bool needed, double* total) {
  const std::uint32_t B = p.blocks;
  if (B == 1) {
    if (threadIdx.x == 0)
      for (int q = 0; q < rows; ++q) total[q] = mine[q * p.per_block];
    return;
  }
  double* part = partials + (static_cast<std::uint64_t>(r) * 2 + (t & 1)) * rows * B;
  if (threadIdx.x == 0)
    for (int q = 0; q < rows; ++q) part[q * B + b] = mine[q * p.per_block];
  cg::this_grid().sync();
  __shared__ double folded[kMaxBlocksPerReplicate];
  if (threadIdx.x == 0 && needed)
    for (int q = 0; q < rows; ++q) {
      for (std::uint32_t j = 0; j < B; ++j) folded[j] = part[q * B + j];
      total[q] = fold_sum(folded, B);
    }
}

// What both kernels share: the plan, the checkpoints, f* and the recorders.
struct RunArgs {
  GpuPlan plan;
  std::uint32_t T = 0, count = 0;
  const std::uint32_t* checkpoints = nullptr;  // [count]
  bool has_f_star = false;
  double f_star = 0.0;
  Recorder* recorders = nullptr;  // [R]
  double* scratch = nullptr;      // [R][B][rows][L]
  double* partials = nullptr;     // [R][2][rows][B]
};

// Block 0's record of step t (thread 0): the norms and, at a checkpoint, f(x_t) - f*.
__device__ void record_step(const RunArgs& a, Recorder& rec, std::uint32_t t, bool checkpoint,
                            const double* total) {
  StepNorms n;
  n.l1 = total[kL1];
  n.l2 = sqrt(total[kL2]);
  if (checkpoint)
    n.gap = a.has_f_star ? total[kValue] - a.f_star : __longlong_as_double(0x7ff8000000000000LL);
  if (rec.diverged_at == 0) rec.record(t, n);  // after a divergence the run is an error: stop recording
}

struct SingleArgs {
  RunArgs run;
  const MethodCoeffs* coeffs = nullptr;  // [T], Method::coeffs_at(t) at t - 1
  SeparableView sv;
  OracleView ov;
  bool extrapolate = false;
  const RngKey* keys = nullptr;                     // [R] oracle noise
  double *x = nullptr, *m = nullptr, *s = nullptr;  // [R][d]
};

template <MethodKind K>
__global__ void single_kernel(const SingleArgs a) {
  constexpr bool kTwoPhase = two_phase(recipe_of(K));
  constexpr int kRows = kTwoPhase ? 4 : 3;
  const GpuPlan& p = a.run.plan;
  const std::uint32_t B = p.blocks, r = blockIdx.x / B, b = blockIdx.x % B;
  const std::uint32_t lane = threadIdx.x % kSumChunk, warp = threadIdx.x / kSumChunk;
  const std::uint32_t warps = blockDim.x / kSumChunk;
  const std::uint64_t L = p.per_block, d = p.d, base = static_cast<std::uint64_t>(r) * d;
  double *x = a.x + base, *m = a.m + base, *s = a.s + base;
  double* mine = a.run.scratch + (static_cast<std::uint64_t>(r) * B + b) * kRows * L;
  const RngKey key = a.keys[r];
  const bool recorder = b == 0 && threadIdx.x == 0;
  Recorder rec;
  if (recorder) rec = a.run.recorders[r];
  __shared__ double ef_scale;
  std::uint32_t next = 0;
  for (std::uint32_t t = 1; t <= a.run.T; ++t) {
    const MethodCoeffs c = a.coeffs[t - 1];
    const bool checkpoint = next < a.run.count && a.run.checkpoints[next] == t;
    next += checkpoint;
    for (std::uint64_t k = warp; k < L; k += warps) {
      const std::uint64_t i = plan_chunk(p, b, k) * kSumChunk + lane;
      SingleTerms st;
      if (i < d)
        st = single_coordinate_step<K>(c, a.sv, a.ov, key, t, static_cast<std::uint32_t>(i), a.extrapolate,
                                       checkpoint, x[i], m[i], s[i]);
      const double l1 = warp_fold(fabs(st.grad)), l2 = warp_fold(st.grad * st.grad);
      const double value = checkpoint ? warp_fold(st.value) : 0.0;
      const double ef = kTwoPhase ? warp_fold(st.ef) : 0.0;
      if (lane == 0) {
        mine[kL1 * L + k] = l1;
        mine[kL2 * L + k] = l2;
        mine[kValue * L + k] = value;
        if (kTwoPhase) mine[kEf * L + k] = ef;
      }
    }
    __syncthreads();
    block_fold(mine, L, kRows);
    double total[kRows];
    replicate_totals(p, mine, a.run.partials, r, b, t, kRows, b == 0 || kTwoPhase, total);
    if (recorder) record_step(a.run, rec, t, checkpoint, total);
    if constexpr (kTwoPhase) {  // phase 2 with EF's scale ||p||_1 / d, in the canonical order
      if (threadIdx.x == 0) ef_scale = total[kEf] / static_cast<double>(p.d);
      __syncthreads();
      for (std::uint64_t k = warp; k < L; k += warps) {
        const std::uint64_t i = plan_chunk(p, b, k) * kSumChunk + lane;
        if (i < d) ef_apply(ef_scale, x[i], m[i]);
      }
    }
    __syncthreads();  // the scratch and ef_scale are reused by the next step
  }
  if (recorder) a.run.recorders[r] = rec;
}

struct DistArgs {
  RunArgs run;
  DistCoeffs coeffs;  // DistMethod::base; t is set per step
  SeparableView sv;
  OracleView ov;
  const double* centers = nullptr;  // [n] for a heterogeneous family
  std::uint32_t nodes = 1, byzantine = 0;
  const RngKey *noise_keys = nullptr, *sign_keys = nullptr, *server_keys = nullptr;  // [R][n], [R][n], [R]
  double* x = nullptr;                                                               // [R][d]
  double* m = nullptr;                   // [R][n][d] node states (one slot for stateless methods)
  std::uint64_t node_stride = 0;         // d, or 0 for stateless methods
  double* buf = nullptr;                 // [R][d] SGDM server buffer (sgdm-dist only)
  unsigned long long* counts = nullptr;  // [R][3]: clipped, zeros up, ties down
  unsigned long long* bad = nullptr;     // [R]: min over (t << 32 | i) of a state outside [-R, R]
};

template <DistKind K>
__global__ void dist_kernel(const DistArgs a) {
  constexpr int kRows = 3;
  const GpuPlan& p = a.run.plan;
  const std::uint32_t B = p.blocks, r = blockIdx.x / B, b = blockIdx.x % B;
  const std::uint32_t lane = threadIdx.x % kSumChunk, warp = threadIdx.x / kSumChunk;
  const std::uint32_t warps = blockDim.x / kSumChunk;
  const std::uint64_t L = p.per_block, d = p.d, base = static_cast<std::uint64_t>(r) * d;
  double* x = a.x + base;
  double* m = a.m + static_cast<std::uint64_t>(r) * a.nodes * a.node_stride;
  double* buf = a.buf == nullptr ? nullptr : a.buf + base;
  double* mine = a.run.scratch + (static_cast<std::uint64_t>(r) * B + b) * kRows * L;
  DistView v;
  v.sv = a.sv;
  v.ov = a.ov;
  v.noise_keys = a.noise_keys + static_cast<std::uint64_t>(r) * a.nodes;
  v.sign_keys = a.sign_keys + static_cast<std::uint64_t>(r) * a.nodes;
  v.server_key = a.server_keys[r];
  v.centers = a.centers;
  v.nodes = a.nodes;
  v.byzantine = a.byzantine;
  const bool recorder = b == 0 && threadIdx.x == 0;
  Recorder rec;
  if (recorder) rec = a.run.recorders[r];
  unsigned long long clipped = 0, zeros = 0, ties = 0;
  std::uint32_t next = 0;
  for (std::uint32_t t = 1; t <= a.run.T; ++t) {
    DistCoeffs c = a.coeffs;
    c.t = t;
    const bool checkpoint = next < a.run.count && a.run.checkpoints[next] == t;
    next += checkpoint;
    for (std::uint64_t k = warp; k < L; k += warps) {
      const std::uint64_t i = plan_chunk(p, b, k) * kSumChunk + lane;
      DistTerms st;
      if (i < d) {
        st = dist_coordinate_step<K>(c, v, t, static_cast<std::uint32_t>(i), checkpoint, x[i],
                                     a.node_stride == 0 ? m : m + i, a.node_stride,
                                     buf == nullptr ? nullptr : buf + i);
        clipped += st.clipped;
        zeros += st.zeros_up;
        ties += st.ties_down;
        if (st.bad) atomicMin(a.bad + r, (static_cast<unsigned long long>(t) << 32) | i);
      }
      const double l1 = warp_fold(fabs(st.grad)), l2 = warp_fold(st.grad * st.grad);
      const double value = checkpoint ? warp_fold(st.value) : 0.0;
      if (lane == 0) {
        mine[kL1 * L + k] = l1;
        mine[kL2 * L + k] = l2;
        mine[kValue * L + k] = value;
      }
    }
    __syncthreads();
    block_fold(mine, L, kRows);
    double total[kRows];
    replicate_totals(p, mine, a.run.partials, r, b, t, kRows, b == 0, total);
    if (recorder) record_step(a.run, rec, t, checkpoint, total);
    __syncthreads();
  }
  if (recorder) a.run.recorders[r] = rec;
  // Integer counts: the order of the additions cannot change them.
  if (clipped) atomicAdd(a.counts + 3 * r + 0, clipped);
  if (zeros) atomicAdd(a.counts + 3 * r + 1, zeros);
  if (ties) atomicAdd(a.counts + 3 * r + 2, ties);
}

// The blocks of one launch: R x B, each of `threads`; a grid barrier (B > 1) needs a cooperative
// launch, and every block resident.
template <class Args>
void launch(void (*kernel)(Args), const GpuPlan& p, std::uint32_t replicates, const Args& args) {
  const dim3 grid(replicates * p.blocks), block(p.threads);
  if (p.blocks == 1) {
    kernel<<<grid, block>>>(args);
  } else {
    void* params[] = {const_cast<Args*>(&args)};
    check(cudaLaunchCooperativeKernel(reinterpret_cast<const void*>(kernel), grid, block, params, 0, nullptr),
          "cudaLaunchCooperativeKernel");
  }
  check(cudaGetLastError(), "kernel launch");
  check(cudaDeviceSynchronize(), "the simulation kernel");
}

// How many blocks of `threads` can be resident at once on the device (for a grid barrier).
template <class Args>
std::uint64_t resident_blocks(void (*kernel)(Args), std::uint32_t threads, int sms) {
  int per_sm = 0;
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, static_cast<int>(threads), 0),
        "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
  return static_cast<std::uint64_t>(per_sm) * static_cast<std::uint64_t>(sms);
}

// The plan for a kernel: the user's B (tests), or enough blocks for four per SM.
template <class Args>
GpuPlan plan_for(void (*kernel)(Args), const Experiment& e, const EngineOptions& o, int sms) {
  const std::uint32_t d = e.problem.dim(), R = e.spec.replicates;
  const std::uint64_t resident = resident_blocks(kernel, o.cuda_threads, sms);
  const std::uint32_t B =
      o.cuda_blocks != 0
          ? o.cuda_blocks
          : choose_blocks_per_replicate(d, R, o.cuda_threads, 4ull * static_cast<unsigned>(sms), resident);
  GpuPlan p = make_gpu_plan(d, B, o.cuda_threads);
  if (p.blocks > 1 && static_cast<std::uint64_t>(p.blocks) * R > resident)
    throw SpecError("cuda_blocks=" + std::to_string(p.blocks) + " is not allowed for " + std::to_string(R) +
                    " replicates: a grid barrier needs every block resident, and this device holds " +
                    std::to_string(resident) + " blocks of " + std::to_string(o.cuda_threads) + " threads");
  return p;
}

// The run's shared device inputs and outputs.
struct Common {
  thrust::device_vector<std::uint32_t> checkpoints;
  thrust::device_vector<Recorder> recorders;
  thrust::device_vector<double> traces;  // [5][R][K]
  thrust::device_vector<double> scratch, partials, coef, scale;
  std::size_t K = 0;
};

RunArgs common_args(const Experiment& e, const GpuPlan& p, int rows, Common& c) {
  const std::uint32_t R = e.spec.replicates;
  c.K = e.checkpoints.size();
  c.checkpoints = to_device(e.checkpoints);
  c.traces.assign(5 * R * c.K, 0.0);
  std::vector<Recorder> recs(R);
  for (std::uint32_t r = 0; r < R; ++r) {
    double* base = raw(c.traces) + r * c.K;
    const std::size_t field = R * c.K;
    recs[r].checkpoints = raw(c.checkpoints);
    recs[r].count = static_cast<std::uint32_t>(c.K);
    recs[r].trace = TraceView{base, base + field, base + 2 * field, base + 3 * field, base + 4 * field};
  }
  c.recorders = to_device(recs);
  c.scratch.assign(static_cast<std::uint64_t>(R) * p.blocks * rows * p.per_block, 0.0);
  c.partials.assign(static_cast<std::uint64_t>(R) * 2 * rows * p.blocks, 0.0);
  c.coef = to_device(e.problem.coef);
  c.scale = to_device(e.oracle.scale);
  RunArgs a;
  a.plan = p;
  a.T = e.spec.T;
  a.count = static_cast<std::uint32_t>(c.K);
  a.checkpoints = raw(c.checkpoints);
  a.has_f_star = e.problem.constants.has_f_star;
  a.f_star = e.problem.constants.f_star;
  a.recorders = raw(c.recorders);
  a.scratch = raw(c.scratch);
  a.partials = raw(c.partials);
  return a;
}

// Copies the traces and the recorders' sums back; x_{T+1} of every replicate gives the final values
// on the host (finish_replicate, the CPU's code). `diverged[r]` as throw_if_diverged wants it.
void collect(const Experiment& e, Common& c, const thrust::device_vector<double>& x_dev, RunResult& out,
             std::vector<std::uint32_t>& diverged) {
  const std::uint32_t R = e.spec.replicates, d = e.problem.dim(), T = e.spec.T;
  std::vector<double> traces(c.traces.size()), x(static_cast<std::size_t>(R) * d);
  thrust::copy(c.traces.begin(), c.traces.end(), traces.begin());
  thrust::copy(x_dev.begin(), x_dev.end(), x.begin());
  std::vector<Recorder> recs(R);
  thrust::copy(c.recorders.begin(), c.recorders.end(), recs.begin());
  const std::size_t field = R * c.K;
  for (std::uint32_t r = 0; r < R; ++r) {
    RunResult::Trace& tr = out.traces[r];
    std::vector<double>* fields[] = {&tr.M1, &tr.M2, &tr.grad_l1, &tr.grad_l2, &tr.gap};
    for (int f = 0; f < 5; ++f) std::copy_n(traces.begin() + f * field + r * c.K, c.K, fields[f]->begin());
    diverged[r] = recs[r].diverged_at;
    if (diverged[r] != 0) continue;
    const std::vector<double> xr(x.begin() + static_cast<std::size_t>(r) * d,
                                 x.begin() + static_cast<std::size_t>(r + 1) * d);
    if (!finish_replicate(e, recs[r], xr, r, out)) diverged[r] = T + 1;
  }
}

void run_single(const Experiment& e, const EngineOptions& o, int sms, RunResult& out,
                std::vector<std::uint32_t>& diverged) {
  const std::uint32_t R = e.spec.replicates, d = e.problem.dim(), T = e.spec.T;
  with_kind(e.method.kind, [&](auto kind) {
    constexpr MethodKind K = decltype(kind)::value;
    constexpr int rows = two_phase(recipe_of(K)) ? 4 : 3;
    const GpuPlan p = plan_for(single_kernel<K>, e, o, sms);
    require_memory(single_gpu_bytes(p, R, T, e.checkpoints.size(), rows), o.device);
    Common c;
    SingleArgs a;
    a.run = common_args(e, p, rows, c);
    std::vector<MethodCoeffs> coeffs(T);
    for (std::uint32_t t = 1; t <= T; ++t) coeffs[t - 1] = e.method.coeffs_at(t);
    thrust::device_vector<MethodCoeffs> coeffs_dev = to_device(coeffs);
    std::vector<RngKey> keys(R);
    for (std::uint32_t r = 0; r < R; ++r) keys[r] = derive_key(e.spec.seed, r, 0, Stream::kOracleNoise);
    thrust::device_vector<RngKey> keys_dev = to_device(keys);
    std::vector<double> x0(static_cast<std::size_t>(R) * d);
    for (std::uint32_t r = 0; r < R; ++r)
      std::copy(e.problem.x0.begin(), e.problem.x0.end(), x0.begin() + r * d);
    thrust::device_vector<double> x = to_device(x0), m(x0.size(), 0.0), s(x0.size(), 0.0);
    if (e.method.extrapolate) s = x;  // x_0 := x_1, as the CPU engine
    a.coeffs = raw(coeffs_dev);
    a.sv = SeparableView{e.problem.separable_kind, raw(c.coef)};
    a.ov = OracleView{e.oracle.law, raw(c.scale), e.oracle.batch};
    a.extrapolate = e.method.extrapolate;
    a.keys = raw(keys_dev);
    a.x = raw(x);
    a.m = raw(m);
    a.s = raw(s);
    launch(single_kernel<K>, p, R, a);
    collect(e, c, x, out, diverged);
  });
}

void run_dist(const Experiment& e, const EngineOptions& o, int sms, RunResult& out,
              std::vector<std::uint32_t>& diverged) {
  const std::uint32_t R = e.spec.replicates, d = e.problem.dim(), n = e.spec.nodes;
  const DistKind kind_value = e.dist.base.kind;
  with_kind(kind_value, [&](auto kind) {
    constexpr DistKind K = decltype(kind)::value;
    constexpr Recipe recipe = recipe_of(K);
    const bool stateful = keeps_state(recipe), server_buffer = recipe.server == ServerRule::kMomentum;
    const GpuPlan p = plan_for(dist_kernel<K>, e, o, sms);
    require_memory(dist_gpu_bytes(p, R, n, e.checkpoints.size(), stateful, server_buffer), o.device);
    Common c;
    DistArgs a;
    a.run = common_args(e, p, 3, c);
    std::vector<RngKey> noise(static_cast<std::size_t>(R) * n), sign(noise.size()), server(R);
    for (std::uint32_t r = 0; r < R; ++r) {
      server[r] = derive_key(e.spec.seed, r, 0, Stream::kServer);
      for (std::uint32_t k = 0; k < n; ++k) {
        noise[r * n + k] = derive_key(e.spec.seed, r, k, Stream::kOracleNoise);
        sign[r * n + k] = derive_key(e.spec.seed, r, k, Stream::kUnbiasedSign);
      }
    }
    thrust::device_vector<RngKey> noise_dev = to_device(noise), sign_dev = to_device(sign),
                                  server_dev = to_device(server);
    thrust::device_vector<double> centers = to_device(e.problem.node_centers);
    std::vector<double> x0(static_cast<std::size_t>(R) * d);
    for (std::uint32_t r = 0; r < R; ++r)
      std::copy(e.problem.x0.begin(), e.problem.x0.end(), x0.begin() + r * d);
    thrust::device_vector<double> x = to_device(x0);
    thrust::device_vector<double> m(stateful ? static_cast<std::size_t>(R) * n * d : 1, 0.0);
    thrust::device_vector<double> buf(server_buffer ? x0.size() : 0, 0.0);
    thrust::device_vector<unsigned long long> counts(3 * R, 0ull), bad(R, ~0ull);
    a.coeffs = e.dist.base;
    a.sv = SeparableView{e.problem.separable_kind, raw(c.coef)};
    a.ov = OracleView{e.oracle.law, raw(c.scale), e.oracle.batch};
    a.centers = e.problem.heterogeneous() ? raw(centers) : nullptr;
    a.nodes = n;
    a.byzantine = e.spec.byzantine;
    a.noise_keys = raw(noise_dev);
    a.sign_keys = raw(sign_dev);
    a.server_keys = raw(server_dev);
    a.x = raw(x);
    a.m = raw(m);
    a.node_stride = stateful ? d : 0;
    a.buf = server_buffer ? raw(buf) : nullptr;
    a.counts = raw(counts);
    a.bad = raw(bad);
    launch(dist_kernel<K>, p, R, a);
    std::vector<unsigned long long> bad_host(R), counts_host(3 * R);
    thrust::copy(bad.begin(), bad.end(), bad_host.begin());
    thrust::copy(counts.begin(), counts.end(), counts_host.begin());
    std::vector<Recorder> recs(R);
    thrust::copy(c.recorders.begin(), c.recorders.end(), recs.begin());
    for (std::uint32_t r = 0; r < R; ++r) {  // S_R's domain first: the CPU raises it within the step
      const std::uint32_t bad_t = static_cast<std::uint32_t>(bad_host[r] >> 32);
      const bool diverged_first = recs[r].diverged_at != 0 && recs[r].diverged_at < bad_t;
      if (bad_host[r] != ~0ull && !diverged_first)
        throw RunError(e.dist.name + ": |state| exceeds R = " + format_real(e.dist.base.R) + " at step t=" +
                       std::to_string(bad_t) + ", coordinate i=" + std::to_string(bad_host[r] & 0xffffffffu) +
                       ", replicate " + std::to_string(r) +
                       " (S_R needs |state| <= R; raise R, or ask for clipping with clip=1)");
      out.clipped[r] = counts_host[3 * r];
      out.zeros_up[r] = counts_host[3 * r + 1];
      out.ties_down[r] = counts_host[3 * r + 2];
    }
    collect(e, c, x, out, diverged);
  });
}

}  // namespace

RunResult run_cuda(const Experiment& e, const EngineOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  check_cuda_options(o);
  if (e.distributed && encodes_whole_state(recipe_at(e.dist.base.kind)))
    throw SpecError("method " + e.dist.name +
                    " cannot run on the GPU yet (a node's message needs the norm of its whole state); run it "
                    "with --device cpu");
  std::string why;
  if (!cuda_usable(o.device, &why)) throw SpecError("--device cuda:" + std::to_string(o.device) + ": " + why);
  const Problem& problem = e.problem;
  if (!problem.separable && !(e.distributed && problem.heterogeneous()))
    throw SpecError(
        "problem '" + problem.name +
        "' cannot run on the GPU yet (its gradient couples coordinates); allowed with --device "
        "cuda: the separable problems and their heterogeneous families; run it with --device cpu");
  check(cudaSetDevice(o.device), "cudaSetDevice");
  int sms = 0;
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, o.device), "cudaDeviceGetAttribute");
  RunResult out;
  out.allocate(e.spec.replicates, e.checkpoints.size());
  std::vector<std::uint32_t> diverged(e.spec.replicates, 0);
  if (e.distributed)
    run_dist(e, o, sms, out, diverged);
  else
    run_single(e, o, sms, out, diverged);
  throw_if_diverged(diverged, e.spec.T);
  const DeviceInfo info = cuda_device_info(o.device);
  out.device_name = info.name;
  out.compute_capability = info.compute_capability;
  out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace signrate::cuda
