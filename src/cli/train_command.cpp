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
#include "signrate/frontend/train_flags.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/spec.hpp"
#include "signrate/sweep.hpp"
#include "signrate/workloads/train.hpp"

namespace signrate::cli {

namespace {

int train(TrainFlags& f) {
  resolve_train_flags(f);
  workloads::TrainOptions& o = f.o;
  const std::vector<workloads::GridAxis> axes = parse_grid_axes(f.vary);
  // Every target is checked before training (the one output writer); the JSON and CSV are
  // written together at the end, the log as it goes.
  const std::string json_path = f.out.empty() ? "-" : f.out;
  OutputFiles files;
  add_train_files(files, f, json_path);
  workloads::TrainCallbacks callbacks;
  if (::isatty(2) && !f.quiet)
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
  if (!f.csv.empty()) files.set(f.csv, train_csv(j));
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
  add_train_flags(cmd, *f);
  cmd->callback([f, &exit_code] { exit_code = train(*f); });
}

}  // namespace signrate::cli
