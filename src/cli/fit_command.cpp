// signrate fit: fitted exponents of M1 (or M2) in d, T and n from a sweep, with bootstrap CIs.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "signrate/analysis/fit.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/jobs.hpp"
#include "signrate/io/fit_io.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/version.hpp"

namespace signrate::cli {

namespace {

struct FitCliOptions : FitFlags {
  std::string sweep_file, out, csv;
};

std::string describe(const analysis::FitResult& f) {
  std::ostringstream out;
  out.precision(4);
  out << std::fixed;
  const auto put = [&](const char* name, const std::optional<analysis::Exponent>& e) {
    if (e) out << "  " << name << ": " << e->estimate << " [" << e->ci_low << ", " << e->ci_high << "]";
  };
  put("T", f.T);
  put("d", f.d);
  put("n", f.n);
  out << "  (" << f.points << " points, rms residual " << f.rms_residual << ")";
  return out.str();
}

// Prints the joint and the separate fits of one combination of the varied parameters.
void print_fits(const analysis::AxisFits& fits, std::ostream& text) {
  text << "joint:" << describe(fits.joint) << "\n";
  for (const analysis::SeparateFit& s : fits.separate) {
    text << "at";
    for (std::size_t k = 0; k < s.at.size(); ++k)
      text << (k ? ", " : " ") << s.at[k].first << " = " << s.at[k].second;
    text << ":" << describe(s.fit) << "\n";
  }
}

int fit(const FitCliOptions& o) {
  OutputFiles files;
  files.add_input("the sweep", o.sweep_file);
  if (!o.out.empty()) files.add("--out", o.out);
  if (!o.csv.empty()) files.add("--csv", o.csv);
  // With the JSON on standard output, the table goes to standard error.
  std::ostream& text = !o.out.empty() && is_stdout_target(o.out) ? std::cerr : std::cout;
  const nlohmann::json input = read_json_file(o.sweep_file, "fit");
  // Every fit first, so a fit that cannot be made is the only output (nothing printed before it).
  const FitOutcome outcome = fit_input(input, o);
  const nlohmann::json& j = outcome.json;
  text << o.measure << " = C d^p T^q (n^r where n varies), fitted on "
       << (o.part == "all" ? "every T value" : "the upper half of the T values") << " ("
       << outcome.level * 100 << "% bootstrap CIs over replicates)\n";
  for (const FitGroup& group : outcome.groups) {
    if (!group.vary.empty()) text << "with " << varied_json(group.vary).dump() << "\n";
    print_fits(group.fits, text);
  }
  if (!o.out.empty()) files.set(o.out, json_text(j));
  if (!o.csv.empty()) files.set(o.csv, fit_csv(o.measure, o.part, outcome.level, outcome.groups));
  files.commit();
  return 0;
}

}  // namespace

void add_fit_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<FitCliOptions>();
  CLI::App* cmd =
      app.add_subcommand("fit", "fit M = C d^p T^q (n^r) to a sweep, with bootstrap confidence intervals");
  cmd->footer(
      "Exit codes: 0 ok, 1 failed (an output could not be written), 2 bad input.");  // not the catalogue
  cmd->add_option("sweep", o->sweep_file,
                  "a sweep JSON written by signrate sweep, or a verify JSON (one family's sweep)")
      ->required();
  cmd->add_option("--family", o->family,
                  "with a verify JSON of several families: the family whose name starts with this");
  cmd->add_option("--measure", o->measure, "M1 (default) or M2");
  cmd->add_option("--part", o->part, "upper-half (default: the larger half of the T values) or all");
  cmd->add_option("--bootstrap", o->bootstrap, "bootstrap resamples (default 1000, at least 100)");
  cmd->add_option("--level", o->level, "confidence level (default 0.95)");
  cmd->add_option("--seed", o->seed, "seed of the bootstrap (default 1)");
  cmd->add_option("--out", o->out,
                  "also write the fit as JSON here (exponents.T.estimate, exponents.T.ci, ...)");
  cmd->add_option("--csv", o->csv,
                  "also write the exponents as CSV here: a row per exponent (measure, part, varied "
                  "parameters, fit, at_d, at_T, at_n, axis, estimate, ci_low, ci_high, level, points, "
                  "rms_residual)");
  cmd->callback([o, &exit_code] { exit_code = fit(*o); });
}

}  // namespace signrate::cli
