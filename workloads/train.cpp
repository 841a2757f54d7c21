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
#include <limits>
#include <mutex>
#include <sstream>

#include "signrate/checked_file.hpp"
#include "signrate/error.hpp"
#include "signrate/output_files.hpp"
#include "signrate/spec.hpp"
#include "signrate/text.hpp"
#include "signrate/version.hpp"
#include "signrate/workloads/data.hpp"
#include "signrate/workloads/models.hpp"
#include "signrate/workloads/optimizers.hpp"
#include "signrate/workloads/vote.hpp"
#include "signrate/workloads/worker_group.hpp"

namespace signrate::workloads {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

torch::Device pick_device(const std::string& name, std::int64_t rank) {
  const bool cuda = torch::cuda::is_available();
  const auto gpu = [&] {
    const auto count = static_cast<std::int64_t>(torch::cuda::device_count());
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(rank % count));
  };
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!cuda)
      throw SpecError("--device cuda: no CUDA device is available to this LibTorch; allowed: cpu, auto");
    return gpu();
  }
  if (name == "auto") return cuda ? gpu() : torch::Device(torch::kCPU);
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

// The file (kCheckpointFormat): checked_file.hpp's header (format, length, CRC-64) around LibTorch's
// archive, so that a damaged or edited file is refused before LibTorch reads a byte of it.
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
  write_file_atomic(path, checked_file(kCheckpointFormat, bytes.str()));
}

// A checkpoint read and checked against this run's spec; its tensors are loaded by load_into.
struct Checkpoint {
  std::string path;
  torch::serialize::InputArchive archive;
  RunState state;
};

[[noreturn]] void refuse_checkpoint(const std::string& path, const std::string& why) {
  throw SpecError("--resume '" + printable(path) + "': " + why);
}

// What this run is: the checkpoint's step and loader position must be one of its points.
struct RunShape {
  std::int64_t total, per_epoch, every;
};

// The checkpoint's run state, every field checked: its kind, its range, and the step, loader
// position and log agreeing with each other and with this run.
void read_run_state(const std::string& path, const nlohmann::json& meta, const RunShape& shape, RunState& r) {
  const auto field = [&](const nlohmann::json& parent, const char* key) -> const nlohmann::json& {
    if (!parent.is_object() || !parent.contains(key))
      refuse_checkpoint(path,
                        std::string("its run state has no ") + key + " (not written by this signrate train)");
    return parent[key];
  };
  const auto count = [&](const nlohmann::json& parent, const char* key, std::int64_t lo, std::int64_t hi) {
    const nlohmann::json& v = field(parent, key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
      refuse_checkpoint(path, std::string("its ") + key + " is " + printable(v.dump()) +
                                  "; allowed: an integer from " + std::to_string(lo) + " to " +
                                  std::to_string(hi));
    return v.get<std::int64_t>();
  };
  const auto seconds = [&](const nlohmann::json& parent, const char* key) {
    const nlohmann::json& v = field(parent, key);
    if (!v.is_number() || !(v.get<double>() >= 0) || !std::isfinite(v.get<double>()))
      refuse_checkpoint(
          path, std::string("its ") + key + " is " + printable(v.dump()) + "; allowed: a finite number >= 0");
    return v.get<double>();
  };
  const nlohmann::json& step = field(meta, "step");
  if (step.is_number_integer() && step.get<std::int64_t>() > shape.total)
    refuse_checkpoint(path, "the checkpoint is at step " + step.dump() + ", past this run's " +
                                std::to_string(shape.total) +
                                " steps; allowed: --steps or --epochs reaching it");
  r.step = count(meta, "step", 1, shape.total);
  const nlohmann::json& loader = field(meta, "loader");
  r.loader = {count(loader, "epoch", 0, shape.total), count(loader, "batch", 0, shape.per_epoch - 1)};
  if (r.loader.epoch != r.step / shape.per_epoch || r.loader.batch != r.step % shape.per_epoch)
    refuse_checkpoint(path, "its loader position (epoch " + std::to_string(r.loader.epoch) + ", batch " +
                                std::to_string(r.loader.batch) + ") is not that of its step " +
                                std::to_string(r.step) + " (epoch " +
                                std::to_string(r.step / shape.per_epoch) + ", batch " +
                                std::to_string(r.step % shape.per_epoch) + ")");
  const nlohmann::json& interval = field(meta, "interval");
  for (const char* key : {"loss", "right", "images", "grad_l1", "grad_l2", "steps", "seconds"})
    seconds(interval, key);
  r.interval = interval_of(interval);
  // The log: a line per closed interval (every `every` steps, and at the last step of a run, which
  // a longer resumed run may follow), at increasing steps up to the checkpoint's; the open interval
  // holds the steps after the last line.
  const nlohmann::json& log = field(meta, "log");
  if (!log.is_array())
    refuse_checkpoint(path, "its log is " + printable(log.dump()) + "; allowed: an array of intervals");
  if (static_cast<std::int64_t>(log.size()) < r.step / shape.every)
    refuse_checkpoint(path, "its log holds " + std::to_string(log.size()) + " intervals; allowed: at least " +
                                std::to_string(r.step / shape.every) + " at step " + std::to_string(r.step) +
                                " (one every " + std::to_string(shape.every) + " steps)");
  std::int64_t logged = 0;
  for (std::size_t k = 0; k < log.size(); ++k) {
    const nlohmann::json& line = log[k];
    if (!line.is_object() || !line.contains("train_loss") || !line.contains("step") ||
        !line["step"].is_number_integer() || line["step"].get<std::int64_t>() <= logged ||
        line["step"].get<std::int64_t>() > r.step)
      refuse_checkpoint(path, "its log's line " + std::to_string(k) + " is not an interval at a step from " +
                                  std::to_string(logged + 1) + " to " + std::to_string(r.step) +
                                  " (the lines' steps increase up to the checkpoint's)");
    logged = line["step"].get<std::int64_t>();
  }
  r.lines = log;
  r.last = field(meta, "last");
  if (r.last != (log.empty() ? nlohmann::json() : log.back()))
    refuse_checkpoint(path, "its last interval is not its log's last line");
  if (r.interval.steps != static_cast<double>(r.step - logged))
    refuse_checkpoint(path, "its open interval has " + format_real(r.interval.steps) +
                                " steps; allowed: " + std::to_string(r.step - logged) + " at step " +
                                std::to_string(r.step) + " (the steps after its log's last line)");
  r.seconds = seconds(meta, "seconds");
  r.train_seconds = seconds(meta, "train_seconds");
  r.optimizer_seconds = seconds(meta, "optimizer_seconds");
}

}  // namespace

