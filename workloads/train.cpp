// The trainer (include/signrate/workloads/train.hpp).
#include "signrate/workloads/train.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/output_files.hpp"
#include "signrate/spec.hpp"
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

nlohmann::json interval_json(const Interval& iv) {
  return {{"loss", iv.loss},       {"right", iv.right}, {"images", iv.images},  {"grad_l1", iv.grad_l1},
          {"grad_l2", iv.grad_l2}, {"steps", iv.steps}, {"seconds", iv.seconds}};
}

Interval interval_of(const nlohmann::json& j) {
  Interval iv;
  for (const auto& [key, slot] : {std::pair{"loss", &iv.loss},
                                  {"right", &iv.right},
                                  {"images", &iv.images},
                                  {"grad_l1", &iv.grad_l1},
                                  {"grad_l2", &iv.grad_l2},
                                  {"steps", &iv.steps},
                                  {"seconds", &iv.seconds}})
    *slot = j.at(key).get<double>();
  return iv;
}

// Everything a run carries from one step to the next besides the model's and optimizer's tensors.
struct RunState {
  std::int64_t step = 0;  // steps done
  LoaderPosition loader;
  Interval interval;
  nlohmann::json lines = nlohmann::json::array(), last;
  double seconds = 0, train_seconds = 0, optimizer_seconds = 0;
};

constexpr const char* kCheckpointFormat = "signrate-train-checkpoint/1";
// The spec keys a resumed run must share with its checkpoint (epochs and steps may differ: a
// resumed run may go further than the killed one meant to).
constexpr const char* kResumeKeys[] = {"model", "data", "optimizer", "batch", "seed", "eval_every", "device"};

std::string spec_value_text(const nlohmann::json& v) {
  return v.is_object() && v.contains("name") ? spec_text(v) : v.dump();
}

