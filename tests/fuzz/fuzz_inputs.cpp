#include "fuzz_inputs.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>

#include "signrate/analysis/fit.hpp"
#include "signrate/analysis/report.hpp"
#include "signrate/engine.hpp"
#include "signrate/error.hpp"
#include "signrate/experiment.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/io/fit_io.hpp"
#include "signrate/io/report_io.hpp"
#include "signrate/io/run_output.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/io/verify_io.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/text.hpp"

namespace signrate::fuzz {

namespace {

// Small enough that every accepted input runs in microseconds.
bool small(const RunSpec& s) {
  return s.d <= 64 && s.T <= 256 && s.replicates <= 4 && s.nodes <= 8 && s.batch <= 8;
}

EngineOptions one_thread() {
  EngineOptions e;
  e.threads = 1;
  return e;
}

// A run's outputs as the CLI writes them: the JSON text and the CSV.
void run_and_write(const RunSpec& spec) {
  // As the CLI: the memory is planned before the experiment is made (here a fixed 256 MiB).
  check_memory(planned_run_bytes(spec, 1), "the run", 256u << 20);
  const Experiment e = make_experiment(spec);
  if (!small(spec)) return;
  const RunResult r = run(e, one_thread());
  nlohmann::json j = run_json(e, r, one_thread());
  j["command"] = "signrate fuzz";
  (void)cli::json_text(j);
  (void)checkpoints_csv(e, r);
}

void fuzz_spec(const std::string& text) {
  for (const char* part : {"problem", "oracle", "method", "schedule"}) {
    nlohmann::json j = {{part, text}, {"d", 8}, {"T", 32}, {"replicates", 2}};
    if (std::string(part) == "method") j["nodes"] = 3;  // the distributed methods run too
    try {
      run_and_write(run_spec_from_json(j));
    } catch (const SpecError&) {
      if (std::string(part) != "method") continue;
      j.erase("nodes");  // a single-node method
      try {
        run_and_write(run_spec_from_json(j));
      } catch (const SpecError&) {
      } catch (const RunError&) {
      }
    } catch (const RunError&) {
    }
  }
}

void fuzz_run(const std::string& text) {
  const nlohmann::json j = cli::parse_json_text(text, "--spec");
  RunSpec spec = run_spec_from_json(j);
  run_and_write(spec);
}

void fuzz_fit(const std::string& text) {
  const SweepResult sweep = sweep_from_json(cli::parse_json_text(text, "fit"));
  analysis::FitOptions fo;
  fo.bootstrap = 100;
  for (const VaryGroup& group : split_by_vary(sweep))
    for (const char* part : {"upper-half", "all"}) {
      const analysis::AxisFits fits = analysis::fit_axes(analysis::grid_points(group.sweep, "M1", part), fo);
      (void)cli::json_text(axis_fits_json(fits));
    }
}

void fuzz_report(const std::string& text) {
  // A sweep, verify or train JSON, as `signrate report` reads it: everything up to the first figure
  // (the page's folder does not exist, so the outputs are refused once the page is built).
  const std::vector<nlohmann::json> docs = {cli::parse_json_text(text, "report")};
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  ro.gnuplot = "/nonexistent/gnuplot";
  try {
    (void)write_report_from_json(docs, {"input.json"}, "/nonexistent/report.html", ro);
  } catch (const SpecError&) {
  }
  ro.theorem = "thm1";
  (void)write_report_from_json(docs, {"input.json"}, "/nonexistent/report.html", ro);
}

[[noreturn]] void finding(Target target, const std::string& input, const std::string& what) {
  std::fprintf(stderr, "fuzz finding in %s: %s\ninput (%zu bytes): %s\n", target_name(target),
               printable(what).c_str(), input.size(), printable(input.substr(0, 2000)).c_str());
  std::abort();
}

}  // namespace

const char* target_name(Target t) {
  switch (t) {
    case Target::kSpec:
      return "spec";
    case Target::kRun:
      return "run";
    case Target::kFit:
      return "fit";
    case Target::kReport:
      return "report";
  }
  return "?";
}

void fuzz_one(Target target, const std::string& input) {
  try {
    switch (target) {
      case Target::kSpec:
        fuzz_spec(input);
        break;
      case Target::kRun:
        fuzz_run(input);
        break;
      case Target::kFit:
        fuzz_fit(input);
        break;
      case Target::kReport:
        fuzz_report(input);
        break;
    }
  } catch (const SpecError&) {
  } catch (const RunError&) {
  } catch (const std::exception& e) {
    finding(target, input, std::string("an exception that is not SpecError or RunError: ") + e.what());
  } catch (...) {
    finding(target, input, "an exception that is not a std::exception");
  }
}

}  // namespace signrate::fuzz
