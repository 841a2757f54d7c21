// The CPU engine: threads take whole replicates (a replicate's numbers never depend on which
// thread ran it), and each replicate runs step-major over tiles of `block` coordinates with the
// per-tile functions of single_tile.hpp. Every sum over coordinates is in the canonical order
// (canonical_sum.hpp), so neither the tile size nor the thread count changes a bit of the result.
#include <chrono>
#include <cmath>
#include <type_traits>

#include "cpu_engine.hpp"
#include "signrate/canonical_sum.hpp"
#include "signrate/error.hpp"
#include "signrate/replicate_metrics.hpp"
#include "signrate/replicate_pool.hpp"
#include "signrate/single_tile.hpp"
#include "step_loop.hpp"

namespace signrate {

namespace {

// One replicate's state (x and the method's two slots, R x d in all replicates) and scratch.
struct SingleState {
  std::vector<double> x, m, s;
  std::vector<double> noise, grad, ef_terms;            // one tile
  std::vector<double> l1_chunks, l2_chunks, ef_chunks;  // one slot per kSumChunk coordinates
  std::vector<double> g_true, g_query, y, scratch;      // dense problems and extrapolation
};

// The fast path's tile as its own (not inlined) function: its restrict pointers are what let the
// compiler vectorize the update and the chunk sums.
template <MethodKind K, SeparableKind P>
__attribute__((noinline)) void fast_tile(const MethodCoeffs c, const double* __restrict coef,
                                         const double* __restrict noise, std::uint32_t n,
                                         double* __restrict x, double* __restrict m, double* __restrict s,
                                         double* __restrict grad, double* __restrict l1,
                                         double* __restrict l2) {
  separable_step_tile<K, P>(c, coef, noise, n, x, m, s, grad);
  norm_chunk_sums(grad, n, l1, l2);
}

// The extrapolated signSGD-SIM on the fast path: the gradient for the update at the query point
// y = x_t + ((1-beta)/beta)(x_t - x_{t-1}) (s keeps x_{t-1}), the norms' gradient at x_t.
template <MethodKind K, SeparableKind P>
__attribute__((noinline)) void fast_extrapolated_tile(const MethodCoeffs c, const double* __restrict coef,
                                                      const double* __restrict noise, std::uint32_t n,
                                                      double* __restrict x, double* __restrict m,
                                                      double* __restrict s, double* __restrict grad,
                                                      double* __restrict l1, double* __restrict l2) {
  for (std::uint64_t j = 0; j < n; ++j) {
    grad[j] = separable_grad_k<P>(coef[j], x[j]);
    const double gq = separable_grad_k<P>(coef[j], extrapolated_point(c.beta, x[j], s[j]));
    method_step_k<K>(c, gq + noise[j], x[j], m[j], s[j]);
  }
  norm_chunk_sums(grad, n, l1, l2);
}

// Error feedback's first phase on the fast path: p = eta g + e per coordinate (ef_accumulate, the
// same operations as the general loop) and the tile's chunk sums of |p|, with the norms.
template <SeparableKind P>
__attribute__((noinline)) void fast_ef_tile(const MethodCoeffs c, const double* __restrict coef,
                                            const double* __restrict noise, std::uint32_t n,
                                            const double* __restrict x, double* __restrict e,
                                            double* __restrict grad, double* __restrict p_abs,
                                            double* __restrict l1, double* __restrict l2,
                                            double* __restrict ef_chunks) {
  for (std::uint64_t j = 0; j < n; ++j) {
    grad[j] = separable_grad_k<P>(coef[j], x[j]);
    p_abs[j] = ef_accumulate(c, grad[j] + noise[j], e[j]);
  }
  abs_chunk_sums(p_abs, n, ef_chunks);  // |p_j| again: fabs changes no bit of it
  norm_chunk_sums(grad, n, l1, l2);
}

template <MethodKind K>
std::uint32_t run_replicate_k(const Experiment& e, std::uint32_t block, Progress* progress, std::uint32_t r,
                              Recorder& rec, SingleState& st) {
  const Problem& problem = e.problem;
  const std::uint32_t d = problem.dim();
  const bool separable = problem.separable, extrapolate = e.method.extrapolate;
  constexpr bool two_phase = signrate::two_phase(recipe_of(K));
  // Separable problems take the vectorized tiles (error feedback never extrapolates).
  const bool fast = separable && !(two_phase && extrapolate);
  const SeparableView sv = problem.separable_view();
  const OracleView ov = e.oracle.view();
  const RngKey key = derive_key(e.spec.seed, r, 0, Stream::kOracleNoise);
  const std::uint64_t chunks = sum_chunks(d);

  st.x = problem.x0;
  st.m.assign(d, 0.0);
  st.s.assign(d, 0.0);
  if (extrapolate) st.s = st.x;  // x_0 := x_1, so the first query point is x_1
  st.noise.resize(block);
  st.grad.resize(block);
  st.ef_terms.resize(two_phase ? block : 0);
  st.l1_chunks.resize(chunks);
  st.l2_chunks.resize(chunks);
  st.ef_chunks.resize(two_phase ? chunks : 0);
  st.g_true.resize(separable ? 0 : d);
  st.g_query.resize(!separable && extrapolate ? d : 0);
  st.y.resize(!separable && extrapolate ? d : 0);
  double *x = st.x.data(), *m = st.m.data(), *s = st.s.data();

  return cpu::step_loop(e.spec.T, rec, progress, d, [&](std::uint32_t t, bool checkpoint) {
    const MethodCoeffs c = e.method.coeffs_at(t);  // a table lookup (Method::tabulate)
    StepNorms norms;
    if (checkpoint) norms.gap = problem.gap(x);
    if (!separable) {
      problem.gradient(x, st.g_true.data());
      if (extrapolate) {
        for (std::uint32_t i = 0; i < d; ++i) st.y[i] = extrapolated_point(c.beta, x[i], s[i]);
        problem.gradient(st.y.data(), st.g_query.data());
      }
    }
    for (std::uint32_t i0 = 0; i0 < d; i0 += block) {
      const std::uint32_t n = std::min(block, d - i0), chunk0 = i0 / kSumChunk;
      double* grad = st.grad.data();
      oracle_noise_tile(ov, key, t, i0, n, st.noise.data());
      double *l1 = st.l1_chunks.data() + chunk0, *l2 = st.l2_chunks.data() + chunk0;
      if (fast) {
        // One switch (exhaustive, -Werror=switch) picks the problem kind; the method picks the tile.
        const auto tile = [&](auto kind) {
          constexpr SeparableKind P = decltype(kind)::value;
          const double* coef = sv.coef + i0;
          if constexpr (two_phase)
            fast_ef_tile<P>(c, coef, st.noise.data(), n, x + i0, m + i0, grad, st.ef_terms.data(), l1, l2,
                            st.ef_chunks.data() + chunk0);
          else if (extrapolate)
            fast_extrapolated_tile<K, P>(c, coef, st.noise.data(), n, x + i0, m + i0, s + i0, grad, l1, l2);
          else
            fast_tile<K, P>(c, coef, st.noise.data(), n, x + i0, m + i0, s + i0, grad, l1, l2);
        };
        switch (sv.kind) {
          case SeparableKind::kQuadratic:
            tile(std::integral_constant<SeparableKind, SeparableKind::kQuadratic>{});
            break;
          case SeparableKind::kGemanMcClure:
            tile(std::integral_constant<SeparableKind, SeparableKind::kGemanMcClure>{});
            break;
        }
        continue;
      }
      {
        for (std::uint32_t j = 0; j < n; ++j) {
          const std::uint32_t i = i0 + j;
          grad[j] = separable ? separable_grad(sv, x[i], i) : st.g_true[i];
          double gq = grad[j];
          if (extrapolate)
            gq = separable ? separable_grad(sv, extrapolated_point(c.beta, x[i], s[i]), i) : st.g_query[i];
          const double g = gq + st.noise[j];
          if constexpr (two_phase) {
            st.ef_terms[j] = ef_accumulate(c, g, m[i]);
          } else {
            method_step_k<K>(c, g, x[i], m[i], s[i]);
          }
        }
        if constexpr (two_phase)
          tile_chunk_sums(
              n, [&](std::uint32_t j) { return st.ef_terms[j]; }, st.ef_chunks.data() + chunk0);
      }
      norm_chunk_sums(grad, n, l1, l2);
    }
    norms.l1 = fold_sum(st.l1_chunks.data(), chunks);
    norms.l2 = std::sqrt(fold_sum(st.l2_chunks.data(), chunks));
    if constexpr (two_phase) {  // EF's scale ||p||_1 / d, in the canonical order too
      const double scale = fold_sum(st.ef_chunks.data(), chunks) / d;
      for (std::uint32_t i = 0; i < d; ++i) ef_apply(scale, x[i], m[i]);
    }
    return norms;
  });
}

}  // namespace

RunResult cpu::run_cpu(const Experiment& e, const EngineOptions& options) {
  if (options.block == 0 || options.block % kSumChunk != 0)
    throw SpecError("block=" + std::to_string(options.block) +
                    " is not allowed; allowed: a positive multiple of " + std::to_string(kSumChunk));
  if (e.distributed) return run_distributed(e, options);
  const auto start = std::chrono::steady_clock::now();
  const std::uint32_t R = e.spec.replicates, T = e.spec.T;
  RunResult out;
  out.allocate(R, e.checkpoints.size());
  std::vector<std::uint32_t> diverged(R, 0);
  out.threads = cpu::for_each_replicate(R, options.threads, [&](std::uint32_t r) {
    SingleState st;
    Recorder rec = make_recorder(e, r, out);
    with_kind(e.method.kind, [&](auto kind) {
      diverged[r] = run_replicate_k<decltype(kind)::value>(e, options.block, options.progress, r, rec, st);
    });
    if (diverged[r] == 0 && !finish_replicate(e, rec, st.x, r, out)) diverged[r] = T + 1;
  });
  throw_if_diverged(diverged, T);
  out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace signrate
