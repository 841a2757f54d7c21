#pragma once
// A run's outputs as users keep them: the JSON of a run (docs/outputs.md, "JSON output") and the CSV of
// its checkpoints. The I/O layer: nothing below it reads or writes JSON of results.
#include <nlohmann/json.hpp>
#include <string>

#include "signrate/engine.hpp"
#include "signrate/experiment.hpp"
#include "signrate/run_result.hpp"

namespace signrate {

// The public JSON of a run (docs/outputs.md, "JSON output"): spec, version, seed, metrics, checkpoints...
nlohmann::json run_json(const Experiment& experiment, const RunResult& result, const EngineOptions& options);
// A distributed run's communication: bits per coordinate each way, bytes per node and step (signs
// packed in 64-bit words), totals, zeros sent up, ties sent down, and R and clipping for S_R methods.
nlohmann::json communication_json(const Experiment& experiment, const RunResult& result);
// The checkpoint table as CSV, one row per checkpoint.
std::string checkpoints_csv(const Experiment& experiment, const RunResult& result);

}  // namespace signrate
