// The CPU engine: threads take whole replicates (a replicate's numbers never depend on which
// thread ran it), and each replicate runs step-major over tiles of `block` coordinates.
// Norms are summed in 8 lanes by coordinate index (lane = i mod 8, combined in a fixed tree),
// so neither the tile size nor the thread count changes a single bit of the result.
#include <chrono>
#include <cstring>
#include <cmath>
#include <limits>

#include "cpu_engine.hpp"
#include "signrate/error.hpp"
#include "lane_sums.hpp"
#include "replicate_pool.hpp"

namespace signrate {

namespace {

using cpu::kLanes;
using cpu::Lanes;
using cpu::Norms;

Norms gradient_norms(const Problem& p, const std::vector<double>& x, std::vector<double>& g) {
  p.gradient(x.data(), g.data());
  return cpu::lane_norms(g);
}

// Eight lanes of doubles as one value (GCC/Clang vector extension): lane-wise + and * are the
// same IEEE operations as on eight scalars, so the sums keep their bits.
typedef double Lane8 __attribute__((vector_size(kLanes * sizeof(double))));
typedef std::uint64_t Lane8Bits __attribute__((vector_size(kLanes * sizeof(double))));

// Adds |g_j| and g_j^2 of a tile to the lanes (lane = j mod 8; the tile starts at a multiple of 8).
void accumulate_norms(const double* g, std::size_t n, Lanes& l1, Lanes& l2) {
  Lane8 a1, a2, v;
  std::memcpy(&a1, l1.v, sizeof a1);
  std::memcpy(&a2, l2.v, sizeof a2);
  const Lane8Bits abs_mask = ~(Lane8Bits{} + (std::uint64_t{1} << 63));
  std::size_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    std::memcpy(&v, g + j, sizeof v);
    a1 += reinterpret_cast<Lane8>(reinterpret_cast<Lane8Bits>(v) & abs_mask);
    a2 += v * v;
  }
  std::memcpy(l1.v, &a1, sizeof a1);
  std::memcpy(l2.v, &a2, sizeof a2);
  for (; j < n; ++j) {
    l1.v[j % kLanes] += std::fabs(g[j]);
    l2.v[j % kLanes] += g[j] * g[j];
  }
}

// The hot path of the theory families: a separable problem and a one-phase method without
// extrapolation. Method and problem kinds are template parameters and nothing aliases, so the
// update loop has no branch and vectorizes; the norms follow in their own loop. It does exactly
// the operations of the general loop below, in the same order: the same bits.
template <MethodKind K, SeparableKind P>
void fast_tile(const MethodCoeffs c, const double* __restrict coef, const double* __restrict noise,
               std::size_t n, double* __restrict x, double* __restrict m, double* __restrict s,
               double* __restrict grad, Lanes& l1, Lanes& l2) {
  // (64-bit indices: with 32-bit ones the compiler cannot prove the addresses do not wrap.)
  for (std::size_t j = 0; j < n; ++j) {
    grad[j] = separable_grad_k<P>(coef[j], x[j]);
    method_step_k<K>(c, grad[j] + noise[j], x[j], m[j], s[j]);
  }
  accumulate_norms(grad, n, l1, l2);
}

template <MethodKind K>
void run_replicate_k(const Experiment& e, std::uint32_t block, std::uint32_t r, RunResult& out) {
  const Problem& problem = e.problem;
  const Method& method = e.method;
  const std::uint32_t d = problem.dim(), T = e.spec.T;
  const bool separable = problem.separable, extrapolate = method.extrapolate;
  constexpr bool two_phase = K == MethodKind::kEfSignSgd;
  const bool fast = separable && !extrapolate && !two_phase;
  const SeparableView sv = problem.separable_view();
  const OracleView ov = e.oracle.view();
  const RngKey key = derive_key(e.spec.seed, r, 0, Stream::kOracleNoise);
  const double f_star = problem.constants.has_f_star ? problem.constants.f_star : std::nan("");

  std::vector<double> x(problem.x0), m(d, 0.0), s(d, 0.0), noise(block), grad(block);
  if (extrapolate) s = x;  // x_0 := x_1, so the first query point is x_1
  std::vector<double> g_true(separable ? 0 : d), g_query(separable || !extrapolate ? 0 : d), y;
  if (!separable && extrapolate) y.resize(d);

  RunResult::Trace& trace = out.traces[r];
  std::size_t next_checkpoint = 0;
  double sum_l1 = 0.0, sum_l2 = 0.0;
  for (std::uint32_t t = 1; t <= T; ++t) {
    const MethodCoeffs c = method.coeffs_at(t);
    const bool record = t == e.checkpoints[next_checkpoint];
    double gap = std::nan("");
    if (!separable) {
      problem.gradient(x.data(), g_true.data());
      if (record) gap = problem.value(x.data()) - f_star;
      if (extrapolate) {
        for (std::uint32_t i = 0; i < d; ++i) y[i] = extrapolated_point(c.beta, x[i], s[i]);
        problem.gradient(y.data(), g_query.data());
      }
    }
    Lanes l1, l2, fval, ef_l1;
    for (std::uint32_t i0 = 0; i0 < d; i0 += block) {
      const std::uint32_t n = std::min(block, d - i0);
      oracle_noise_tile(ov, key, t, i0, n, noise.data());
      if (fast) {
        if (record)  // f(x_t) before the tile's update, in the same lanes as the general loop
          for (std::uint32_t j = 0; j < n; ++j) fval.v[j % kLanes] += separable_value(sv, x[i0 + j], i0 + j);
        if (sv.kind == SeparableKind::kQuadratic)
          fast_tile<K, SeparableKind::kQuadratic>(c, sv.coef + i0, noise.data(), n, &x[i0], &m[i0], &s[i0], grad.data(), l1, l2);
        else
          fast_tile<K, SeparableKind::kGemanMcClure>(c, sv.coef + i0, noise.data(), n, &x[i0], &m[i0], &s[i0], grad.data(), l1, l2);
        continue;
      }
      for (std::uint32_t j = 0; j < n; ++j) {
        const std::uint32_t i = i0 + j, lane = j % kLanes;
        const double gt = separable ? separable_grad(sv, x[i], i) : g_true[i];
        l1.v[lane] += std::fabs(gt);
        l2.v[lane] += gt * gt;
        if (record && separable) fval.v[lane] += separable_value(sv, x[i], i);
        double gq = gt;
        if (extrapolate) gq = separable ? separable_grad(sv, extrapolated_point(c.beta, x[i], s[i]), i) : g_query[i];
        const double g = gq + noise[j];
        if constexpr (two_phase) {
          ef_l1.v[lane] += ef_accumulate(c, g, m[i]);
        } else {
          method_step_k<K>(c, g, x[i], m[i], s[i]);
        }
      }
    }
    const double n1 = l1.total(), n2 = std::sqrt(l2.total());
    if (!std::isfinite(n1) || !std::isfinite(n2))
      throw RunError("the run diverged: ||grad f(x_t)|| is not finite at replicate " + std::to_string(r) +
                     ", step t=" + std::to_string(t) + " (lower eta, or check the schedule)");
    sum_l1 += n1;
    sum_l2 += n2;
    if constexpr (two_phase) {
      const double scale = ef_l1.total() / d;
      for (std::uint32_t i = 0; i < d; ++i) ef_apply(scale, x[i], m[i]);
    }
    if (record) {
      if (separable) gap = fval.total() - f_star;
      trace.M1.push_back(sum_l1 / t);
      trace.M2.push_back(sum_l2 / t);
      trace.grad_l1.push_back(n1);
      trace.grad_l2.push_back(n2);
      trace.gap.push_back(gap);
      ++next_checkpoint;
    }
  }
  std::vector<double> g(d);
  const Norms final_norms = gradient_norms(problem, x, g);
  if (!std::isfinite(final_norms.l1))
    throw RunError("the run diverged: the final iterate of replicate " + std::to_string(r) + " is not finite");
  out.M1[r] = sum_l1 / T;
  out.M2[r] = sum_l2 / T;
  out.final_grad_l1[r] = final_norms.l1;
  out.final_grad_l2[r] = final_norms.l2;
  out.final_gap[r] = problem.value(x.data()) - f_star;
  out.final_x_mean[r] = cpu::lane_mean(x);
}

void run_replicate(const Experiment& e, std::uint32_t block, std::uint32_t r, RunResult& out) {
  with_method_kind(e.method.kind, [&](auto kind) { run_replicate_k<decltype(kind)::value>(e, block, r, out); });
}

}  // namespace

RunResult cpu::run_cpu(const Experiment& e, const EngineOptions& options) {
  if (options.block == 0 || options.block % kLanes != 0)
    throw SpecError("block=" + std::to_string(options.block) + " is not allowed; allowed: a positive multiple of 8");
  if (e.distributed) return run_distributed(e, options);
  const auto start = std::chrono::steady_clock::now();
  const std::uint32_t R = e.spec.replicates;
  RunResult out;
  out.allocate(R);
  cpu::for_each_replicate(R, options.threads, [&](std::uint32_t r) { run_replicate(e, options.block, r, out); });
  out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace signrate
