// signrate train: a network trained by one of the optimizers (docs/training.md).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include "commands.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/spec.hpp"
#include "signrate/sweep.hpp"
#include "signrate/workloads/train.hpp"

namespace signrate::cli {

namespace {

struct TrainFlags {
  workloads::TrainOptions o;
  std::string epochs = "1", batch = "128", steps = "0", seed = "1", seeds, eval_every = "0", threads = "0",
              checkpoint_every = "0";
  std::string out, csv;
  std::vector<std::string> vary;
};

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
  return {parse_count("seeds", text.substr(0, colon), 0, max),
          parse_count("seeds", text.substr(colon + 1), 0, max)};
}

std::string csv_of(const nlohmann::json& j) {
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

int train(TrainFlags& f) {
  workloads::TrainOptions& o = f.o;
  o.epochs = static_cast<std::int64_t>(parse_count("epochs", f.epochs, 1, 1u << 20));
  o.batch = static_cast<std::int64_t>(parse_count("batch", f.batch, 1, 1u << 24));
  o.steps = static_cast<std::int64_t>(parse_count("steps", f.steps, 0, 1ull << 40));
  o.eval_every = static_cast<std::int64_t>(parse_count("eval-every", f.eval_every, 0, 1ull << 40));
  o.threads = static_cast<std::int64_t>(parse_count("threads", f.threads, 0, 4096));
  o.seed = parse_count("seed", f.seed, 0, std::numeric_limits<std::uint64_t>::max());
  o.checkpoint_every =
      static_cast<std::int64_t>(parse_count("checkpoint-every", f.checkpoint_every, 0, 1ull << 40));
  if ((!f.seeds.empty() || !f.vary.empty()) && (!o.checkpoint_path.empty() || !o.resume_path.empty()))
    throw SpecError(std::string("--checkpoint and --resume are not allowed with ") +
                    (f.vary.empty() ? "--seeds" : "--vary") + "; allowed: one run (--seed)");
  const std::vector<workloads::GridAxis> axes = parse_grid_axes(f.vary);
  if (o.checkpoint_path.empty() && f.checkpoint_every != "0")
    throw SpecError("--checkpoint-every " + f.checkpoint_every +
                    " has no effect here; allowed: with --checkpoint");
  // Every target is checked before training (the one output writer); the JSON and CSV are
  // written together at the end, the log as it goes.
  const std::string json_path = f.out.empty() ? "-" : f.out;
  OutputFiles files;
  files.add("--out", json_path);
  if (!f.csv.empty()) files.add("--csv", f.csv);
  if (!o.checkpoint_path.empty()) {  // checked here; written by the trainer (write_file_atomic) as it goes
    if (is_stream_target(o.checkpoint_path))
      throw SpecError("--checkpoint '" + o.checkpoint_path + "' is not allowed; allowed: a file");
    files.add("--checkpoint", o.checkpoint_path);
  }
  if (!f.out.empty() && !is_stream_target(f.out)) o.log_path = f.out + ".log.jsonl";
  workloads::TrainCallbacks callbacks;
  if (::isatty(2))
    callbacks.progress = [](std::int64_t step, std::int64_t total) {
      if (step % 10 != 0 && step != total) return;
      const int width = 30, done = static_cast<int>(width * step / total);
      std::fprintf(stderr, "\rtrain [%s%s] %lld/%lld steps%s", std::string(done, '#').c_str(),
                   std::string(width - done, ' ').c_str(), static_cast<long long>(step),
                   static_cast<long long>(total), step == total ? "\n" : "");
      std::fflush(stderr);
    };
  nlohmann::json j;
  const auto [first, last] =
      f.seeds.empty() ? std::pair<std::uint64_t, std::uint64_t>{o.seed, o.seed} : parse_seed_range(f.seeds);
  if (!axes.empty()) {
    j = workloads::train_grid(o, axes, !f.seeds.empty(), first, last, callbacks);
  } else if (f.seeds.empty()) {
    j = workloads::train(o, callbacks);
  } else {
    j = workloads::train_seeds(o, first, last, callbacks);
  }
  j["command"] = command_line();
  if (!f.csv.empty()) files.set(f.csv, csv_of(j));
  files.set(json_path, json_text(j));
  files.commit();
  if (!is_stdout_target(json_path)) {
    const auto& fin = j["final"];
    std::cout << "train_loss = " << fin["train_loss"].get<double>()
              << ", train_accuracy = " << fin["train_accuracy"].get<double>()
              << ", test_accuracy = " << fin["test_accuracy"].get<double>() << " (" << fin["steps"].dump()
              << " steps, " << fin["images_per_second"].get<double>() << " images/s)";
    if (j.contains("best"))
      std::cout << " at the best of " << j["points"].size() << " points, "
                << spec_text(j["best"]["optimizer"]);
    std::cout << "; wrote " << f.out << "\n";
  }
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "train a network with one of the optimizers (LibTorch)");
  cmd->add_option("--model", f->o.model,
                  "model SPEC: resnet18, resnet50, resnet:blocks=1/1/1,width=16 (default resnet18)");
  cmd->add_option("--data", f->o.data,
                  "data SPEC: synthetic, fashion-mnist, cifar10, cifar100 (default synthetic)");
  cmd->add_option("--optimizer", f->o.optimizer, "optimizer SPEC, e.g. smm:lr=1e-3,beta=0.1 (default smm)");
  cmd->add_option("--epochs", f->epochs, "passes over the training set (default 1)");
  cmd->add_option("--batch", f->batch, "images per step (default 128)");
  cmd->add_option("--steps", f->steps, "stop after this many steps (default 0: run the epochs)");
  cmd->add_option("--seed", f->seed, "seed of the initialisation and the batch order (default 1)");
  cmd->add_option("--seeds", f->seeds, "independent runs for seeds first:last; mean and standard deviation");
  cmd->add_option("--eval-every", f->eval_every, "steps per logged interval (default 0: one per epoch)");
  cmd->add_option("--device", f->o.device, "cpu, cuda or auto (default cpu)");
  cmd->add_option("--threads", f->threads, "LibTorch's CPU threads (default 0: its default)");
  cmd->add_option("--out", f->out,
                  "write the JSON here (atomically) and the log, as it goes, to FILE.log.jsonl");
  cmd->add_option("--csv", f->csv, "also write the log as CSV here");
  cmd->add_option("--vary", f->vary,
                  "grid search: optimizer.KEY=VALUES (a,b,c or lo:hi:xF), repeated or comma-joined; "
                  "the JSON names the best point by final training loss");
  cmd->add_option("--checkpoint", f->o.checkpoint_path,
                  "save model, optimizer and loader state here (atomically) as the run goes");
  cmd->add_option("--checkpoint-every", f->checkpoint_every,
                  "steps between checkpoints (default 0: every logged interval)");
  cmd->add_option("--resume", f->o.resume_path,
                  "continue the run checkpointed in FILE (same model, data, optimizer, batch, seed)");
  cmd->callback([f, &exit_code] { exit_code = train(*f); });
}

}  // namespace signrate::cli
