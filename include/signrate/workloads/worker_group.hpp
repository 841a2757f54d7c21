#pragma once
// The n workers of `signrate train --workers n` in one process (docs/training.md "Workers"): one
// network (every worker applies the same update, so all hold the same x_t), and per worker its
// part of the training set, its batch stream, its BatchNorm statistics and, in the VoteStep, its
// momentum. A step runs each worker's forward and backward pass on its own batch, in worker
// order, and hands the gradients to the VoteStep, whose reply is applied to the network.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "signrate/workloads/data.hpp"
#include "signrate/workloads/models.hpp"
#include "signrate/workloads/vote.hpp"

namespace signrate::workloads {

// One step's measurements, summed over the workers' batches (the norms: one per worker, summed).
struct StepMeasure {
  double loss = 0, right = 0, images = 0, grad_l1 = 0, grad_l2 = 0;
  VoteStepStats vote;
  // Adds a worker's batch measures (in worker order, the one summation order of every front end).
  void add_batch(const StepMeasure& m) {
    loss += m.loss, right += m.right, images += m.images;
    grad_l1 += m.grad_l1, grad_l2 += m.grad_l2;
  }
};

// Cross-entropy loss, gradient and measures of one batch (the gradients are left in the model).
// A loss that is not finite is a RunError naming the step (and the worker, when `worker` >= 0).
StepMeasure forward_backward(Network& model, const Batch& batch, torch::Device device, std::int64_t step,
                             std::int64_t worker = -1);

// The workers the trainer steps: all n in one process (WorkerGroup), or one MPI rank's.
class Workers {
 public:
  virtual ~Workers() = default;
  // Step t: every worker's forward and backward pass, the vote, and the update of the network.
  // The measures are summed over all workers (on signrate-mpi: on rank 0).
  virtual StepMeasure step(std::int64_t t) = 0;
  // Worker j's BatchNorm statistics into the network (evaluation uses worker 0's, as rank 0 would).
  virtual void load_statistics(std::uint32_t j) = 0;
  virtual std::uint64_t parameters() const = 0;
  virtual double vote_seconds() const = 0;  // in the vote and moving x and g
  // Called on every worker once after the last step: what the transport measured (signrate-mpi:
  // the "mpi" block of the JSON, on rank 0); empty in one process.
  virtual nlohmann::json report(std::int64_t) { return nlohmann::json::object(); }
};

// What a run's workers are made from.
struct WorkersSetup {
  std::vector<DataSet> parts;  // one per worker (split_train)
  VoteSpec spec;
  std::int64_t batch = 0;
  std::uint64_t seed = 0;
  std::uint32_t byzantine = 0;
  Network* model = nullptr;  // already on `device`
  torch::Device device = torch::kCPU;
};

// Worker j's batch stream seed.
std::uint64_t worker_seed(std::uint64_t seed, std::uint32_t j);

// The network's parameters (get: the tensor itself) or gradients (get: its grad; zero where
// undefined) as one vector of doubles in model.parameters() order, and back.
void gather_parameters(const std::vector<torch::Tensor>& params, bool grads, std::vector<double>& out);
void scatter_parameters(const std::vector<double>& x, const std::vector<torch::Tensor>& params);
std::uint64_t count_parameters(Network& model);

// Per-worker BatchNorm statistics (the network's buffers), swapped in and out of the one network.
class Statistics {
 public:
  Statistics(Network& model, std::uint32_t workers);
  void load(std::uint32_t j);  // worker j's into the network
  void save(std::uint32_t j);  // the network's into worker j's
 private:
  Network& model_;
  std::vector<std::vector<torch::Tensor>> saved_;
};

class WorkerGroup : public Workers {
 public:
  explicit WorkerGroup(WorkersSetup& setup);
  StepMeasure step(std::int64_t t) override;
  void load_statistics(std::uint32_t j) override { statistics_.load(j); }
  std::uint64_t parameters() const override { return x_.size(); }
  double vote_seconds() const override { return vote_seconds_; }
  std::uint32_t workers() const { return static_cast<std::uint32_t>(parts_.size()); }

 private:
  std::vector<DataSet> parts_;
  std::vector<std::unique_ptr<BatchLoader>> loaders_;
  Network& model_;
  torch::Device device_;
  Statistics statistics_;
  VoteStep vote_;
  std::vector<double> g_, x_;
  double vote_seconds_ = 0;
};

}  // namespace signrate::workloads
