#pragma once
// A RunSpec from JSON (a --spec file, or the CLI's flags gathered under the same keys).
#include <nlohmann/json.hpp>
#include <string>

#include "signrate/experiment.hpp"

namespace signrate {

// Keys: problem, oracle, method, schedule (SPEC strings or {"name": ...} objects), d, T,
// replicates, seed, batch, checkpoints_per_decade (integers, or strings holding integers).
// Unknown keys and out-of-range values are SpecErrors naming the value and what is allowed.
RunSpec run_spec_from_json(const nlohmann::json& j);

// Parses an integer option given as text, with the same messages as run_spec_from_json.
std::uint64_t parse_count(const std::string& key, const nlohmann::json& value, std::uint64_t lo,
                          std::uint64_t hi);

}  // namespace signrate
