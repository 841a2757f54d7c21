// signrate run: one experiment (problem x oracle x method x schedule x d, T, replicates, seed).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/catalogue.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/jobs.hpp"
#include "signrate/frontend/progress_bar.hpp"
#include "signrate/io/run_output.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"

namespace signrate::cli {

namespace {

struct RunOptions {
  SpecFlags spec;
  std::string out, csv;
  bool quiet = false;
};

int run(const RunOptions& o) {
  // The files first: an output that is the --spec file is refused before the file is read.
  const std::string json_path = o.out.empty() ? "-" : o.out;
  OutputFiles files;
  files.add_input("--spec", o.spec.spec_file);
  files.add("--out", json_path);
  if (!o.csv.empty()) files.add("--csv", o.csv);
  const PreparedRun prepared = prepare_run(o.spec);
  const RunSpec& spec = prepared.spec;
  EngineOptions engine = prepared.engine;
  set_activity("running the experiment (planned about " + format_bytes(prepared.planned_bytes) + ")");
  const Experiment experiment = make_experiment(spec);
  RunResult result;
  {
    ProgressBar bar("run", !o.quiet);
    bar.expect(coordinate_steps(spec), 0);
    engine.progress = bar.meter();
    result = run(experiment, engine);
  }
  engine.progress = nullptr;
  set_activity("writing the outputs");
  nlohmann::json j = run_json(experiment, result, engine);
  j["command"] = command_line();
  if (!o.csv.empty()) files.set(o.csv, checkpoints_csv(experiment, result));
  files.set(json_path, json_text(j));
  files.commit();
  // The one-line summary: to stdout beside a file, to stderr when the JSON takes stdout.
  const bool to_stdout = is_stdout_target(json_path);
  if (!to_stdout || !o.quiet)
    (to_stdout ? std::cerr : std::cout)
        << metrics_line(j["metrics"]) << " (" << spec.replicates << " replicates, "
        << format_seconds(result.elapsed_seconds) << ")"
        << (to_stdout ? "; the JSON went to standard output" : "; wrote " + o.out) << "\n";
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "run one experiment and write its metrics as JSON");
  add_spec_flags(cmd, o->spec, false);
  cmd->add_option("--out", o->out,
                  "write the JSON here (atomically; - or /dev/stdout: standard output, the default)");
  cmd->add_option("--csv", o->csv, "also write the checkpoint table as CSV here");
  add_quiet_flag(cmd, o->quiet);
  add_catalogue_pointer(*cmd);
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace signrate::cli
