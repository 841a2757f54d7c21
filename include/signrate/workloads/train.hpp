#pragma once
// `signrate train` (docs/training.md): a network trained by one of the optimizers on one data
// set, measured as the paper's Section 5.1 measures it. This header is free of LibTorch, so the
// command line compiles without its headers.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace signrate::workloads {

struct TrainOptions {
  std::string model = "resnet18", data = "synthetic", optimizer = "smm", device = "cpu";
  std::int64_t epochs = 1;      // passes over the training set
  std::int64_t batch = 128;     // images per step
  std::int64_t steps = 0;       // > 0: stop after this many steps (before the epochs end)
  std::int64_t eval_every = 0;  // steps per logged interval; 0: one per epoch
  std::uint64_t seed = 1;       // initialisation and batch order (the data's own seed is separate)
  // n workers with a distributed optimizer (signsgd-mv, mvsm-v2, ...; docs/training.md "Workers"):
  // each has its own part of the training set (split), its own batches of `batch` images and its
  // own momentum and BatchNorm statistics; the server turns their messages into one update, as the
  // simulator does. The first `byzantine` workers send the negation of their message.
  std::int64_t workers = 1;
  std::string split = "iid";
  std::int64_t byzantine = 0;
  // With device cuda (or auto finding CUDA): CUDA device device_rank mod the number of devices
  // (signrate-mpi train: the rank, so rank r trains on GPU r mod the GPUs).
  std::int64_t device_rank = 0;
  std::int64_t threads = 0;  // CPU threads of LibTorch; 0: its default
  std::string log_path;      // JSON lines, one per interval, appended as they are measured
  // A fresh run (not --resume) starts log_path empty; the later runs of --seeds and --vary append.
  bool fresh_log = true;
  nlohmann::json log_tag = nlohmann::json::object();  // merged into every log line (a grid point)
  // Checkpoints (docs/training.md): the model, the optimizer, the loader's position, the CPU
  // generator and the measurements so far, written atomically (write_file_atomic) every
  // checkpoint_every steps (0: at every logged interval). A run resumed from one continues as the
  // uninterrupted run would: on a CPU it ends with the same numbers, bit for bit.
  std::string checkpoint_path;
  std::int64_t checkpoint_every = 0;
  // Continue the run checkpointed here. A missing or unreadable file, or one of a run with another
  // model, data, optimizer, batch, seed, eval-every or device, is a SpecError naming the file and
  // what differs (checked before anything is written). The log is rewritten to the checkpoint's
  // intervals, then appended as usual.
  std::string resume_path;
};

class Workers;        // worker_group.hpp
struct WorkersSetup;  // worker_group.hpp

struct TrainCallbacks {
  std::function<void(std::int64_t step, std::int64_t total)> progress;  // after every step
  // Runs with a distributed optimizer: called once every option is checked and the data, parts and
  // network are ready, before the first step (signrate-mpi: the ranks agree to start).
  std::function<void()> ready;
  // Their workers: by default all of them in this process (WorkerGroup); signrate-mpi gives each
  // rank its own worker (src/mpi/train_rank.cpp).
  std::function<std::unique_ptr<Workers>(WorkersSetup&)> make_workers;
};

// Checks every option first (a SpecError names the bad value; nothing is written then), then
// trains and returns the run's JSON: spec, version, final, log. A loss that is not finite is a
// RunError naming the step (the log lines written so far stay).
nlohmann::json train(const TrainOptions& options, const TrainCallbacks& callbacks = {});

// The file format of checkpoints (checked_file.hpp's header around LibTorch's archive).
constexpr const char* kCheckpointFormat = "signrate-train-checkpoint/2";
// The run state a checkpoint records (the JSON in its archive's "signrate" entry), checked against
// a run of `total` steps, `per_epoch` steps an epoch and a logged interval every `every` steps: the
// kind and range of every field, and step, loader position, log and open interval agreeing with
// each other. SpecError "--resume 'path': ..." naming the first field that does not.
void check_checkpoint_state(const std::string& path, const nlohmann::json& meta, std::int64_t total,
                            std::int64_t per_epoch, std::int64_t every);

// Independent runs for seeds first..last (their own log lines carry "seed"): per-seed results
// under "runs", and "final" with each value's mean and standard deviation over the seeds.
nlohmann::json train_seeds(const TrainOptions& options, std::uint64_t first, std::uint64_t last,
                           const TrainCallbacks& callbacks = {});

// One varied optimizer parameter of a grid search (--vary optimizer.lr=1e-3,1e-2): its key and values.
struct GridAxis {
  std::string key;  // "lr"
  std::vector<double> values;
};

// Grid search, as the paper chooses learning rate and momentum: a run (with `seeds`, one per seed
// first..last) for every combination of the axes' values (the last axis fastest), each with
// options.optimizer and those keys set. Every point's optimizer is checked before the first runs
// (SpecError). "points" holds each point's varied values, resolved optimizer and results (a
// diverged point its message instead); "best" names the point with the lowest final training loss
// (mean over the seeds) and "final" is its final. RunError when every point diverged.
nlohmann::json train_grid(const TrainOptions& options, const std::vector<GridAxis>& axes, bool seeds,
                          std::uint64_t first, std::uint64_t last, const TrainCallbacks& callbacks = {});

}  // namespace signrate::workloads
