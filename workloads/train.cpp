// The trainer (include/signrate/workloads/train.hpp).
#include "signrate/workloads/train.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "signrate/error.hpp"
#include "signrate/version.hpp"
#include "signrate/workloads/data.hpp"
#include "signrate/workloads/models.hpp"
#include "signrate/workloads/optimizers.hpp"

namespace signrate::workloads {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

torch::Device pick_device(const std::string& name) {
  const bool cuda = torch::cuda::is_available();
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!cuda)
      throw SpecError("--device cuda: no CUDA device is available to this LibTorch; allowed: cpu, auto");
    return torch::kCUDA;
  }
  if (name == "auto") return cuda ? torch::kCUDA : torch::kCPU;
  throw SpecError("--device '" + name + "' is not allowed; allowed: cpu, cuda, auto");
}

// Accuracy of the model on a set of images, in batches, without gradients.
double accuracy(Network& model, const DataSet& data, const Images& part, torch::Device device) {
  torch::NoGradGuard no_grad;
  model.eval();
  std::int64_t right = 0;
  constexpr std::int64_t kEvalBatch = 500;
  for (std::int64_t b = 0; b < part.size(); b += kEvalBatch) {
    const std::int64_t n = std::min(kEvalBatch, part.size() - b);
    const torch::Tensor x = normalise(data, part.images.narrow(0, b, n)).to(device);
    const torch::Tensor y = part.labels.narrow(0, b, n).to(device);
    right += model.forward(x).argmax(1).eq(y).sum().item<std::int64_t>();
  }
  model.train();
  return static_cast<double>(right) / static_cast<double>(part.size());
}

// Sums over one logged interval; the norms are of the stochastic (minibatch) gradient.
struct Interval {
  double loss = 0, right = 0, images = 0, grad_l1 = 0, grad_l2 = 0, steps = 0, seconds = 0;
};

}  // namespace

