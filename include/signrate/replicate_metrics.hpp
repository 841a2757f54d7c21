#pragma once
// Host-side measurement of one replicate's point, shared by every host engine (single node, n nodes
// in process, MPI ranks): the gradient norms of f at x in the canonical order, f(x) - f* at a
// checkpoint, and the final values at x_{T+1}. Traces and recorders are sized here, once.
#include <cstdint>
#include <string>
#include <vector>

#include "signrate/experiment.hpp"
#include "signrate/recorder.hpp"
#include "signrate/run_result.hpp"

namespace signrate {

// ||g||_1 and ||g||_2 of g[0 .. d) in the canonical order; `chunks` is resized as scratch.
StepNorms canonical_norms(const double* g, std::uint64_t d, std::vector<double>& chunks);
// (1/d) sum_i x_i in the canonical order.
double canonical_mean(const std::vector<double>& x);

// A recorder writing into replicate r's trace of `out` (RunResult::allocate sized it).
Recorder make_recorder(const Experiment& e, std::uint32_t r, RunResult& out);

// The metrics at x_t of a replicate whose engine did not compute grad f(x_t) in its tiles:
// grad f into g, its norms, and f(x_t) - f* when `checkpoint`.
StepNorms measure_point(const Problem& problem, const double* x, bool checkpoint, std::vector<double>& g,
                        std::vector<double>& chunks);

// The end of replicate r: M1, M2 from the recorder, and the values at x_{T+1} (final gradient
// norms, gap, mean of x). Returns false when x_{T+1} is not finite (the run diverged at the end).
bool finish_replicate(const Experiment& e, const Recorder& rec, const std::vector<double>& x, std::uint32_t r,
                      RunResult& out);

// The RunError of replicate r diverging at step t (t = T + 1: the final iterate).
[[noreturn]] void throw_diverged(std::uint32_t r, std::uint32_t t, std::uint32_t T);
// Throws the RunError of the lowest replicate that diverged: diverged_at[r] = the step whose
// gradient was not finite, T + 1 for the final iterate, 0 for none.
void throw_if_diverged(const std::vector<std::uint32_t>& diverged_at, std::uint32_t T);

}  // namespace signrate
