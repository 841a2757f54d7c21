#pragma once
// A run's per-replicate results, as every engine fills them (RunResult::allocate first).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace signrate {

// Per-replicate results; index [r] or [r][k] for checkpoint k.
struct RunResult {
  std::vector<double> M1, M2;                                   // (1/T) sum_t ||grad f(x_t)||_1 (resp. _2)
  std::vector<double> final_grad_l1, final_grad_l2, final_gap;  // at x_{T+1}
  std::vector<double> final_x_mean;  // (1/d) sum_i x_{T+1,i}: where the run settled
  struct Trace {
    std::vector<double> M1, M2, grad_l1, grad_l2,
        gap;  // at each checkpoint t: M1(t), ||grad f(x_t)||, f(x_t)-f*
  };
  std::vector<Trace> traces;
  // Distributed runs, per replicate: coordinate-steps clipped to [-R, R] (clip=1 only), signs of 0
  // sent up (sign(0) = 0; one bit cannot carry it, the MPI transport sends them as exceptions), and
  // ties sent down as 0.
  std::vector<std::uint64_t> clipped, zeros_up, ties_down;
  double elapsed_seconds = 0.0;
  std::string backend;   // the backend that ran (backend_name), the JSON's engine.backend
  unsigned threads = 0;  // the CPU threads that ran the replicates (engine.threads); 0 elsewhere
  std::string device_name, compute_capability;  // the GPU that ran it (cuda only)
  // Sizes every per-replicate vector for `replicates` and every trace for `checkpoints` entries
  // (zeros), once before a run; every engine starts from this.
  void allocate(std::uint32_t replicates, std::size_t checkpoints);
};

// Mean and standard error (sample standard deviation / sqrt(n); NaN for n < 2).
struct MeanStderr {
  double mean = 0.0, stderr_ = 0.0;
};
MeanStderr mean_stderr(const std::vector<double>& values);

}  // namespace signrate
