#pragma once
// `signrate train` (docs/training.md): a network trained by one of the optimizers on one data
// set, measured as the paper's Section 5.1 measures it. This header is free of LibTorch, so the
// command line compiles without its headers.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace signrate::workloads {

struct TrainOptions {
  std::string model = "resnet18", data = "synthetic", optimizer = "smm", device = "cpu";
  std::int64_t epochs = 1;      // passes over the training set
  std::int64_t batch = 128;     // images per step
  std::int64_t steps = 0;       // > 0: stop after this many steps (before the epochs end)
  std::int64_t eval_every = 0;  // steps per logged interval; 0: one per epoch
  std::uint64_t seed = 1;       // initialisation and batch order (the data's own seed is separate)
  std::int64_t threads = 0;     // CPU threads of LibTorch; 0: its default
  std::string log_path;         // JSON lines, one per interval, appended as they are measured
};

struct TrainCallbacks {
  std::function<void(std::int64_t step, std::int64_t total)> progress;  // after every step
};

// Checks every option first (a SpecError names the bad value; nothing is written then), then
// trains and returns the run's JSON: spec, version, final, log. A loss that is not finite is a
// RunError naming the step (the log lines written so far stay).
nlohmann::json train(const TrainOptions& options, const TrainCallbacks& callbacks = {});

// Independent runs for seeds first..last (their own log lines carry "seed"): per-seed results
// under "runs", and "final" with each value's mean and standard deviation over the seeds.
nlohmann::json train_seeds(const TrainOptions& options, std::uint64_t first, std::uint64_t last,
                           const TrainCallbacks& callbacks = {});

}  // namespace signrate::workloads
