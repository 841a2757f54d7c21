// signrate sweep: one run per point of a (d, T, n) grid, all in one JSON.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "signrate/analysis/fit.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/catalogue.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/jobs.hpp"
#include "signrate/frontend/progress_bar.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/sweep.hpp"

namespace signrate::cli {

namespace {

struct SweepOptions {
  SpecFlags spec;
  std::vector<std::string> vary;
  std::string out, csv;
  bool quiet = false;
};

int sweep(const SweepOptions& o) {
  // The files first: an output that is the --spec file is refused before the file is read.
  const std::string json_path = o.out.empty() ? "-" : o.out;
  OutputFiles files;
  files.add_input("--spec", o.spec.spec_file);
  files.add("--out", json_path);
  if (!o.csv.empty()) files.add("--csv", o.csv);
  const PreparedSweep prepared = prepare_sweep(o.spec, o.vary);
  const SweepSpec& s = prepared.spec;
  EngineOptions engine = prepared.engine;
  const double planned = prepared.planned_bytes;
  // A sweep that fit cannot take runs (it may be for something else), but says so first.
  if (s.base.replicates < analysis::kMinReplicatesForBootstrap && !o.quiet)
    std::cerr << "sweep: note: fit and verify need at least " << analysis::kMinReplicatesForBootstrap
              << " replicates per point (their bootstrap); this sweep has " << s.base.replicates
              << ", so it cannot be fitted\n";
  set_activity("running the sweep (planned about " + format_bytes(planned) + ")");
  SweepResult result;
  const auto start = std::chrono::steady_clock::now();
  {
    ProgressBar bar("sweep", !o.quiet);
    const SweepSize size = sweep_size(s);
    bar.expect(size.coordinate_steps, size.points);
    engine.progress = bar.meter();
    result = run_sweep(s, engine);
  }
  result.command = command_line();
  set_activity("writing the outputs");
  if (!o.csv.empty()) files.set(o.csv, sweep_csv(result));
  files.set(json_path, json_text(sweep_json(result)));
  files.commit();
  // One line, as run prints one (to standard error when the JSON went to standard output).
  (is_stdout_target(json_path) ? std::cerr : std::cout)
      << "sweep: " << result.points.size() << " points, " << s.base.replicates << " replicates each ("
      << format_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count())
      << "); wrote " << json_path << (o.csv.empty() ? "" : " and " + o.csv) << "\n";
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd =
      app.add_subcommand("sweep", "run a grid of d, T (and n) and write every point's metrics as JSON");
  add_spec_flags(cmd, o->spec, true);
  cmd->get_option("--nodes")->description(
      "simulated nodes n: a,b,c or lo:hi:xF or lo:hi:+S (default 1; n > 1 needs a distributed method)");
  cmd->add_option("--vary", o->vary,
                  "sweep a spec parameter too, COMPONENT.KEY=VALUES (e.g. oracle.sigma=0.5,1,2 or "
                  "schedule.eta_scale=0.25:4:x2); repeatable: every combination is run");
  cmd->add_option("--out", o->out,
                  "write the JSON here (atomically; - or /dev/stdout: standard output, the default)");
  cmd->add_option("--csv", o->csv,
                  "also write the points as CSV here: a row per point and measure (point, d, T, n, "
                  "varied parameters, seed, measure, mean, stderr)");
  add_quiet_flag(cmd, o->quiet);
  add_catalogue_pointer(*cmd);
  cmd->callback([o, &exit_code] { exit_code = sweep(*o); });
}

}  // namespace signrate::cli
