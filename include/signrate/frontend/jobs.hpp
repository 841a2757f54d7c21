#pragma once
// The work behind run, sweep, fit and verify, from their options as text (the command line's
// words) to what they compute, shared by the CLI and the Python module so that both validate,
// plan and compute the same way and write the same JSON.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/analysis/fit.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/engine.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/io/fit_io.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/sweep.hpp"
#include "signrate/sweep_result.hpp"

namespace signrate::cli {

// A run checked and planned: its spec, engine options and planned memory (check_memory passed).
struct PreparedRun {
  RunSpec spec;
  EngineOptions engine;
  double planned_bytes = 0;
};
PreparedRun prepare_run(const SpecFlags& flags);

// A sweep checked and planned (the grids of --d, --T, --nodes, the --vary parameters).
struct PreparedSweep {
  SweepSpec spec;
  EngineOptions engine;
  double planned_bytes = 0;
};
PreparedSweep prepare_sweep(const SpecFlags& flags, const std::vector<std::string>& vary);

// verify's options as the command line gives them.
struct VerifyFlags {
  std::string theorem, family, problem, oracle, method, schedule, compare, d, T, nodes, replicates,
      seed = "1", batch = "1";
  std::string tolerance = "0.05", dominance, bootstrap = "1000", threads = "0", block = "256", device;
  bool allow_violations = false;
};
analysis::VerifyOptions verify_options(const VerifyFlags& flags);

// fit's options as the command line gives them.
struct FitFlags {
  std::string measure = "M1", part = "upper-half", bootstrap = "1000", level = "0.95", seed = "1", family;
};
struct FitOutcome {
  std::vector<FitGroup> groups;
  nlohmann::json json;  // fit's JSON (version, measure, part, level, the fits)
  double level = 0.95;
};
// Fits a sweep output, or one family's sweep in a verify output (`family`: the start of its name).
// SpecError saying what to do when a fit cannot be made (--part all, more replicates).
FitOutcome fit_input(const nlohmann::json& input, const FitFlags& flags);

}  // namespace signrate::cli
