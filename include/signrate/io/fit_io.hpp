#pragma once
// The JSON of fits (what `signrate fit --out` and the verify JSON hold): the I/O layer's side of
// signrate/analysis/fit.hpp.
#include <nlohmann/json.hpp>
#include <string>

#include "signrate/analysis/fit.hpp"
#include "signrate/sweep_result.hpp"

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

// One combination of a sweep's varied parameters (empty when none vary) and its fits.
struct FitGroup {
  VariedValues vary;
  analysis::AxisFits fits;
};
// The fits as one tidy CSV table (`signrate fit --csv`): a row per exponent, columns measure, part,
// each varied parameter, fit (joint, or separate: one axis alone at fixed values of the others),
// at_d, at_T, at_n (those fixed values; empty for the joint fit and the axis fitted), axis,
// estimate, ci_low, ci_high, level, points, rms_residual.
std::string fit_csv(const std::string& measure, const std::string& part, double level,
                    const std::vector<FitGroup>& groups);

}  // namespace signrate
