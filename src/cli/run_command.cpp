// signrate run: one experiment (problem x oracle x method x schedule x d, T, replicates, seed).
#include "run_command.hpp"

#include <fstream>
#include <iostream>
#include <memory>

#include "catalogue.hpp"
#include "signrate/error.hpp"
#include "signrate/run_spec.hpp"

namespace signrate::cli {

namespace {

struct RunOptions {
  std::string problem, oracle, method, schedule, d, T, replicates, seed, batch, checkpoints;
  std::string spec_file, out, csv, threads = "0", block = "256";
};

nlohmann::json gather_spec(const RunOptions& o) {
  nlohmann::json j = nlohmann::json::object();
  if (!o.spec_file.empty()) {
    std::ifstream in(o.spec_file);
    if (!in) throw SpecError("--spec: cannot read '" + o.spec_file + "'");
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw SpecError("--spec '" + o.spec_file + "' is not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw SpecError("--spec '" + o.spec_file + "' must hold a JSON object");
  }
  // Flags given on the command line override the file.
  const std::pair<const char*, const std::string*> flags[] = {
      {"problem", &o.problem}, {"oracle", &o.oracle}, {"method", &o.method}, {"schedule", &o.schedule},
      {"d", &o.d}, {"T", &o.T}, {"replicates", &o.replicates}, {"seed", &o.seed}, {"batch", &o.batch},
      {"checkpoints_per_decade", &o.checkpoints}};
  for (const auto& [key, value] : flags)
    if (!value->empty()) j[key] = *value;
  return j;
}

int run(const RunOptions& o) {
  const RunSpec spec = run_spec_from_json(gather_spec(o));
  const Experiment experiment = make_experiment(spec);
  EngineOptions engine;
  engine.threads = static_cast<unsigned>(parse_count("threads", o.threads, 0, 4096));
  engine.block = static_cast<std::uint32_t>(parse_count("block", o.block, 8, 1u << 24));
  const RunResult result = run_cpu(experiment, engine);
  const nlohmann::json j = run_json(experiment, result, engine);
  if (!o.csv.empty()) write_file_atomic(o.csv, checkpoints_csv(experiment, result));
  if (o.out.empty()) {
    std::cout << j.dump(2) << "\n";
  } else {
    write_file_atomic(o.out, j.dump(2) + "\n");
    const auto& m = j["metrics"];
    std::cout << "M1 = " << m["M1"]["mean"].get<double>() << " +- " << m["M1"]["stderr"].dump()
              << ", M2 = " << m["M2"]["mean"].get<double>() << " +- " << m["M2"]["stderr"].dump() << " ("
              << spec.replicates << " replicates, " << result.elapsed_seconds << " s); wrote " << o.out << "\n";
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "run one experiment and write its metrics as JSON");
  cmd->add_option("--problem", o->problem, "problem SPEC (default quadratic)");
  cmd->add_option("--oracle", o->oracle, "oracle SPEC (default gaussian)");
  cmd->add_option("--method", o->method, "method SPEC (default smm)");
  cmd->add_option("--schedule", o->schedule, "schedule SPEC (default theorem1; theorem2 for signsgd-sim)");
  cmd->add_option("--d", o->d, "dimension (default 256)");
  cmd->add_option("--T", o->T, "iterations (default 4096)");
  cmd->add_option("--replicates", o->replicates, "independent replicates (default 16)");
  cmd->add_option("--seed", o->seed, "seed, 0 to 2^64-1 (default 1)");
  cmd->add_option("--batch", o->batch, "minibatch size: each gradient averages this many draws (default 1)");
  cmd->add_option("--checkpoints-per-decade", o->checkpoints, "checkpoints per factor 10 of t (default 8)");
  cmd->add_option("--spec", o->spec_file, "JSON file with the same keys as the flags (flags override it)");
  cmd->add_option("--out", o->out, "write the JSON here (atomically) instead of standard output");
  cmd->add_option("--csv", o->csv, "also write the checkpoint table as CSV here");
  cmd->add_option("--threads", o->threads, "worker threads, 0 = all cores (never changes the numbers)");
  cmd->add_option("--block", o->block, "coordinates per tile, a multiple of 8 (never changes the numbers)");
  cmd->footer(catalogue());
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace signrate::cli
