#pragma once
// The one step loop of the host engines: for t = 1 .. T, the step measures x_t (the norms of
// grad f(x_t), and f(x_t) - f* at a checkpoint) and advances x_t to x_{t+1}; the recorder keeps
// the metrics. Divergence stops the loop after the step, through the recorder's flag.
#include <algorithm>
#include <cstdint>

#include "signrate/progress.hpp"
#include "signrate/recorder.hpp"

namespace signrate::cpu {

// step(t, checkpoint) -> StepNorms at x_t. Returns 0, or the step at which the run diverged.
// Each step is `coordinates` coordinate-steps (d, or d x nodes) for `progress` (may be null),
// told in strides of about 2^22 of them, so the count costs one atomic add per stride, and in full
// when the loop ends.
template <class Step>
std::uint32_t step_loop(std::uint32_t T, Recorder& recorder, Progress* progress, std::uint64_t coordinates,
                        Step&& step) {
  constexpr std::uint64_t kStride = std::uint64_t{1} << 22;
  const std::uint32_t stride =
      progress ? static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
                     kStride / std::max<std::uint64_t>(coordinates, 1), 1, std::max(T, 1u)))
               : T;
  std::uint32_t told = 0;  // steps already told to progress
  for (std::uint32_t t = 1; t <= T; ++t) {
    if (!recorder.record(t, step(t, recorder.is_checkpoint(t)))) return t;
    if (progress && t - told == stride) {
      progress->add_steps(stride * coordinates);
      told = t;
    }
  }
  if (progress && told < T) progress->add_steps((T - told) * coordinates);
  return 0;
}

}  // namespace signrate::cpu
