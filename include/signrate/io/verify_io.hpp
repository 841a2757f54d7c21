#pragma once
// The JSON of a verification (`signrate verify --out`) and the inputs of `signrate report`: the
// I/O layer's side of signrate/analysis/verify.hpp.
#include <nlohmann/json.hpp>
#include <variant>

#include "signrate/analysis/verify.hpp"
#include "signrate/sweep_result.hpp"

namespace signrate {

// "families": [{name, specs, violations, fit: {exponents, ...}, rate, ratio_fit, predicted,
// verdicts, worst_bound_ratio (verdicts.bound_holds and it null without a bound), sweep (each
// point with its bound where the theorem has one)}], and command when one is recorded.
nlohmann::json verify_json(const analysis::VerifyReport& report);
// A verify JSON back as a VerifyReport (as verify_json wrote it; fits without fitted_log_mean, each
// family's d, T and replicates from its sweep).
analysis::VerifyReport verify_from_json(const nlohmann::json& j);

// What `signrate report` draws: a sweep JSON or a verify JSON, read; SpecError for neither.
using ReportInput = std::variant<SweepResult, analysis::VerifyReport>;
ReportInput report_input_from_json(const nlohmann::json& j);

}  // namespace signrate