void check_checkpoint_state(const std::string& path, const nlohmann::json& meta, std::int64_t total,
                            std::int64_t per_epoch, std::int64_t every) {
  RunState r;
  read_run_state(path, meta, RunShape{total, per_epoch, every}, r);
}

namespace {

void read_checkpoint(Checkpoint& c, const nlohmann::json& spec, const RunShape& shape) {
  std::ifstream in(c.path, std::ios::binary);
  if (!in) refuse_checkpoint(c.path, std::string("cannot read it (") + std::strerror(errno) + ")");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string bytes = checked_payload(file, kCheckpointFormat, "--resume '" + printable(c.path) + "'");
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
  if (!meta.contains("spec") || !meta["spec"].is_object())
    refuse_checkpoint(c.path, "its spec is not an object (not written by this signrate train)");
  for (const char* key : kResumeKeys)
    if (!meta["spec"].contains(key) || meta["spec"][key] != spec[key])
      refuse_checkpoint(c.path,
                        std::string("the checkpoint's ") + key + " is " +
                            (meta["spec"].contains(key) ? spec_value_text(meta["spec"][key]) : "missing") +
                            ", this run's is " + spec_value_text(spec[key]) +
                            "; allowed: the checkpointed run's model, data, optimizer, batch, seed, "
                            "eval-every and device");
  read_run_state(c.path, meta, shape, c.state);
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

// The resolved JSON of an optimizer SPEC, single-node or distributed (SpecError when neither).
nlohmann::json resolved_optimizer(const std::string& text) {
  if (is_vote_optimizer(parse_spec(text, "optimizer").name)) return parse_vote_spec(text).resolved;
  return parse_optimizer_spec(text).resolved;
}

// The vote's sums over one logged interval (runs with --workers).
struct VoteInterval {
  double clipped = 0, ties = 0, bytes_up = 0, bytes_down = 0, steps = 0;
  void add(const VoteStepStats& s) {
    clipped += static_cast<double>(s.clipped);
    ties += static_cast<double>(s.ties);
    bytes_up += static_cast<double>(s.bytes_up);
    bytes_down += static_cast<double>(s.bytes_down);
    steps += 1;
  }
  nlohmann::json per_step() const {
    return {{"clipped", clipped / steps},
            {"ties", ties / steps},
            {"bytes_up", bytes_up / steps},
            {"bytes_down", bytes_down / steps}};
  }
};

}  // namespace

nlohmann::json train(const TrainOptions& o, const TrainCallbacks& callbacks) {
  // Every check before anything is written.
  const ModelSpec model_spec = parse_model_spec(o.model);
  const bool voting = is_vote_optimizer(parse_spec(o.optimizer, "optimizer").name);
  if (!voting && (o.workers != 1 || o.byzantine != 0 || o.split != "iid"))
    throw SpecError(std::string(o.workers != 1     ? "--workers " + std::to_string(o.workers)
                                : o.byzantine != 0 ? "--byzantine " + std::to_string(o.byzantine)
                                                   : "--split " + o.split) +
                    " needs a distributed optimizer; allowed: " + vote_optimizer_names() +
                    " (or one worker with " + parse_spec(o.optimizer, "optimizer").name + ")");
  const OptimizerSpec opt_spec = voting ? OptimizerSpec{} : parse_optimizer_spec(o.optimizer);
  const VoteSpec vote_spec = voting ? parse_vote_spec(o.optimizer) : VoteSpec{};
  if (voting && o.workers < 1)
    throw SpecError("--workers " + std::to_string(o.workers) + " is not allowed; allowed: >= 1");
  if (voting && (o.byzantine < 0 || o.byzantine >= o.workers))
    throw SpecError("--byzantine " + std::to_string(o.byzantine) + " is not allowed; allowed: 0 to " +
                    std::to_string(o.workers - 1) + " (fewer than the workers)");
  if (voting && (!o.checkpoint_path.empty() || !o.resume_path.empty()))
    throw SpecError(std::string(o.resume_path.empty() ? "--checkpoint" : "--resume") +
                    " is not allowed with " + vote_spec.name +
                    "; allowed: a single-node optimizer (runs with workers are not checkpointed)");
  const torch::Device device = pick_device(o.device, o.device_rank);
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
  // With workers, an epoch is the whole training set once, workers x batch images a step.
  const std::int64_t per_epoch = (data.train.size() + o.workers * o.batch - 1) / (o.workers * o.batch);
  const std::int64_t total = o.steps > 0 ? std::min(o.steps, o.epochs * per_epoch) : o.epochs * per_epoch;
  if (voting && total > std::numeric_limits<std::uint32_t>::max())
    throw SpecError("--steps " + std::to_string(total) + " is not allowed with " + vote_spec.name +
                    "; allowed: at most 2^32 - 1 steps (the step counter of the methods' random streams)");
  const std::int64_t every = o.eval_every > 0 ? o.eval_every : per_epoch;
  const std::int64_t save_every = o.checkpoint_every > 0 ? o.checkpoint_every : every;

  nlohmann::json spec = {{"model", model_spec.resolved},
                         {"data", data.resolved},
                         {"optimizer", voting ? vote_spec.resolved : opt_spec.resolved},
                         {"epochs", o.epochs},
                         {"batch", o.batch},
                         {"steps", o.steps},
                         {"eval_every", every},
                         {"seed", o.seed},
                         {"device", device.is_cuda() ? "cuda" : "cpu"}};
  nlohmann::json split_resolved;
  std::vector<DataSet> parts;
  if (voting) {
    parts = split_train(data, static_cast<std::uint32_t>(o.workers), o.split, o.seed, &split_resolved);
    spec["workers"] = o.workers;
    spec["split"] = split_resolved;
    spec["byzantine"] = o.byzantine;
  }
  nlohmann::json resume_spec = nlohmann::json::object();
  for (const char* key : kResumeKeys) resume_spec[key] = spec[key];
  Checkpoint resumed;
  resumed.path = o.resume_path;
  if (!o.resume_path.empty()) read_checkpoint(resumed, resume_spec, {total, per_epoch, every});

  torch::manual_seed(o.seed);
  std::shared_ptr<Network> model = make_model(model_spec, data.channels(), data.classes);
  model->to(device);
  model->train();
  std::unique_ptr<torch::optim::Optimizer> opt =
      voting ? nullptr : make_optimizer(opt_spec, model->parameters());
  std::unique_ptr<Workers> group;
  if (voting) {
    WorkersSetup setup{std::move(parts), vote_spec, o.batch, o.seed, static_cast<std::uint32_t>(o.byzantine),
                       model.get(),      device};
    if (callbacks.ready) callbacks.ready();
    group = callbacks.make_workers ? callbacks.make_workers(setup) : std::make_unique<WorkerGroup>(setup);
  }
  VoteInterval vote_iv, vote_run;  // the logged interval's sums, and the whole run's
  RunState r;
  if (!o.resume_path.empty()) {
    load_into(resumed, *model, *opt, device);
    r = resumed.state;
  }
  std::unique_ptr<BatchLoader> loader =
      voting ? nullptr : std::make_unique<BatchLoader>(data, o.batch, o.seed, r.loader, device.is_cuda());

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
  } else if (!o.log_path.empty() && o.fresh_log) {  // never the lines of an earlier command
    write_file_atomic(o.log_path, "");
  }
  std::ofstream log;
  const auto log_failed = [&] {
    return RunError("cannot write the log '" + printable(o.log_path) + "': " + std::strerror(errno));
  };
  if (!o.log_path.empty()) {
    log.open(o.log_path, std::ios::app);
    if (!log) throw log_failed();
  }

