// Host-side measurement of a replicate's points (replicate_metrics.hpp).
#include "signrate/replicate_metrics.hpp"

#include <cmath>
#include <limits>

#include "signrate/canonical_sum.hpp"
#include "signrate/error.hpp"

namespace signrate {

StepNorms canonical_norms(const double* g, std::uint64_t d, std::vector<double>& chunks) {
  chunks.resize(sum_chunks(d));
  StepNorms n;
  n.l1 = canonical_sum(
      d, [&](std::uint64_t i) { return std::fabs(g[i]); }, chunks.data());
  n.l2 = std::sqrt(canonical_sum(
      d, [&](std::uint64_t i) { return g[i] * g[i]; }, chunks.data()));
  return n;
}

double canonical_mean(const std::vector<double>& x) {
  std::vector<double> chunks(sum_chunks(x.size()));
  return canonical_sum(
             x.size(), [&](std::uint64_t i) { return x[i]; }, chunks.data()) /
         static_cast<double>(x.size());
}

Recorder make_recorder(const Experiment& e, std::uint32_t r, RunResult& out) {
  RunResult::Trace& tr = out.traces.at(r);
  Recorder rec;
  rec.checkpoints = e.checkpoints.data();
  rec.count = static_cast<std::uint32_t>(e.checkpoints.size());
  rec.trace = TraceView{tr.M1.data(), tr.M2.data(), tr.grad_l1.data(), tr.grad_l2.data(), tr.gap.data()};
  return rec;
}

StepNorms measure_point(const Problem& problem, const double* x, bool checkpoint, std::vector<double>& g,
                        std::vector<double>& chunks) {
  g.resize(problem.dim());
  problem.gradient(x, g.data());
  StepNorms n = canonical_norms(g.data(), g.size(), chunks);
  if (checkpoint) n.gap = problem.gap(x);
  return n;
}

bool finish_replicate(const Experiment& e, const Recorder& rec, const std::vector<double>& x, std::uint32_t r,
                      RunResult& out) {
  std::vector<double> g, chunks;
  const StepNorms n = measure_point(e.problem, x.data(), true, g, chunks);
  if (!std::isfinite(n.l1)) return false;
  out.M1[r] = rec.M1(e.spec.T);
  out.M2[r] = rec.M2(e.spec.T);
  out.final_grad_l1[r] = n.l1;
  out.final_grad_l2[r] = n.l2;
  out.final_gap[r] = n.gap;
  out.final_x_mean[r] = canonical_mean(x);
  return true;
}

void throw_diverged(std::uint32_t r, std::uint32_t t, std::uint32_t T) {
  if (t > T)
    throw RunError("the run diverged: the final iterate of replicate " + std::to_string(r) +
                   " is not finite");
  throw RunError("the run diverged: ||grad f(x_t)|| is not finite at replicate " + std::to_string(r) +
                 ", step t=" + std::to_string(t) + " (lower eta, or check the schedule)");
}

void throw_if_diverged(const std::vector<std::uint32_t>& diverged_at, std::uint32_t T) {
  for (std::size_t r = 0; r < diverged_at.size(); ++r)
    if (diverged_at[r] != 0) throw_diverged(static_cast<std::uint32_t>(r), diverged_at[r], T);
}

}  // namespace signrate
