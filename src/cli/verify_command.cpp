// signrate verify thmK: sweep the theorem's canonical family, fit, and print the verdicts.
#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/jobs.hpp"
#include "signrate/frontend/progress_bar.hpp"
#include "signrate/io/verify_io.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/sweep.hpp"

namespace signrate::cli {

namespace {

constexpr const char* kVerdictHelp =
    R"(Verdicts (docs/theory.md, "Verdicts"), per family and for the whole run (the worst):
  holds                  every tested exponent within the tolerance of its term's, the bound holds.
  holds, loose           an exponent better than its term's (the measure falls faster): exit 0.
  holds, pre-asymptotic  an exponent worse than its term's, but the excess shrinks over the T windows
                         (a start-up phase): exit 0 with a warning; --strict makes it exit 3.
  inconclusive           no term of the rate dominates anywhere on the grid (the output names the
                         condition a grid must meet), or the theorem's assumptions fail: exit 4.
  exceeded, outside the theorem's hypotheses
                         what "violated" says, on a family with another schedule or method than the
                         theorem's (--schedule, --method, --compare): the theorem promises nothing
                         there, so it is not contradicted; exit 3, so a regression test still gates.
  violated               the explicit bound fails at a point (mean + 1.96 SE above it), or an exponent
                         is worse than its term's at every T window on an axis along which the term
                         keeps dominating, on the theorem's own schedule and method: exit 3.
An exponent is tight when its CI, widened by the tolerance on each side, contains the prediction
(a narrow CI may exclude the prediction and still be tight).
A rate that is a sum or a max is checked term by term, each where it exceeds the others by the
dominance factor; an exponent worse toward a crossover (another term takes over as that axis
grows) is bounded by the regime and counts as holding. Exit codes: 0 holds, 1 the run failed,
2 bad input, 3 exceeded or violated, 4 inconclusive.)";

struct VerifyCliOptions : VerifyFlags {
  std::string out;
  bool strict = false, quiet = false;
};

int verify(const VerifyCliOptions& o) {
  analysis::VerifyOptions v = verify_options(o);
  OutputFiles files;
  if (!o.out.empty()) files.add("--out", o.out);
  set_activity("running the verification");
  analysis::VerifyReport report;
  {
    ProgressBar bar("verify", !o.quiet);  // verify announces every family's work to it
    v.engine.progress = bar.meter();
    report = analysis::verify(v);
  }
  // With the JSON on standard output, the table goes to standard error.
  (!o.out.empty() && is_stdout_target(o.out) ? std::cerr : std::cout) << report.table();
  if (!o.out.empty()) {
    report.command = command_line();
    files.set(o.out, json_text(verify_json(report)));
    files.commit();
  }
  if (report.verdict() == analysis::Verdict::kPreAsymptotic)
    std::cerr
        << "signrate verify: warning: an exponent is worse than the theorem's but the excess shrinks as T "
           "grows (pre-asymptotic)"
        << (o.strict ? "; --strict makes this exit 3" : "; --strict would make this exit 3") << "\n";
  return report.exit_code(o.strict);
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<VerifyCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "check a theorem's rate and bound on its canonical family; exit 3 if the theorem is violated");
  cmd->footer(kVerdictHelp);
  std::string ids;
  for (const auto& t : analysis::theorem_registry()) ids += (ids.empty() ? "" : ", ") + t.id;
  cmd->add_option("theorem", o->theorem, ids + " (thm4 is registered, but its formula is not in our copy)")
      ->required();
  cmd->add_option("--family", o->family,
                  "run only the families whose name starts with this (e.g. plateau for thm3)");
  cmd->add_option("--problem", o->problem, "replace the family's problem SPEC");
  cmd->add_option("--oracle", o->oracle, "replace the family's oracle SPEC (e.g. student-t:nu=3)");
  cmd->add_option("--method", o->method, "replace the method (e.g. signsgd, signum; mvsm-v1:R=2 for thm3)");
  cmd->add_option("--schedule", o->schedule, "replace the schedule (e.g. theorem2 to drop the d-factor)");
  cmd->add_option(
      "--compare", o->compare,
      "methods to run beside, comma-separated (e.g. signsgd,signum; for thm3/thm5 distributed ones, "
      "e.g. signsgd-mv,sto-signsgd:R=1)");
  cmd->add_option("--d", o->d, "d grid (default: the family's, e.g. 16,64,256,1024 for thm1)")
      ->type_name("GRID");
  cmd->add_option("--T", o->T, "T grid (default: the family's, e.g. 1024:65536:x4 for thm1)")
      ->type_name("GRID");
  cmd->add_option("--nodes", o->nodes, "n grid of simulated nodes (default: the family's; 1 for thm1, thm2)")
      ->type_name("GRID");
  cmd->add_option("--replicates", o->replicates, "replicates per point (default: the family's, at least 4)");
  cmd->add_option("--seed", o->seed, "seed (default 1)");
  cmd->add_option("--batch", o->batch, "minibatch size (default 1)");
  cmd->add_option(
      "--tolerance", o->tolerance,
      "tolerance on the slopes of log(M / rate): on the exponents for a one-term rate (default 0.05)");
  cmd->add_option("--bootstrap", o->bootstrap, "bootstrap resamples (default 1000)");
  cmd->add_option(
      "--dominance", o->dominance,
      "a term of a sum or max rate is fitted where it exceeds the others by this factor (default: "
      "the theorem's, 10; 1 for thm5, whose terms never differ 10x on a feasible grid)");
  cmd->add_flag("--strict", o->strict, "exit 3 also for a pre-asymptotic excess");
  cmd->add_flag("--allow-violations", o->allow_violations, "run even where the theorem's assumptions fail");
  cmd->add_option("--threads", o->threads, "worker threads, 0 = all cores");
  cmd->add_option("--block", o->block, "coordinates per tile, a multiple of 32");
  cmd->add_option("--device", o->device, kDeviceHelp);
  cmd->add_option("--out", o->out, "write the report as JSON here (families[].fit.exponents, verdicts, ...)");
  add_quiet_flag(cmd, o->quiet);
  cmd->callback([o, &exit_code] { exit_code = verify(*o); });
}

}  // namespace signrate::cli