  Interval& iv = r.interval;
  double images_trained = 0;  // by this process (with workers: all of them; a part smaller than
                              // the batch gives smaller batches)
  const auto run_start = Clock::now();
  const double seconds_before = r.seconds;  // of the checkpointed run
  for (std::int64_t step = r.step + 1; step <= total; ++step) {
    const auto t0 = Clock::now();
    // ||update||_2 is measured on the interval's last step (a copy of the weights before it).
    const bool closes = step % every == 0 || step == total;
    std::vector<torch::Tensor> before;
    const auto copy_weights = [&] {
      if (closes)
        for (const auto& p : model->parameters()) before.push_back(p.detach().clone());
    };
    StepMeasure m;
    try {  // a diverged loss: the log so far stays
      if (voting) {
        copy_weights();
        const double vote_before = group->vote_seconds();
        m = group->step(step);
        r.optimizer_seconds += group->vote_seconds() - vote_before;
        vote_iv.add(m.vote);
        vote_run.add(m.vote);
      } else {
        m = forward_backward(*model, loader->next(), device, step);
        copy_weights();
        const auto t_opt = Clock::now();
        opt->step();
        r.optimizer_seconds += seconds_since(t_opt);
      }
    } catch (const RunError&) {
      if (log) log.flush();
      throw;
    }
    iv.loss += m.loss;
    iv.right += m.right;
    iv.images += m.images;
    images_trained += m.images;
    iv.grad_l1 += m.grad_l1;
    iv.grad_l2 += m.grad_l2;
    iv.steps += voting ? static_cast<double>(o.workers) : 1.0;  // the norms' count: one per batch
    iv.seconds += seconds_since(t0);
    r.step = step;
    if (loader) r.loader = loader->position();
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
      if (voting) group->load_statistics(0);  // evaluation with worker 0's BatchNorm statistics
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
      if (voting) {
        r.last.update(vote_iv.per_step());
        vote_iv = {};
      }
      if (!o.log_path.empty() && !(log << tagged(r.last) << std::flush)) throw log_failed();
      r.lines.push_back(r.last);
      iv = {};
    }
    if (!o.checkpoint_path.empty() && step % save_every == 0)
      save_checkpoint(o.checkpoint_path, resume_spec, r, *model, *opt);
  }
  nlohmann::json final = {{"train_loss", r.last["train_loss"]},
                          {"train_accuracy", r.last["train_accuracy"]},
                          {"test_accuracy", r.last["test_accuracy"]},
                          {"grad_l1", r.last["grad_l1"]},
                          {"grad_l2", r.last["grad_l2"]},
                          {"steps", total},
                          {"seconds", seconds_before + seconds_since(run_start)},
                          {"train_seconds", r.train_seconds},
                          {"optimizer_share", r.optimizer_seconds / r.train_seconds},
                          {"images_per_second", voting ? images_trained / r.train_seconds
                                                : static_cast<double>(total) > 0
                                                    ? static_cast<double>(o.batch * total) / r.train_seconds
                                                    : 0.0}};
  if (voting) {
    // Bytes per step each way, as the wire format would carry them, beside float32 gradients.
    final["parameters"] = group->parameters();
    final.update(vote_run.per_step());
    final["float32_bytes_up"] =
        static_cast<double>(static_cast<std::uint64_t>(o.workers) * value_message_bytes(group->parameters()));
  }
  nlohmann::json out = {{"spec", spec}, {"version", kVersion}, {"final", final}, {"log", r.lines}};
  if (voting)
    if (nlohmann::json transport = group->report(total); !transport.empty()) out["mpi"] = transport;
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
    o.fresh_log = options.fresh_log && s == first;
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
  const nlohmann::json base_resolved = resolved_optimizer(options.optimizer);
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
    nlohmann::json resolved;
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
    plan.push_back({vary, resolved_optimizer(text), text});
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
    o.fresh_log = options.fresh_log && k == 0;
    nlohmann::json point = {{"point", k}, {"vary", plan[k].vary}, {"optimizer", plan[k].resolved}};
    try {
      nlohmann::json r = seeds ? train_seeds(o, first, last, callbacks) : train(o, callbacks);
      if (!out.contains("spec")) {
        out["spec"] = r["spec"];
        out["spec"]["optimizer"] = base_resolved;
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
