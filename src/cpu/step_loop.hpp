#pragma once
// The one step loop of the host engines: for t = 1 .. T, the step measures x_t (the norms of
// grad f(x_t), and f(x_t) - f* at a checkpoint) and advances x_t to x_{t+1}; the recorder keeps
// the metrics. Divergence stops the loop after the step, through the recorder's flag.
#include <cstdint>

#include "signrate/recorder.hpp"

namespace signrate::cpu {

// step(t, checkpoint) -> StepNorms at x_t. Returns 0, or the step at which the run diverged.
template <class Step>
std::uint32_t step_loop(std::uint32_t T, Recorder& recorder, Step&& step) {
  for (std::uint32_t t = 1; t <= T; ++t)
    if (!recorder.record(t, step(t, recorder.is_checkpoint(t)))) return t;
  return 0;
}

}  // namespace signrate::cpu
