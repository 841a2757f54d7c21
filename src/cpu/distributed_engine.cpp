// n nodes in one process (docs/components.md's "Distributed methods": nodes are one more batch dimension and
// the vote is a reduction over it). Each replicate runs step-major over tiles of `block`
// coordinates; per tile the three parts of distributed_nodes.hpp run in order: node messages (node 0
// first) with their exact integer votes (or float sums in node order), the server's reply, the
// update. The norms of grad f(x_t) are the tile's chunk sums (canonical order), as single-node.
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "cpu_engine.hpp"
#include "signrate/canonical_sum.hpp"
#include "signrate/distributed.hpp"
#include "signrate/distributed_nodes.hpp"
#include "signrate/error.hpp"
#include "signrate/replicate_metrics.hpp"
#include "signrate/replicate_pool.hpp"
#include "signrate/single_tile.hpp"
#include "step_loop.hpp"

namespace signrate {

void node_gradient(const Problem& problem, std::uint32_t node, const double* x, double* g) {
  if (!problem.heterogeneous()) return problem.gradient(x, g);
  const SeparableView v = problem.separable_view();
  const double c = problem.node_centers.at(node);
  for (std::uint32_t i = 0; i < problem.dim(); ++i) g[i] = separable_grad(v, x[i] - c, i);
}

namespace {
// A node's tile as its own (not inlined) function: its restrict pointers let the compiler
// vectorize the state update, the Philox draws of S_R and the messages.
template <DistKind K>
__attribute__((noinline)) NodeTileStatus cpu_node_tile(const DistCoeffs c, RngKey key, std::uint32_t t,
                                                       std::uint32_t i0, std::uint32_t n,
                                                       const double* __restrict g_true,
                                                       const double* __restrict noise, double* __restrict m,
                                                       bool byzantine, std::int8_t* __restrict out,
                                                       double* __restrict encoded) {
  return node_sign_tile<K>(c, key, t, i0, n, g_true, noise, m, byzantine, out, encoded);
}
}  // namespace

NodeWorker::NodeWorker(const Experiment& e, std::uint32_t replicate, std::uint32_t node)
    : e_(e),
      replicate_(replicate),
      node_(node),
      byzantine_(node < e.spec.byzantine),
      noise_key_(derive_key(e.spec.seed, replicate, node, Stream::kOracleNoise)),
      sign_key_(derive_key(e.spec.seed, replicate, node, Stream::kUnbiasedSign)),
      m_(e.problem.dim(), 0.0) {}

void NodeWorker::step_tile(std::uint32_t t, std::uint32_t i0, std::uint32_t n, const double* g_true,
                           std::int8_t* sign_out, float* value_out) {
  const DistCoeffs c = e_.dist.coeffs_at(t);
  if (noise_.size() < n) noise_.resize(n), encoded_.resize(n);
  oracle_noise_tile(e_.oracle.view(), noise_key_, t, i0, n, noise_.data());
  const Recipe recipe = recipe_of(c.kind);
  if (encodes_whole_state(recipe)) return whole_state_message(c, t, i0, n, g_true, value_out);
  if (!sends_signs(recipe)) return node_value_tile(n, g_true, noise_.data(), byzantine_, value_out);
  NodeTileStatus st;
  with_kind(c.kind, [&](auto kind) {
    st = cpu_node_tile<decltype(kind)::value>(c, sign_key_, t, i0, n, g_true, noise_.data(), m_.data() + i0,
                                              byzantine_, sign_out, encoded_.data());
  });
  clipped_ += st.clipped;
  if (st.bad != NodeTileStatus{}.bad)
    throw RunError(e_.dist.name + ": |state| = " + format_real(std::fabs(st.bad_value)) +
                   " exceeds R = " + format_real(c.R) + " at node " + std::to_string(node_) +
                   ", step t=" + std::to_string(t) + ", coordinate i=" + std::to_string(i0 + st.bad) +
                   ", replicate " + std::to_string(replicate_) +
                   " (S_R needs |state| <= R; raise R, or ask for clipping with clip=1)");
}

// An encoder of the whole state (SSDM's normalized sign): the state update, then ||m||_2 in the
// canonical order, then the messages; the tile is all d coordinates (the engines ask for it).
void NodeWorker::whole_state_message(const DistCoeffs& c, std::uint32_t t, std::uint32_t i0, std::uint32_t n,
                                     const double* g_true, float* value_out) {
  const std::uint32_t d = e_.problem.dim();
  if (i0 != 0 || n != d)
    throw std::logic_error(e_.dist.name + ": its messages need the whole state; the tile must be all d");
  double* m = m_.data();
  with_kind(c.kind, [&](auto kind) {  // the kind once, not per coordinate
    for (std::uint32_t i = 0; i < d; ++i)
      node_state_update_k<decltype(kind)::value>(c, g_true[i] + noise_[i], m[i]);
  });
  if (chunks_.empty()) chunks_.resize(sum_chunks(d));
  const double l2_squared = canonical_sum(
      d, [&](std::uint64_t i) { return m[i] * m[i]; }, chunks_.data());
  node_normalized_sign_message(l2_squared, m, d, sign_key_, t, byzantine_, value_out);
}

void NodeWorker::step(std::uint32_t t, const double* g_true, std::int8_t* sign, float* value) {
  step_tile(t, 0, e_.problem.dim(), g_true, sign, value);
}

Server::Server(const Experiment& e, std::uint32_t replicate)
    : e_(e), key_(derive_key(e.spec.seed, replicate, 0, Stream::kServer)) {
  if (recipe_of(e.dist.base.kind).server == ServerRule::kMomentum) buf_.assign(e.problem.dim(), 0.0);
}

void Server::sign_down_tile(std::uint32_t t, std::uint32_t i0, std::uint32_t n, const std::int32_t* votes,
                            std::int8_t* down) {
  ties_ += server_sign_tile(e_.dist.base.kind, votes, e_.spec.nodes, key_, t, i0, n, down);
}

void Server::value_down_tile(std::uint32_t t, std::uint32_t i0, std::uint32_t n, const double* sums,
                             float* down) {
  server_value_tile(e_.dist.coeffs_at(t), e_.spec.nodes, sums, n, buf_.empty() ? nullptr : buf_.data() + i0,
                    down);
}

void Server::sign_down(std::uint32_t t, const std::int32_t* votes, std::int8_t* down) {
  sign_down_tile(t, 0, e_.problem.dim(), votes, down);
}

void Server::value_down(std::uint32_t t, const double* sums, float* down) {
  value_down_tile(t, 0, e_.problem.dim(), sums, down);
}

void apply_down(double eta, const std::int8_t* down, std::uint32_t d, double* x) {
  apply_down_tile(eta, down, d, x);
}
void apply_down(double eta, const float* down, std::uint32_t d, double* x) {
  apply_down_tile(eta, down, d, x);
}

namespace {

// One replicate's tile buffers.
struct Tiles {
  std::vector<double> grad, node_grad, sums;
  std::vector<std::int8_t> sign_msg, sign_down;
  std::vector<float> value_msg, value_down;
  std::vector<std::int32_t> votes;
  explicit Tiles(std::uint32_t block)
      : grad(block),
        node_grad(block),
        sums(block),
        sign_msg(block),
        sign_down(block),
        value_msg(block),
        value_down(block),
        votes(block) {}
};

std::uint32_t run_replicate(const Experiment& e, std::uint32_t block, Progress* progress, std::uint32_t r,
                            Recorder& rec, std::vector<double>& x, RunResult& out) {
  const Problem& problem = e.problem;
  const std::uint32_t d = problem.dim(), n = e.spec.nodes;
  const bool signs = sends_signs(e.dist.base.kind), hetero = problem.heterogeneous();
  if (encodes_whole_state(recipe_of(e.dist.base.kind))) block = d;  // one tile: the messages need all of m
  const bool dense = !hetero && !problem.separable;
  const SeparableView sv = problem.separable_view();
  std::vector<NodeWorker> nodes;
  nodes.reserve(n);
  for (std::uint32_t j = 0; j < n; ++j) nodes.emplace_back(e, r, j);
  Server server(e, r);
  Tiles tl(block);
  std::vector<double> g_full(dense ? d : 0), l1_chunks(sum_chunks(d)), l2_chunks(sum_chunks(d));
  std::uint64_t zeros = 0;
  x = problem.x0;

  const std::uint32_t diverged =
      cpu::step_loop(e.spec.T, rec, progress, std::uint64_t{d} * n, [&](std::uint32_t t, bool checkpoint) {
        StepNorms norms;
        if (checkpoint) norms.gap = problem.gap(x.data());
        if (dense) problem.gradient(x.data(), g_full.data());
        const double eta = e.dist.coeffs_at(t).eta;
        for (std::uint32_t i0 = 0; i0 < d; i0 += block) {
          const std::uint32_t nt = std::min(block, d - i0);
          double* grad = tl.grad.data();  // grad f(x_t) on the tile
          if (dense) {
            std::copy(g_full.begin() + i0, g_full.begin() + i0 + nt, grad);
          } else if (!hetero) {
            for (std::uint32_t j = 0; j < nt; ++j) grad[j] = separable_grad(sv, x[i0 + j], i0 + j);
          } else {
            std::fill(grad, grad + nt, 0.0);
          }
          if (signs)
            std::fill(tl.votes.begin(), tl.votes.begin() + nt, 0);
          else
            std::fill(tl.sums.begin(), tl.sums.begin() + nt, 0.0);
          for (std::uint32_t k = 0; k < n; ++k) {
            const double* g_node = grad;
            if (hetero) {  // grad f_k: the node's shifted copy; f's gradient is their mean, summed in node
                           // order
              const double c = problem.node_centers[k];
              for (std::uint32_t j = 0; j < nt; ++j) {
                tl.node_grad[j] = separable_grad(sv, x[i0 + j] - c, i0 + j);
                grad[j] += tl.node_grad[j];
              }
              g_node = tl.node_grad.data();
            }
            nodes[k].step_tile(t, i0, nt, g_node, tl.sign_msg.data(), tl.value_msg.data());
            if (signs) {
              for (std::uint32_t j = 0; j < nt; ++j)
                tl.votes[j] += tl.sign_msg[j], zeros += tl.sign_msg[j] == 0;
            } else {
              for (std::uint32_t j = 0; j < nt; ++j) tl.sums[j] += static_cast<double>(tl.value_msg[j]);
            }
          }
          if (hetero)
            for (std::uint32_t j = 0; j < nt; ++j) grad[j] /= static_cast<double>(n);
          norm_chunk_sums(grad, nt, l1_chunks.data() + i0 / kSumChunk, l2_chunks.data() + i0 / kSumChunk);
          if (signs) {
            server.sign_down_tile(t, i0, nt, tl.votes.data(), tl.sign_down.data());
            apply_down_tile(eta, tl.sign_down.data(), nt, x.data() + i0);
          } else {
            server.value_down_tile(t, i0, nt, tl.sums.data(), tl.value_down.data());
            apply_down_tile(eta, tl.value_down.data(), nt, x.data() + i0);
          }
        }
        norms.l1 = fold_sum(l1_chunks.data(), l1_chunks.size());
        norms.l2 = std::sqrt(fold_sum(l2_chunks.data(), l2_chunks.size()));
        return norms;
      });
  std::uint64_t clipped = 0;
  for (const auto& w : nodes) clipped += w.clipped();
  out.clipped[r] = clipped;
  out.zeros_up[r] = zeros;
  out.ties_down[r] = server.ties();
  return diverged;
}

}  // namespace

RunResult cpu::run_distributed(const Experiment& e, const EngineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::uint32_t R = e.spec.replicates, T = e.spec.T;
  RunResult out;
  out.allocate(R, e.checkpoints.size());
  std::vector<std::uint32_t> diverged(R, 0);
  out.threads = cpu::for_each_replicate(R, options.threads, [&](std::uint32_t r) {
    Recorder rec = make_recorder(e, r, out);
    std::vector<double> x;
    diverged[r] = run_replicate(e, options.block, options.progress, r, rec, x, out);
    if (diverged[r] == 0 && !finish_replicate(e, rec, x, r, out)) diverged[r] = T + 1;
  });
  throw_if_diverged(diverged, T);
  out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace signrate
