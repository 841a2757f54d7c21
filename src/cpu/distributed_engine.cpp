// n nodes in one process (ARCHITECTURE.md "Distributed": nodes are one more batch dimension and
// the vote is a reduction over it). Each step runs the three parts of distributed.hpp in order:
// node messages (node 0 first), the server's reply from the exact integer votes, the update.
#include <chrono>
#include <cmath>
#include <string>

#include "lane_sums.hpp"
#include "replicate_pool.hpp"
#include "signrate/distributed.hpp"
#include "cpu_engine.hpp"
#include "signrate/error.hpp"

namespace signrate {

void node_gradient(const Problem& problem, std::uint32_t node, const double* x, double* g) {
  if (!problem.heterogeneous()) return problem.gradient(x, g);
  const SeparableView v = problem.separable_view();
  const double c = problem.node_centers.at(node);
  for (std::uint32_t i = 0; i < problem.dim(); ++i) g[i] = separable_grad(v, x[i] - c, i);
}

NodeWorker::NodeWorker(const Experiment& e, std::uint32_t replicate, std::uint32_t node)
    : e_(e),
      replicate_(replicate),
      node_(node),
      byzantine_(node < e.spec.byzantine),
      noise_key_(derive_key(e.spec.seed, replicate, node, Stream::kOracleNoise)),
      sign_key_(derive_key(e.spec.seed, replicate, node, Stream::kUnbiasedSign)),
      m_(e.problem.dim(), 0.0),
      noise_(e.problem.dim()) {}

void NodeWorker::step(std::uint32_t t, const double* g_true, std::int8_t* sign_out, float* value_out) {
  const DistCoeffs c = e_.dist.coeffs_at(t);
  const std::uint32_t d = e_.problem.dim();
  oracle_noise_tile(e_.oracle.view(), noise_key_, t, 0, d, noise_.data());
  const bool signs = sends_signs(c.kind), unbiased = uses_unbiased_sign(c.kind);
  for (std::uint32_t i = 0; i < d; ++i) {
    double s = node_state_update(c, g_true[i] + noise_[i], m_[i]);
    if (!signs) {
      value_out[i] = static_cast<float>(byzantine_ ? -s : s);
      continue;
    }
    double msg;
    if (unbiased) {
      if (!(s >= -c.R && s <= c.R)) {
        if (!c.clip || std::isnan(s))
          throw RunError(e_.dist.name + ": |state| = " + format_real(std::fabs(s)) + " exceeds R = " + format_real(c.R) +
                         " at node " + std::to_string(node_) + ", step t=" + std::to_string(t) + ", coordinate i=" +
                         std::to_string(i) + ", replicate " + std::to_string(replicate_) +
                         " (S_R needs |state| <= R; raise R, or ask for clipping with clip=1)");
        s = s > 0 ? c.R : -c.R;
        ++clipped_;
      }
      msg = node_unbiased_sign(s, c.R, sign_key_, t, i);
    } else {
      msg = sign(s);
    }
    sign_out[i] = static_cast<std::int8_t>(byzantine_ ? -msg : msg);
  }
}

Server::Server(const Experiment& e, std::uint32_t replicate)
    : e_(e), key_(derive_key(e.spec.seed, replicate, 0, Stream::kServer)) {
  if (e.dist.base.kind == DistKind::kSgdmDist) buf_.assign(e.problem.dim(), 0.0);
}

void Server::sign_down(std::uint32_t t, const std::int32_t* votes, std::int8_t* down) {
  const DistKind k = e_.dist.base.kind;
  const std::uint32_t n = e_.spec.nodes, d = e_.problem.dim();
  for (std::uint32_t i = 0; i < d; ++i) {
    down[i] = server_sign(k, votes[i], n, key_, t, i);
    ties_ += down[i] == 0;
  }
}

void Server::value_down(std::uint32_t t, const double* sums, float* down) {
  const DistCoeffs c = e_.dist.coeffs_at(t);
  const double n = e_.spec.nodes;
  const std::uint32_t d = e_.problem.dim();
  for (std::uint32_t i = 0; i < d; ++i) {
    const double mean = sums[i] / n;
    if (c.kind == DistKind::kSgdmDist) {  // PyTorch's convention on the mean: buf_1 = mean_1
      buf_[i] = (t == 1 ? 0.0 : c.mu) * buf_[i] + mean;
      down[i] = static_cast<float>(buf_[i]);
    } else {
      down[i] = static_cast<float>(mean);
    }
  }
}

void apply_down(double eta, const std::int8_t* down, std::uint32_t d, double* x) {
  for (std::uint32_t i = 0; i < d; ++i) x[i] -= eta * static_cast<double>(down[i]);
}

void apply_down(double eta, const float* down, std::uint32_t d, double* x) {
  for (std::uint32_t i = 0; i < d; ++i) x[i] -= eta * static_cast<double>(down[i]);
}

TraceRecorder::TraceRecorder(const Experiment& e, std::uint32_t replicate, RunResult& out)
    : e_(e), replicate_(replicate), out_(out), g_(e.problem.dim()) {}

void TraceRecorder::record(std::uint32_t t, const std::vector<double>& x) {
  e_.problem.gradient(x.data(), g_.data());
  record(t, x, g_);
}

void TraceRecorder::record(std::uint32_t t, const std::vector<double>& x, const std::vector<double>& grad_f) {
  const cpu::Norms n = cpu::lane_norms(grad_f);
  if (!std::isfinite(n.l1) || !std::isfinite(n.l2))
    throw RunError("the run diverged: ||grad f(x_t)|| is not finite at replicate " + std::to_string(replicate_) +
                   ", step t=" + std::to_string(t) + " (lower eta, or check the schedule)");
  sum_l1_ += n.l1;
  sum_l2_ += n.l2;
  if (t != e_.checkpoints[next_checkpoint_]) return;
  RunResult::Trace& tr = out_.traces[replicate_];
  tr.M1.push_back(sum_l1_ / t);
  tr.M2.push_back(sum_l2_ / t);
  tr.grad_l1.push_back(n.l1);
  tr.grad_l2.push_back(n.l2);
  tr.gap.push_back(e_.problem.gap(x.data()));
  ++next_checkpoint_;
}

void TraceRecorder::finish(const std::vector<double>& x) {
  e_.problem.gradient(x.data(), g_.data());
  const cpu::Norms n = cpu::lane_norms(g_);
  if (!std::isfinite(n.l1))
    throw RunError("the run diverged: the final iterate of replicate " + std::to_string(replicate_) + " is not finite");
  const double T = e_.spec.T;
  out_.M1[replicate_] = sum_l1_ / T;
  out_.M2[replicate_] = sum_l2_ / T;
  out_.final_grad_l1[replicate_] = n.l1;
  out_.final_grad_l2[replicate_] = n.l2;
  out_.final_gap[replicate_] = e_.problem.gap(x.data());
  out_.final_x_mean[replicate_] = cpu::lane_mean(x);
}

namespace {

void run_replicate(const Experiment& e, std::uint32_t r, RunResult& out) {
  const std::uint32_t d = e.problem.dim(), n = e.spec.nodes, T = e.spec.T;
  const bool signs = sends_signs(e.dist.base.kind), shared_gradient = !e.problem.heterogeneous();
  std::vector<NodeWorker> nodes;
  nodes.reserve(n);
  for (std::uint32_t j = 0; j < n; ++j) nodes.emplace_back(e, r, j);
  Server server(e, r);
  TraceRecorder recorder(e, r, out);
  std::vector<double> x = e.problem.x0, grad(d), sums(signs ? 0 : d);
  std::vector<std::int8_t> sign_msg(signs ? d : 0), sign_down(signs ? d : 0);
  std::vector<std::int32_t> votes(signs ? d : 0);
  std::vector<float> value_msg(signs ? 0 : d), value_down(signs ? 0 : d);
  std::uint64_t zeros = 0;
  std::vector<double> grad_sum(shared_gradient ? 0 : d);
  for (std::uint32_t t = 1; t <= T; ++t) {
    std::fill(votes.begin(), votes.end(), 0);
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(grad_sum.begin(), grad_sum.end(), 0.0);
    if (shared_gradient) {
      node_gradient(e.problem, 0, x.data(), grad.data());
      recorder.record(t, x, grad);
    }
    for (std::uint32_t j = 0; j < n; ++j) {
      if (!shared_gradient) {
        node_gradient(e.problem, j, x.data(), grad.data());
        // f's gradient as the heterogeneous problem computes it: node terms in node order, then / n.
        for (std::uint32_t i = 0; i < d; ++i) grad_sum[i] += grad[i];
      }
      nodes[j].step(t, grad.data(), sign_msg.data(), value_msg.data());
      if (signs) {
        for (std::uint32_t i = 0; i < d; ++i) votes[i] += sign_msg[i], zeros += sign_msg[i] == 0;
      } else {
        for (std::uint32_t i = 0; i < d; ++i) sums[i] += static_cast<double>(value_msg[i]);
      }
    }
    if (!shared_gradient) {
      for (std::uint32_t i = 0; i < d; ++i) grad_sum[i] /= static_cast<double>(n);
      recorder.record(t, x, grad_sum);  // x_t: the update below has not run yet
    }
    const double eta = e.dist.coeffs_at(t).eta;
    if (signs) {
      server.sign_down(t, votes.data(), sign_down.data());
      apply_down(eta, sign_down.data(), d, x.data());
    } else {
      server.value_down(t, sums.data(), value_down.data());
      apply_down(eta, value_down.data(), d, x.data());
    }
  }
  recorder.finish(x);
  std::uint64_t clipped = 0;
  for (const auto& w : nodes) clipped += w.clipped();
  out.clipped[r] = clipped;
  out.zeros_up[r] = zeros;
  out.ties_down[r] = server.ties();
}

}  // namespace

RunResult cpu::run_distributed(const Experiment& e, const EngineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::uint32_t R = e.spec.replicates;
  RunResult out;
  out.allocate(R);
  cpu::for_each_replicate(R, options.threads, [&](std::uint32_t r) { run_replicate(e, r, out); });
  out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace signrate
