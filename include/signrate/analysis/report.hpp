#pragma once
// Self-contained HTML reports of sweeps and verifications (issue: "report"): log-log figures of
// M1 and M2 against T for each d and against d for each T, drawn by gnuplot (SVG inlined in the
// page, PNG written beside it) with the fitted line, the theorem's slope and its explicit bound (each
// in the key), the fit table, the verdicts with the M/term slopes that decided them, and the exact
// command that reproduces the input.
#include <string>
#include <vector>

#include "signrate/analysis/page.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/sweep_result.hpp"

namespace signrate::analysis {

struct ReportOptions {
  std::string theorem;             // for a sweep: draw and tabulate this theorem's exponents (optional)
  std::uint32_t bootstrap = 1000;  // for a sweep: the fit's bootstrap resamples
  std::string gnuplot = "gnuplot";
  std::vector<std::string> inputs;  // the files read: no output (page or PNG) may replace one
};

// Writes the page to html_path (atomically) and the PNG figures beside it, named
// <html_path without .html>-<k>.png; returns the PNG paths. The input is a sweep (one section per
// combination of its varied parameters) or a verification (one section per family); a sweep or
// verify JSON is read by signrate/io/verify_io.hpp's report_input_from_json. Throws RunError
// when gnuplot fails.
// The page write_report writes (its figures not drawn yet).
Page report_page(const SweepResult& sweep, const ReportOptions& options);
Page report_page(const VerifyReport& report, const ReportOptions& options);

std::vector<std::string> write_report(const SweepResult& sweep, const std::string& html_path,
                                      const ReportOptions& options);
// Several sweeps of the same grid on one plot (signSGD and SMM under the same noise, say): each
// sweep's spec and fits, then every figure with all their curves, each labelled by what tells the
// sweeps apart (the method, the oracle, ...). `names` name the inputs in messages. SpecError when
// the grids differ (d, T or n values), naming both.
Page overlay_page(const std::vector<SweepResult>& sweeps, const std::vector<std::string>& names,
                  const ReportOptions& options);
std::vector<std::string> write_report(const std::vector<SweepResult>& sweeps, const std::string& html_path,
                                      const ReportOptions& options);
std::vector<std::string> write_report(const VerifyReport& report, const std::string& html_path,
                                      const ReportOptions& options);

}  // namespace signrate::analysis
