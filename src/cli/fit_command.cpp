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
#include "signrate/io/fit_io.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/version.hpp"

namespace signrate::cli {

namespace {

struct FitCliOptions {
  std::string sweep_file, measure = "M1", part = "upper-half", bootstrap = "1000", level = "0.95", seed = "1",
                          out, csv, family;
};

// The sweep in fit's input: a sweep output itself, or one family's sweep in a verify output (the
// family whose name starts with --family; the only one when there is one).
nlohmann::json sweep_in(const nlohmann::json& input, const std::string& family) {
  if (!input.is_object() || !input.contains("families") || !input["families"].is_array()) {
    if (!family.empty())
      throw SpecError("--family '" + family + "' is not allowed: the input is not a verify output");
    return input;
  }
  std::vector<const nlohmann::json*> hits;
  std::string names;
  for (const nlohmann::json& f : input["families"]) {
    const std::string name = f.value("name", "");
    names += (names.empty() ? "" : "; ") + name;
    if (name.compare(0, family.size(), family) == 0 && f.contains("sweep")) hits.push_back(&f);
  }
  if (hits.size() != 1)
    throw SpecError("the verify output has " + std::to_string(input["families"].size()) +
                    (input["families"].size() == 1 ? " family" : " families") + " and --family '" + family +
                    "' names " + std::to_string(hits.size()) +
                    "; allowed: --family <the start of one name>: " + names);
  return (*hits.front())["sweep"];
}

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

// What a refused fit can do instead: fit every T value (when the upper half drops points), or
// sweep again with enough replicates for the bootstrap.
std::string what_to_do(const SweepResult& sweep, const std::vector<analysis::GridPoint>& points,
                       const FitCliOptions& o) {
  std::string hint;
  if (o.part != "all" && analysis::grid_points(sweep, o.measure, "all").size() > points.size())
    hint += "; --part all fits every T value (the upper half holds " + std::to_string(points.size()) +
            (points.size() == 1 ? " point)" : " points)");
  for (const analysis::GridPoint& p : points)
    if (p.values.size() < analysis::kMinReplicatesForBootstrap) {
      hint += "; sweep again with --replicates " + std::to_string(analysis::kMinReplicatesForBootstrap) +
              " or more";
      break;
    }
  return hint;
}

int fit(const FitCliOptions& o) {
  OutputFiles files;
  files.add_input("the sweep", o.sweep_file);
  if (!o.out.empty()) files.add("--out", o.out);
  if (!o.csv.empty()) files.add("--csv", o.csv);
  // With the JSON on standard output, the table goes to standard error.
  std::ostream& text = !o.out.empty() && is_stdout_target(o.out) ? std::cerr : std::cout;
  const nlohmann::json input = read_json_file(o.sweep_file, "fit");
  analysis::FitOptions fo;
  fo.bootstrap = static_cast<std::uint32_t>(parse_count("bootstrap", o.bootstrap, 100, 1000000));
  fo.seed = parse_count("seed", o.seed, 0, ~0ULL);
  fo.level = parse_real_option("level", o.level, open_unit());
  nlohmann::json j;
  j["version"] = kVersion;
  j["measure"] = o.measure;
  j["part"] = o.part;
  j["level"] = fo.level;
  const SweepResult sweep = sweep_from_json(sweep_in(input, o.family));
  // Every fit first, so a fit that cannot be made is the only output (nothing printed before it).
  std::vector<FitGroup> fitted;
  for (const VaryGroup& group : split_by_vary(sweep)) {
    const std::vector<analysis::GridPoint> points = analysis::grid_points(group.sweep, o.measure, o.part);
    try {
      fitted.push_back({group.vary, analysis::fit_axes(points, fo)});
    } catch (const SpecError& e) {
      throw SpecError(e.what() + what_to_do(group.sweep, points, o));
    }
  }
  text << o.measure << " = C d^p T^q (n^r where n varies), fitted on "
       << (o.part == "all" ? "every T value" : "the upper half of the T values") << " (" << fo.level * 100
       << "% bootstrap CIs over replicates)\n";
  for (const FitGroup& group : fitted) {
    if (!group.vary.empty()) text << "with " << varied_json(group.vary).dump() << "\n";
    print_fits(group.fits, text);
    nlohmann::json g = axis_fits_json(group.fits);
    if (fitted.size() == 1) {
      j.update(g);
    } else {
      g["vary"] = varied_json(group.vary);
      j["groups"].push_back(g);
    }
  }
  if (!o.out.empty()) files.set(o.out, json_text(j));
  if (!o.csv.empty()) files.set(o.csv, fit_csv(o.measure, o.part, fo.level, fitted));
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
