#pragma once
// `signrate report`'s inputs to its page: one sweep or verify JSON, or train JSONs (one curve per
// file). The CLI, the tests and the fuzz driver all draw a page through this one function.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/analysis/report.hpp"

namespace signrate {

// Writes the page of `docs` (read from the files `names`) to html_path and its PNGs beside it;
// returns the PNG paths. `theorem` (ReportOptions::theorem) only for one sweep JSON. SpecError for
// an input of no known shape, a theorem that does not apply, or an output that would replace an
// input (names are checked against html_path and every PNG); RunError when a figure cannot be drawn.
std::vector<std::string> write_report_from_json(const std::vector<nlohmann::json>& docs,
                                                const std::vector<std::string>& names,
                                                const std::string& html_path,
                                                const analysis::ReportOptions& options);

}  // namespace signrate
