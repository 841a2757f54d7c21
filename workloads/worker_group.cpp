// n workers in one process (include/signrate/workloads/worker_group.hpp).
#include "signrate/workloads/worker_group.hpp"

#include <chrono>
#include <cmath>
#include <cstring>

#include "signrate/error.hpp"

namespace signrate::workloads {

void gather_parameters(const std::vector<torch::Tensor>& params, bool grads, std::vector<double>& out) {
  std::size_t at = 0;
  for (const auto& p : params) {
    const auto n = static_cast<std::size_t>(p.numel());
    const torch::Tensor v = grads ? p.grad() : p;
    if (v.defined()) {  // one pass: copy_ widens to double (and moves to the host) as it copies
      torch::from_blob(out.data() + at, {static_cast<std::int64_t>(n)}, torch::kDouble)
          .copy_(v.detach().reshape({-1}));
    } else {
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(at),
                out.begin() + static_cast<std::ptrdiff_t>(at + n), 0.0);
    }
    at += n;
  }
}

void scatter_parameters(const std::vector<double>& x, const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  std::size_t at = 0;
  for (const auto& p : params) {  // copy_ rounds to p's type and moves to its device
    p.copy_(torch::from_blob(const_cast<double*>(x.data()) + at, p.sizes(), torch::kDouble));
    at += static_cast<std::size_t>(p.numel());
  }
}

std::uint64_t count_parameters(Network& model) {
  std::uint64_t n = 0;
  for (const auto& p : model.parameters()) n += static_cast<std::uint64_t>(p.numel());
  return n;
}

Statistics::Statistics(Network& model, std::uint32_t workers) : model_(model) {
  for (std::uint32_t j = 0; j < workers; ++j) {
    std::vector<torch::Tensor> stats;
    for (const auto& b : model_.buffers()) stats.push_back(b.detach().clone());
    saved_.push_back(std::move(stats));
  }
}

void Statistics::load(std::uint32_t j) {
  torch::NoGradGuard no_grad;
  const auto buffers = model_.buffers();
  for (std::size_t k = 0; k < buffers.size(); ++k) buffers[k].copy_(saved_[j][k]);
}

void Statistics::save(std::uint32_t j) {
  torch::NoGradGuard no_grad;
  const auto buffers = model_.buffers();
  for (std::size_t k = 0; k < buffers.size(); ++k) saved_[j][k].copy_(buffers[k]);
}

StepMeasure forward_backward(Network& model, const Batch& batch, torch::Device device, std::int64_t step,
                             std::int64_t worker) {
  const torch::Tensor x =  // in the network's precision (float32, or float64 in the equality tests)
      batch.images.to(device, model.parameters().front().scalar_type(), /*non_blocking=*/true);
  const torch::Tensor y = batch.labels.to(device, /*non_blocking=*/true);
  const torch::Tensor logits = model.forward(x);
  const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
  model.zero_grad();
  loss.backward();
  const double loss_value = loss.item<double>();
  if (!std::isfinite(loss_value))
    throw RunError("the run diverged at step " + std::to_string(step) +
                   (worker >= 0 ? " (worker " + std::to_string(worker) + ")" : std::string()) +
                   ": the training loss is " + std::to_string(loss_value));
  torch::Tensor l1 = torch::zeros({}, torch::kDouble), l2 = torch::zeros({}, torch::kDouble);
  for (const auto& p : model.parameters())
    if (p.grad().defined()) {
      l1 += p.grad().abs().sum().to(torch::kCPU, torch::kDouble);
      l2 += p.grad().square().sum().to(torch::kCPU, torch::kDouble);
    }
  StepMeasure m;
  const auto images = static_cast<double>(y.size(0));
  m.loss = loss_value * images;
  m.right = static_cast<double>(logits.argmax(1).eq(y).sum().item<std::int64_t>());
  m.images = images;
  m.grad_l1 = l1.item<double>();
  m.grad_l2 = std::sqrt(l2.item<double>());
  return m;
}

std::uint64_t worker_seed(std::uint64_t seed, std::uint32_t j) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(j) + 1);  // SplitMix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

WorkerGroup::WorkerGroup(WorkersSetup& setup)
    : parts_(std::move(setup.parts)),
      model_(*setup.model),
      device_(setup.device),
      statistics_(model_, static_cast<std::uint32_t>(parts_.size())),
      vote_(setup.spec, static_cast<std::uint32_t>(parts_.size()), setup.byzantine, setup.seed,
            count_parameters(model_)),
      g_(count_parameters(model_)),
      x_(g_.size()) {
  for (std::uint32_t j = 0; j < workers(); ++j)
    loaders_.push_back(std::make_unique<BatchLoader>(parts_[j], setup.batch, worker_seed(setup.seed, j),
                                                     LoaderPosition{}, device_.is_cuda()));
}

StepMeasure WorkerGroup::step(std::int64_t t) {
  using Clock = std::chrono::steady_clock;
  const auto params = model_.parameters();
  const auto t_step = static_cast<std::uint32_t>(t);
  StepMeasure sum;
  for (std::uint32_t j = 0; j < workers(); ++j) {
    statistics_.load(j);
    const StepMeasure m = forward_backward(model_, loaders_[j]->next(), device_, t, j);
    statistics_.save(j);
    sum.add_batch(m);
    const auto t0 = Clock::now();
    gather_parameters(params, true, g_);
    vote_.add_worker(t_step, j, g_.data());
    vote_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
  }
  const auto t0 = Clock::now();
  gather_parameters(params, false, x_);
  sum.vote = vote_.finish(t_step, x_.data());
  scatter_parameters(x_, params);
  vote_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
  return sum;
}

}  // namespace signrate::workloads
