#pragma once
// The JSON of fits (what `signrate fit --out` and the verify JSON hold): the I/O layer's side of
// signrate/analysis/fit.hpp.
#include <nlohmann/json.hpp>
#include <string>

#include "signrate/analysis/fit.hpp"

namespace signrate {

// {"estimate": q, "ci": [lo, hi]}.
nlohmann::json exponent_json(const analysis::Exponent& e);
// {"T": {"estimate": q, "ci": [lo, hi]}, "d": {...}, "n": {...}} for the exponents a fit has.
nlohmann::json exponents_json(const analysis::FitResult& fit);
// exponents, log_c, residuals, rms_residual, points, bootstrap.
nlohmann::json fit_result_json(const analysis::FitResult& fit);
// {"exponents": the joint fit's, "joint": fit_result_json, "separate": [fit_result_json with the
// other axes' values, ...]}.
nlohmann::json axis_fits_json(const analysis::AxisFits& fits);

}  // namespace signrate
