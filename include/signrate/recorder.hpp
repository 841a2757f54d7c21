#pragma once
// The one metrics recorder of every engine (single node, n nodes in process, MPI ranks, and the
// GPU kernels): per step it takes ||grad f(x_t)||_1 and ||grad f(x_t)||_2 (and f(x_t) - f* at a
// checkpoint), keeps the running sums behind M1 and M2 (docs/theory.md: M1 = (1/T) sum_t ||grad f(x_t)||_1),
// and writes the checkpoint rows into storage sized once before the run. Divergence is a flag
// (the first t whose norms are not finite), checked by the caller after the step: nothing here
// throws, so the hot loop never does.
#include <cstdint>

#include "signrate/hd.hpp"
#include "signrate/hd_math.hpp"

namespace signrate {

// One replicate's checkpoint rows: entry k belongs to checkpoint t_k.
struct TraceView {
  double *M1 = nullptr, *M2 = nullptr, *grad_l1 = nullptr, *grad_l2 = nullptr, *gap = nullptr;
};

// What a step measured at x_t (before its update).
struct StepNorms {
  double l1 = 0.0;   // ||grad f(x_t)||_1
  double l2 = 0.0;   // ||grad f(x_t)||_2
  double gap = 0.0;  // f(x_t) - f*, read at checkpoints only (NaN without a declared f*)
};

struct Recorder {
  const std::uint32_t* checkpoints = nullptr;  // increasing, last = T
  std::uint32_t count = 0;                     // number of checkpoints
  TraceView trace;
  std::uint32_t next = 0;  // index of the next checkpoint
  double sum_l1 = 0.0, sum_l2 = 0.0;
  std::uint32_t diverged_at = 0;  // 0: finite so far; else the first step t with a non-finite norm

  // True when step t is a checkpoint (the step then also computes f(x_t) - f*).
  SIGNRATE_INLINE bool is_checkpoint(std::uint32_t t) const { return next < count && checkpoints[next] == t; }

  // Records step t; false (and diverged_at = t) when a norm is not finite.
  SIGNRATE_INLINE bool record(std::uint32_t t, const StepNorms& n) {
    if (!(hdm::is_finite(n.l1) && hdm::is_finite(n.l2))) {
      diverged_at = t;
      return false;
    }
    sum_l1 += n.l1;
    sum_l2 += n.l2;
    if (is_checkpoint(t)) {
      const double tt = static_cast<double>(t);  // M1(t) = (1/t) sum_{s <= t} ||grad f(x_s)||_1
      trace.M1[next] = sum_l1 / tt;
      trace.M2[next] = sum_l2 / tt;
      trace.grad_l1[next] = n.l1;
      trace.grad_l2[next] = n.l2;
      trace.gap[next] = n.gap;
      ++next;
    }
    return true;
  }

  SIGNRATE_INLINE double M1(std::uint32_t T) const { return sum_l1 / static_cast<double>(T); }
  SIGNRATE_INLINE double M2(std::uint32_t T) const { return sum_l2 / static_cast<double>(T); }
};

}  // namespace signrate