// One archive: the model's and the optimizer's own archives, the CPU generator's state and the run
// state as JSON (doubles as JSON round-trip exactly), written through the one output writer.
void save_checkpoint(const std::string& path, const nlohmann::json& spec, const RunState& r, Network& model,
                     torch::optim::Optimizer& opt) {
  nlohmann::json meta = {{"format", kCheckpointFormat},
                         {"spec", spec},
                         {"step", r.step},
                         {"loader", {{"epoch", r.loader.epoch}, {"batch", r.loader.batch}}},
                         {"interval", interval_json(r.interval)},
                         {"log", r.lines},
                         {"last", r.last},
                         {"seconds", r.seconds},
                         {"train_seconds", r.train_seconds},
                         {"optimizer_seconds", r.optimizer_seconds}};
  torch::serialize::OutputArchive archive, model_archive, opt_archive;
  model.save(model_archive);
  opt.save(opt_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", opt_archive);
  archive.write("cpu_generator", at::detail::getDefaultCPUGenerator().get_state());
  archive.write("signrate", c10::IValue(meta.dump()));
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomic(path, bytes.str());
}

// A checkpoint read and checked against this run's spec; its tensors are loaded by load_into.
struct Checkpoint {
  std::string path;
  torch::serialize::InputArchive archive;
  RunState state;
};

[[noreturn]] void refuse_checkpoint(const std::string& path, const std::string& why) {
  throw SpecError("--resume '" + path + "': " + why);
}

void read_checkpoint(Checkpoint& c, const nlohmann::json& spec, std::int64_t total) {
  std::ifstream in(c.path, std::ios::binary);
  if (!in) refuse_checkpoint(c.path, std::string("cannot read it (") + std::strerror(errno) + ")");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json meta;
  try {
    c.archive.load_from(bytes.data(), bytes.size());
    c10::IValue text;
    c.archive.read("signrate", text);
    meta = nlohmann::json::parse(text.toStringRef());
  } catch (const std::exception&) {  // LibTorch's messages run over many lines; the file says enough
    refuse_checkpoint(c.path, "not a checkpoint of signrate train (it does not read as one)");
  }
  if (!meta.is_object() || !meta.contains("format") || meta["format"] != kCheckpointFormat)
    refuse_checkpoint(c.path, "not a checkpoint of signrate train (its format is not " +
                                  std::string(kCheckpointFormat) + ")");
  for (const char* key : kResumeKeys)
    if (meta["spec"][key] != spec[key])
      refuse_checkpoint(c.path, std::string("the checkpoint's ") + key + " is " +
                                    spec_value_text(meta["spec"][key]) + ", this run's is " +
                                    spec_value_text(spec[key]) +
                                    "; allowed: the checkpointed run's model, data, optimizer, batch, seed, "
                                    "eval-every and device");
  RunState& r = c.state;
  try {
    r.step = meta.at("step").get<std::int64_t>();
    r.loader = {meta.at("loader").at("epoch").get<std::int64_t>(),
                meta.at("loader").at("batch").get<std::int64_t>()};
    r.interval = interval_of(meta.at("interval"));
    r.lines = meta.at("log");
    r.last = meta.at("last");
    r.seconds = meta.at("seconds").get<double>();
    r.train_seconds = meta.at("train_seconds").get<double>();
    r.optimizer_seconds = meta.at("optimizer_seconds").get<double>();
  } catch (const nlohmann::json::exception&) {
    refuse_checkpoint(c.path, "its run state is incomplete (not written by this signrate train)");
  }
  if (r.step > total)
    refuse_checkpoint(c.path, "the checkpoint is at step " + std::to_string(r.step) + ", past this run's " +
                                  std::to_string(total) + " steps; allowed: --steps or --epochs reaching it");
}

void load_into(Checkpoint& c, Network& model, torch::optim::Optimizer& opt, torch::Device device) {
  try {
    torch::serialize::InputArchive model_archive, opt_archive;
    c.archive.read("model", model_archive);
    c.archive.read("optimizer", opt_archive);
    model.load(model_archive);  // the tensors come back on the device they were saved from
    model.to(device);
    opt.load(opt_archive);
    torch::Tensor state;
    c.archive.read("cpu_generator", state);
    at::Generator gen = at::detail::getDefaultCPUGenerator();  // a handle on the one generator
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
  } catch (const SpecError&) {
    throw;
  } catch (const std::exception&) {
    refuse_checkpoint(c.path, "its model or optimizer state does not load into this run's");
  }
}

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
  if (o.checkpoint_every < 0)
    throw SpecError("--checkpoint-every " + std::to_string(o.checkpoint_every) +
                    " is not allowed; allowed: >= 0");
  if (o.threads > 0) torch::set_num_threads(static_cast<int>(o.threads));
  const DataSet data = load_data(o.data);
  if (o.batch < 1 || o.batch > data.train.size())
    throw SpecError("--batch " + std::to_string(o.batch) + " is not allowed; allowed: 1 to " +
                    std::to_string(data.train.size()) + " (the training set of " + data.name + ")");
  const std::int64_t per_epoch = (data.train.size() + o.batch - 1) / o.batch;
  const std::int64_t total = o.steps > 0 ? std::min(o.steps, o.epochs * per_epoch) : o.epochs * per_epoch;
  const std::int64_t every = o.eval_every > 0 ? o.eval_every : per_epoch;
  const std::int64_t save_every = o.checkpoint_every > 0 ? o.checkpoint_every : every;

  nlohmann::json spec = {
      {"model", model_spec.resolved}, {"data", data.resolved}, {"optimizer", opt_spec.resolved},
      {"epochs", o.epochs},           {"batch", o.batch},      {"steps", o.steps},
      {"eval_every", every},          {"seed", o.seed},        {"device", device.is_cuda() ? "cuda" : "cpu"}};
  nlohmann::json resume_spec = nlohmann::json::object();
  for (const char* key : kResumeKeys) resume_spec[key] = spec[key];
  Checkpoint resumed;
  resumed.path = o.resume_path;
  if (!o.resume_path.empty()) read_checkpoint(resumed, resume_spec, total);

  torch::manual_seed(o.seed);
  std::shared_ptr<Network> model = make_model(model_spec, data.channels(), data.classes);
  model->to(device);
  model->train();
  std::unique_ptr<torch::optim::Optimizer> opt = make_optimizer(opt_spec, model->parameters());
  RunState r;
  if (!o.resume_path.empty()) {
    load_into(resumed, *model, *opt, device);
    r = resumed.state;
  }
  BatchLoader loader(data, o.batch, o.seed, r.loader, device.is_cuda());

  const auto tagged = [&](const nlohmann::json& interval) {
    nlohmann::json line = {{"seed", o.seed}};
    line.update(o.log_tag);
    line.update(interval);
    return line.dump() + "\n";
  };
  if (!o.resume_path.empty() &&
      !o.log_path.empty()) {  // the intervals after the checkpoint are measured again
    std::string text;
    for (const auto& line : r.lines) text += tagged(line);
    write_file_atomic(o.log_path, text);
  }
  std::ofstream log;
  if (!o.log_path.empty()) {
    log.open(o.log_path, std::ios::app);
    if (!log) throw std::runtime_error("cannot write the log '" + o.log_path + "'");
  }

  Interval& iv = r.interval;
  const auto run_start = Clock::now();
  const double seconds_before = r.seconds;  // of the checkpointed run
  for (std::int64_t step = r.step + 1; step <= total; ++step) {
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
    r.optimizer_seconds += seconds_since(t_opt);
    iv.loss += loss_value * static_cast<double>(y.size(0));
    iv.right += static_cast<double>(logits.argmax(1).eq(y).sum().item<std::int64_t>());
    iv.images += static_cast<double>(y.size(0));
    iv.grad_l1 += l1.item<double>();
    iv.grad_l2 += std::sqrt(l2.item<double>());
    iv.steps += 1;
    iv.seconds += seconds_since(t0);
    r.step = step;
    r.loader = loader.position();
    r.seconds = seconds_before + seconds_since(run_start);
    if (callbacks.progress) callbacks.progress(step, total);
    if (closes) {
      double update = 0;
      {
        torch::NoGradGuard no_grad;
        const auto params = model->parameters();
        for (std::size_t k = 0; k < params.size(); ++k)
          update += (params[k] - before[k]).to(torch::kDouble).square().sum().item<double>();
      }
      r.train_seconds += iv.seconds;
      r.last = {{"step", step},
                {"epoch", static_cast<double>(step) / static_cast<double>(per_epoch)},
                {"train_loss", iv.loss / iv.images},
                {"train_accuracy", iv.right / iv.images},
                {"test_accuracy", accuracy(*model, data, data.test, device)},
                {"grad_l1", iv.grad_l1 / iv.steps},
                {"grad_l2", iv.grad_l2 / iv.steps},
                {"update_l2", std::sqrt(update)},
                {"images_per_second", iv.images / iv.seconds},
                {"seconds", seconds_before + seconds_since(run_start)}};
      if (log) log << tagged(r.last) << std::flush;
      r.lines.push_back(r.last);
      iv = {};
    }
    if (!o.checkpoint_path.empty() && step % save_every == 0)
      save_checkpoint(o.checkpoint_path, resume_spec, r, *model, *opt);
  }
  nlohmann::json final = {
      {"train_loss", r.last["train_loss"]},
      {"train_accuracy", r.last["train_accuracy"]},
      {"test_accuracy", r.last["test_accuracy"]},
      {"grad_l1", r.last["grad_l1"]},
      {"grad_l2", r.last["grad_l2"]},
      {"steps", total},
      {"seconds", seconds_before + seconds_since(run_start)},
      {"train_seconds", r.train_seconds},
      {"optimizer_share", r.optimizer_seconds / r.train_seconds},
      {"images_per_second",
       static_cast<double>(total) > 0 ? static_cast<double>(o.batch * total) / r.train_seconds : 0.0}};
  nlohmann::json out = {{"spec", spec}, {"version", kVersion}, {"final", final}, {"log", r.lines}};
  if (!o.resume_path.empty()) out["resumed"] = {{"file", o.resume_path}, {"step", resumed.state.step}};
  return out;
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

nlohmann::json train_grid(const TrainOptions& options, const std::vector<GridAxis>& axes, bool seeds,
                          std::uint64_t first, std::uint64_t last, const TrainCallbacks& callbacks) {
  const ParsedSpec base = parse_spec(options.optimizer, "optimizer");
  const OptimizerSpec base_spec = parse_optimizer_spec(options.optimizer);
  if (seeds && last < first)
    throw SpecError("--seeds " + std::to_string(first) + ":" + std::to_string(last) +
                    " is not allowed; allowed: first:last with first <= last");
  nlohmann::json grid = nlohmann::json::object();
  std::size_t points = 1;
  for (const GridAxis& a : axes) {
    const std::string name = "optimizer." + a.key;
    if (grid.contains(name)) throw SpecError("--vary " + name + " is given twice; allowed: once per key");
    grid[name] = a.values;
    points *= a.values.size();
  }
  // Every point's optimizer, checked before the first run.
  struct Point {
    nlohmann::json vary;
    OptimizerSpec spec;
    std::string text;
  };
  std::vector<Point> plan;
  std::vector<std::size_t> at(axes.size(), 0);
  for (std::size_t k = 0; k < points; ++k) {
    ParsedSpec p = base;
    nlohmann::json vary = nlohmann::json::object();
    for (std::size_t v = 0; v < axes.size(); ++v) {
      const double value = axes[v].values[at[v]];
      p.values[axes[v].key] = format_real(value);
      vary["optimizer." + axes[v].key] = value;
    }
    std::string text = p.name;
    for (const auto& [key, value] : p.values) text += (text == p.name ? ":" : ",") + key + "=" + value;
    plan.push_back({vary, parse_optimizer_spec(text), text});
    for (std::size_t v = axes.size(); v-- > 0;) {
      if (++at[v] < axes[v].values.size()) break;
      at[v] = 0;
    }
  }
  nlohmann::json out, results = nlohmann::json::array();
  std::int64_t best = -1;
  double best_loss = 0;
  for (std::size_t k = 0; k < plan.size(); ++k) {
    TrainOptions o = options;
    o.optimizer = plan[k].text;
    o.log_tag["point"] = k;
    nlohmann::json point = {{"point", k}, {"vary", plan[k].vary}, {"optimizer", plan[k].spec.resolved}};
    try {
      nlohmann::json r = seeds ? train_seeds(o, first, last, callbacks) : train(o, callbacks);
      if (!out.contains("spec")) {
        out["spec"] = r["spec"];
        out["spec"]["optimizer"] = base_spec.resolved;
        out["spec"]["vary"] = grid;
        out["version"] = r["version"];
      }
      const double loss = r["final"]["train_loss"].get<double>();
      if (best < 0 || loss < best_loss) best = static_cast<std::int64_t>(k), best_loss = loss;
      for (const char* key : {"final", "final_std", "log", "runs"})
        if (r.contains(key)) point[key] = r[key];
    } catch (const RunError& e) {  // a learning rate too large for the network: recorded, never best
      point["diverged"] = e.what();
    }
    results.push_back(point);
  }
  if (best < 0)
    throw RunError("every point of the grid diverged (" + results.back()["diverged"].get<std::string>() +
                   ")");
  out["points"] = results;
  const nlohmann::json& b = results[static_cast<std::size_t>(best)];
  out["best"] = {{"point", best},
                 {"vary", b["vary"]},
                 {"optimizer", b["optimizer"]},
                 {"by", "final train_loss"},
                 {"train_loss", best_loss}};
  out["final"] = b["final"];
  if (b.contains("final_std")) out["final_std"] = b["final_std"];
  return out;
}

}  // namespace signrate::workloads
