// The options of signrate train (include/signrate/frontend/train_flags.hpp).
#include "signrate/frontend/train_flags.hpp"

#include <limits>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/progress_bar.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/spec.hpp"
#include "signrate/sweep.hpp"

namespace signrate::cli {

// --vary optimizer.lr=1e-3,1e-2 (repeated, or several in one: optimizer.lr=1e-3,1e-2,optimizer.beta=0.1,0.5;
// an item with '=' starts the next key), each read by the sweep's own parser.
std::vector<workloads::GridAxis> parse_grid_axes(const std::vector<std::string>& flags) {
  std::vector<workloads::GridAxis> axes;
  for (const std::string& flag : flags) {
    std::vector<std::string> items;
    std::stringstream ss(flag);
    std::string token;
    while (std::getline(ss, token, ',')) {
      if (items.empty() || token.find('=') != std::string::npos)
        items.push_back(token);
      else
        items.back() += "," + token;
    }
    for (const std::string& item : items) {
      const VariedParameter v =
          parse_varied(item, {"optimizer"}, "optimizer.lr=1e-3,1e-2 or optimizer.beta=0.05:0.8:x2");
      axes.push_back({v.key, v.values});
    }
  }
  return axes;
}

// "a:b" with a <= b, both seeds.
std::pair<std::uint64_t, std::uint64_t> parse_seed_range(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw SpecError("--seeds " + text + " is not allowed; allowed: first:last");
  const auto max = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t first = parse_count("seeds", text.substr(0, colon), 0, max),
                      last = parse_count("seeds", text.substr(colon + 1), 0, max);
  if (last < first)
    throw SpecError("--seeds " + text + " is not allowed; allowed: first:last with first <= last");
  if (last - first >= static_cast<std::uint64_t>(kMaxGridValues))
    throw SpecError("--seeds " + text + " spans more than " + std::to_string(kMaxGridValues) +
                    " seeds; allowed: at most " + std::to_string(kMaxGridValues) + " runs");
  return {first, last};
}

// The log as CSV: one row per logged interval (per seed, per grid point).
std::string train_csv(const nlohmann::json& j) {
  std::string out =
      "seed,step,epoch,train_loss,train_accuracy,test_accuracy,grad_l1,grad_l2,update_l2,"
      "images_per_second,seconds\n";
  const bool grid = j.contains("points");
  if (grid) out = "point," + out;
  std::string prefix;
  auto rows = [&](std::uint64_t seed, const nlohmann::json& log) {
    for (const auto& r : log) {
      out += prefix + std::to_string(seed);
      for (const char* k : {"step", "epoch", "train_loss", "train_accuracy", "test_accuracy", "grad_l1",
                            "grad_l2", "update_l2", "images_per_second", "seconds"})
        out.append(",").append(r[k].dump());
      out += "\n";
    }
  };
  auto run = [&](const nlohmann::json& r, std::uint64_t seed) {
    if (r.contains("runs")) {
      for (const auto& s : r["runs"]) rows(s["seed"].get<std::uint64_t>(), s["log"]);
    } else if (r.contains("log")) {
      rows(seed, r["log"]);
    }
  };
  if (grid) {
    for (const auto& p : j["points"]) {
      prefix = p["point"].dump() + ",";
      run(p, j["spec"].value("seed", std::uint64_t{0}));
    }
  } else {
    run(j, j["spec"].value("seed", std::uint64_t{0}));
  }
  return out;
}

void add_train_flags(CLI::App* cmd, TrainFlags& f) {
  cmd->add_option("--model", f.o.model,
                  "model SPEC: resnet18, resnet50, resnet:blocks=1/1/1,width=16 (default resnet18)");
  cmd->add_option("--data", f.o.data,
                  "data SPEC: synthetic, fashion-mnist, cifar10, cifar100 (default synthetic)");
  cmd->add_option("--optimizer", f.o.optimizer,
                  "optimizer SPEC, e.g. smm:lr=1e-3,beta=0.1 or, with --workers, "
                  "mvsm-v2:lr=1e-3,R=0.01,clip=1 (default smm)");
  cmd->add_option("--workers", f.workers,
                  "n workers with a distributed optimizer (signsgd-mv, mvsm-v2:R=..., sgd-dist, ...), "
                  "simulated in one process (default 1)");
  cmd->add_option(
      "--split", f.o.split,
      "how the workers divide the training set: iid, by-class, dirichlet:alpha=0.1 (default iid)");
  cmd->add_option("--byzantine", f.byzantine, "the first K workers send the negation (default 0)");
  cmd->add_option("--epochs", f.epochs, "passes over the training set (default 1)");
  cmd->add_option("--batch", f.batch, "images per step, per worker with --workers (default 128)");
  cmd->add_option("--steps", f.steps, "stop after this many steps (default 0: run the epochs)");
  cmd->add_option("--seed", f.seed, "seed of the initialisation and the batch order (default 1)");
  cmd->add_option("--seeds", f.seeds, "independent runs for seeds first:last; mean and standard deviation");
  cmd->add_option("--eval-every", f.eval_every, "steps per logged interval (default 0: one per epoch)");
  cmd->add_option("--device", f.o.device, "cpu, cuda or auto (default cpu)");
  cmd->add_option("--threads", f.threads, "LibTorch's CPU threads (default 0: its default)");
  cmd->add_option("--out", f.out,
                  "write the JSON here (atomically) and the log, as it goes, to FILE.log.jsonl");
  cmd->add_option("--csv", f.csv, "also write the log as CSV here");
  cmd->add_option("--vary", f.vary,
                  "grid search: optimizer.KEY=VALUES (a,b,c or lo:hi:xF), repeated or comma-joined; "
                  "the JSON names the best point by final training loss");
  cmd->add_option("--checkpoint", f.o.checkpoint_path,
                  "save model, optimizer and loader state here (atomically) as the run goes");
  cmd->add_option("--checkpoint-every", f.checkpoint_every,
                  "steps between checkpoints (default 0: every logged interval)");
  cmd->add_option("--resume", f.o.resume_path,
                  "continue the run checkpointed in FILE (same model, data, optimizer, batch, seed)");
  add_quiet_flag(cmd, f.quiet);
}

void add_train_files(OutputFiles& files, TrainFlags& f, const std::string& json_path) {
  workloads::TrainOptions& o = f.o;
  if (!o.resume_path.empty()) {
    if (is_stream_target(o.resume_path) || o.resume_path == "-")
      throw SpecError("--resume '" + o.resume_path + "' is not allowed; allowed: a checkpoint file");
    files.add_input("--resume", o.resume_path);
  }
  files.add("--out", json_path);
  if (!f.out.empty() && !is_stream_target(f.out)) {  // written by the trainer as it goes
    o.log_path = f.out + ".log.jsonl";
    files.add("the log (--out + .log.jsonl)", o.log_path);
  }
  if (!f.csv.empty()) files.add("--csv", f.csv);
  // Checked here; written by the trainer (write_file_atomic) as it goes. It may be the --resume
  // file: a resumed run goes on checkpointing where it was read from (read whole before the first
  // write, and every write atomic).
  if (!o.checkpoint_path.empty()) {
    if (is_stream_target(o.checkpoint_path))
      throw SpecError("--checkpoint '" + o.checkpoint_path + "' is not allowed; allowed: a file");
    files.add("--checkpoint", o.checkpoint_path, true);
  }
}

void resolve_train_flags(TrainFlags& f) {
  workloads::TrainOptions& o = f.o;
  o.epochs = static_cast<std::int64_t>(parse_count("epochs", f.epochs, 1, 1u << 20));
  o.batch = static_cast<std::int64_t>(parse_count("batch", f.batch, 1, 1u << 24));
  o.steps = static_cast<std::int64_t>(parse_count("steps", f.steps, 0, 1ull << 40));
  o.eval_every = static_cast<std::int64_t>(parse_count("eval-every", f.eval_every, 0, 1ull << 40));
  o.threads = static_cast<std::int64_t>(parse_count("threads", f.threads, 0, 4096));
  o.seed = parse_count("seed", f.seed, 0, std::numeric_limits<std::uint64_t>::max());
  o.workers = static_cast<std::int64_t>(parse_count("workers", f.workers, 1, 4096));
  o.byzantine = static_cast<std::int64_t>(parse_count("byzantine", f.byzantine, 0, 4095));
  o.checkpoint_every =
      static_cast<std::int64_t>(parse_count("checkpoint-every", f.checkpoint_every, 0, 1ull << 40));
  if ((!f.seeds.empty() || !f.vary.empty()) && (!o.checkpoint_path.empty() || !o.resume_path.empty()))
    throw SpecError(std::string("--checkpoint and --resume are not allowed with ") +
                    (f.vary.empty() ? "--seeds" : "--vary") + "; allowed: one run (--seed)");
  if (o.checkpoint_path.empty() && f.checkpoint_every != "0")
    throw SpecError("--checkpoint-every " + f.checkpoint_every +
                    " has no effect here; allowed: with --checkpoint");
}

}  // namespace signrate::cli
