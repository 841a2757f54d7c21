#pragma once
// The JSON of a run's summary and of a sweep (docs/outputs.md, "JSON output"), written and read back: the
// I/O layer is the only code that turns these typed results into JSON or JSON into them.
//
// Reading checks what it reads: a missing key or a value of the wrong kind is a SpecError of one
// line naming the key's path (e.g. `sweep JSON: points[2].metrics has no "M1"`). JSON has no NaN
// or infinity: a mean or value written as null reads back as NaN, and a declared constant that is
// null and listed in its object's "infinite" reads back as infinity (put_constant; the strings
// "inf" and "-inf" of older sweeps read too).
#include <nlohmann/json.hpp>
#include <string>

#include "signrate/run_summary.hpp"
#include "signrate/sweep_result.hpp"

namespace signrate {

// {"name": ..., key: value...}: reals as reals, integers as integers, lists as arrays.
nlohmann::json resolved_component_json(const ResolvedComponent& component);
// The resolved spec; without d, T and nodes when `with_grid_axes` is false (a sweep's base spec).
nlohmann::json resolved_spec_json(const ResolvedSpec& spec, bool with_grid_axes = true);
nlohmann::json problem_declared_json(const ProblemDeclared& declared);  // as Problem::declared()
nlohmann::json oracle_declared_json(const OracleDeclared& declared);    // as Oracle::declared()
nlohmann::json communication_json(const Communication& communication);
// The run's part of its JSON: spec, schedule, problem_declared, oracle_declared, metrics,
// per_replicate, checkpoints, and communication for a distributed run.
nlohmann::json run_summary_json(const RunSummary& summary);
// {"oracle.sigma": 0.5, ...}
nlohmann::json varied_json(const VariedValues& values);

// The sweep JSON: version, kind "sweep", seed, spec (the base), grid {d, T, n, vary}, points, and
// command when one is recorded.
nlohmann::json sweep_json(const SweepResult& sweep);
// The sweep as one tidy CSV table (`signrate sweep --csv`): a row per point and measure, columns
// point, d, T, n, each varied parameter (e.g. oracle.sigma), seed, measure (M1, M2, final_grad_l1,
// final_grad_l2, final_gap, final_x_mean), mean, stderr; a missing value (one replicate's stderr,
// a gap without f*) is nan. Numbers with 17 significant digits.
std::string sweep_csv(const SweepResult& sweep);
// A sweep JSON (as sweep_json writes it) back as a SweepResult; sweeps written before the n axis
// (no "n") ran one node.
SweepResult sweep_from_json(const nlohmann::json& j);

}  // namespace signrate
