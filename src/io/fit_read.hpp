#pragma once
// Reading fits back from JSON (for the verify JSON's reader).
#include "json_read.hpp"
#include "signrate/analysis/fit.hpp"

namespace signrate {

// An exponent_json object.
analysis::Exponent read_exponent(const io::Reader& exponent);
// Sets fit.T, fit.d, fit.n from an exponents_json object.
void read_exponents(const io::Reader& exponents, analysis::FitResult& fit);
// A fit_result_json object; fitted_log_mean is not written, so it reads empty.
analysis::FitResult read_fit(const io::Reader& fit);

}  // namespace signrate