nlohmann::json train(const TrainOptions& o, const TrainCallbacks& callbacks) {
  // Every check before anything is written.
  const ModelSpec model_spec = parse_model_spec(o.model);
  const OptimizerSpec opt_spec = parse_optimizer_spec(o.optimizer);
  const torch::Device device = pick_device(o.device);
  if (o.epochs < 1)
    throw SpecError("--epochs " + std::to_string(o.epochs) + " is not allowed; allowed: >= 1");
  if (o.steps < 0) throw SpecError("--steps " + std::to_string(o.steps) + " is not allowed; allowed: >= 0");
  if (o.eval_every < 0)
    throw SpecError("--eval-every " + std::to_string(o.eval_every) + " is not allowed; allowed: >= 0");
  if (o.threads > 0) torch::set_num_threads(static_cast<int>(o.threads));
  const DataSet data = load_data(o.data);
  if (o.batch < 1 || o.batch > data.train.size())
    throw SpecError("--batch " + std::to_string(o.batch) + " is not allowed; allowed: 1 to " +
                    std::to_string(data.train.size()) + " (the training set of " + data.name + ")");

  torch::manual_seed(o.seed);
  std::shared_ptr<Network> model = make_model(model_spec, data.channels(), data.classes);
  model->to(device);
  model->train();
  std::unique_ptr<torch::optim::Optimizer> opt = make_optimizer(opt_spec, model->parameters());
  BatchLoader loader(data, o.batch, o.seed, {}, device.is_cuda());
  const std::int64_t per_epoch = loader.batches_per_epoch();
  const std::int64_t total = o.steps > 0 ? std::min(o.steps, o.epochs * per_epoch) : o.epochs * per_epoch;
  const std::int64_t every = o.eval_every > 0 ? o.eval_every : per_epoch;

  nlohmann::json spec = {
      {"model", model_spec.resolved}, {"data", data.resolved}, {"optimizer", opt_spec.resolved},
      {"epochs", o.epochs},           {"batch", o.batch},      {"steps", o.steps},
      {"eval_every", every},          {"seed", o.seed},        {"device", device.is_cuda() ? "cuda" : "cpu"}};
  std::ofstream log;
  if (!o.log_path.empty()) {
    log.open(o.log_path, std::ios::app);
    if (!log) throw std::runtime_error("cannot write the log '" + o.log_path + "'");
  }

  nlohmann::json lines = nlohmann::json::array();
  Interval iv;
  const auto run_start = Clock::now();
  double train_seconds = 0, optimizer_seconds = 0;  // all steps' time, and the optimizer's share of it
  nlohmann::json last;
  for (std::int64_t step = 1; step <= total; ++step) {
    const auto t0 = Clock::now();
    const Batch batch = loader.next();
    const torch::Tensor x = batch.images.to(device, /*non_blocking=*/true);
    const torch::Tensor y = batch.labels.to(device, /*non_blocking=*/true);
    const torch::Tensor logits = model->forward(x);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
    opt->zero_grad();
    loss.backward();
    const double loss_value = loss.item<double>();
    if (!std::isfinite(loss_value)) {
      if (log) log.flush();
      throw RunError("the run diverged at step " + std::to_string(step) + ": the training loss is " +
                     std::to_string(loss_value));
    }
    torch::Tensor l1 = torch::zeros({}, torch::kDouble), l2 = torch::zeros({}, torch::kDouble);
    for (const auto& p : model->parameters())
      if (p.grad().defined()) {
        l1 += p.grad().abs().sum().to(torch::kCPU, torch::kDouble);
        l2 += p.grad().square().sum().to(torch::kCPU, torch::kDouble);
      }
    // ||update||_2 is measured on the interval's last step (a copy of the weights before it).
    const bool closes = step % every == 0 || step == total;
    std::vector<torch::Tensor> before;
    if (closes)
      for (const auto& p : model->parameters()) before.push_back(p.detach().clone());
    const auto t_opt = Clock::now();
    opt->step();
    optimizer_seconds += seconds_since(t_opt);
    iv.loss += loss_value * static_cast<double>(y.size(0));
    iv.right += static_cast<double>(logits.argmax(1).eq(y).sum().item<std::int64_t>());
    iv.images += static_cast<double>(y.size(0));
    iv.grad_l1 += l1.item<double>();
    iv.grad_l2 += std::sqrt(l2.item<double>());
    iv.steps += 1;
    iv.seconds += seconds_since(t0);
    if (callbacks.progress) callbacks.progress(step, total);
    if (!closes) continue;
    double update = 0;
    {
      torch::NoGradGuard no_grad;
      const auto params = model->parameters();
      for (std::size_t k = 0; k < params.size(); ++k)
        update += (params[k] - before[k]).to(torch::kDouble).square().sum().item<double>();
    }
    train_seconds += iv.seconds;
    last = {{"step", step},
            {"epoch", static_cast<double>(step) / static_cast<double>(per_epoch)},
            {"train_loss", iv.loss / iv.images},
            {"train_accuracy", iv.right / iv.images},
            {"test_accuracy", accuracy(*model, data, data.test, device)},
            {"grad_l1", iv.grad_l1 / iv.steps},
            {"grad_l2", iv.grad_l2 / iv.steps},
            {"update_l2", std::sqrt(update)},
            {"images_per_second", iv.images / iv.seconds},
            {"seconds", seconds_since(run_start)}};
    if (log) {
      nlohmann::json line = {{"seed", o.seed}};
      line.update(last);
      log << line.dump() << "\n" << std::flush;
    }
    lines.push_back(last);
    iv = {};
  }
  nlohmann::json final = {
      {"train_loss", last["train_loss"]},
      {"train_accuracy", last["train_accuracy"]},
      {"test_accuracy", last["test_accuracy"]},
      {"grad_l1", last["grad_l1"]},
      {"grad_l2", last["grad_l2"]},
      {"steps", total},
      {"seconds", seconds_since(run_start)},
      {"train_seconds", train_seconds},
      {"optimizer_share", optimizer_seconds / train_seconds},
      {"images_per_second",
       static_cast<double>(total) > 0 ? static_cast<double>(o.batch * total) / train_seconds : 0.0}};
  return {{"spec", spec}, {"version", kVersion}, {"final", final}, {"log", lines}};
}

nlohmann::json train_seeds(const TrainOptions& options, std::uint64_t first, std::uint64_t last,
                           const TrainCallbacks& callbacks) {
  if (last < first)
    throw SpecError("--seeds " + std::to_string(first) + ":" + std::to_string(last) +
                    " is not allowed; allowed: first:last with first <= last");
  nlohmann::json runs = nlohmann::json::array(), out;
  for (std::uint64_t s = first; s <= last; ++s) {
    TrainOptions o = options;
    o.seed = s;
    nlohmann::json r = train(o, callbacks);
    if (s == first) {
      out["spec"] = r["spec"];
      out["spec"].erase("seed");
      out["spec"]["seeds"] = {first, last};
      out["version"] = r["version"];
    }
    runs.push_back({{"seed", s}, {"final", r["final"]}, {"log", r["log"]}});
  }
  nlohmann::json mean = nlohmann::json::object(), sd = nlohmann::json::object();
  for (const auto& [key, _] : runs[0]["final"].items()) {
    double sum = 0, sq = 0;
    for (const auto& r : runs) sum += r["final"][key].get<double>();
    const double m = sum / static_cast<double>(runs.size());
    for (const auto& r : runs) sq += std::pow(r["final"][key].get<double>() - m, 2);
    mean[key] = m;
    sd[key] = runs.size() > 1 ? std::sqrt(sq / static_cast<double>(runs.size() - 1)) : 0.0;
  }
  out["final"] = mean;
  out["final_std"] = sd;
  out["runs"] = runs;
  return out;
}

}  // namespace signrate::workloads
