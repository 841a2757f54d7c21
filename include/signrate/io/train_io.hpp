#pragma once
// Train JSONs (`signrate train --out`) read for `signrate report`: the I/O layer's side of
// signrate/analysis/training_report.hpp.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/analysis/training_report.hpp"

namespace signrate {

// A JSON written by signrate train: its spec names a model and an optimizer.
bool is_train_json(const nlohmann::json& j);

// One curve per input, named `names[k]` in messages: a single run (its log), a --seeds run (the mean
// and sample standard deviation over its runs' logs, interval by interval) or a --vary grid (its
// best point, so drawn). SpecError naming the input and the path when one has another shape or its
// seeds' logs differ in their intervals.
analysis::TrainingReport training_report_from_json(const std::vector<nlohmann::json>& inputs,
                                                   const std::vector<std::string>& names);

}  // namespace signrate
