// signrate fit: fitted exponents of M1 (or M2) in d and T from a sweep, with bootstrap CIs.
#include <iostream>
#include <memory>
#include <map>
#include <sstream>

#include "analysis/verify.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "signrate/error.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/sweep.hpp"
#include "signrate/version.hpp"

namespace signrate::cli {

namespace {

struct FitCliOptions {
  std::string sweep_file, measure = "M1", part = "upper-half", bootstrap = "1000", level = "0.95", seed = "1", out;
};

nlohmann::json fit_json(const analysis::FitResult& f) {
  return {{"exponents", analysis::exponents_json(f)}, {"log_c", f.log_c},         {"residuals", f.residuals},
          {"rms_residual", f.rms_residual},           {"points", f.points}, {"bootstrap", f.bootstrap}};
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
  out << "  (" << f.points << " points, rms residual " << f.rms_residual << ")";
  return out.str();
}

// The joint fit over every regressor that varies, then separate fits at each fixed d and each
// fixed T that has 3 points or more, for one combination of the varied parameters.
nlohmann::json fit_group(const nlohmann::json& group, const FitCliOptions& o, analysis::FitOptions fo) {
  const std::vector<analysis::GridPoint> points = analysis::grid_points(group, o.measure, o.part);
  nlohmann::json j;
  if (!group["vary"].empty()) std::cout << "with " << group["vary"].dump() << "\n";
  fo.regressors = analysis::varying_regressors(points);
  const analysis::FitResult all = analysis::fit_power_law(points, fo);
  j["exponents"] = analysis::exponents_json(all);
  j["joint"] = fit_json(all);
  std::cout << "joint:" << describe(all) << "\n";
  j["separate"] = nlohmann::json::array();
  for (const char* fixed : {"d", "T"}) {
    std::map<double, std::vector<analysis::GridPoint>> by_value;
    for (const auto& p : points) by_value[fixed[0] == 'd' ? p.d : p.T].push_back(p);
    if (by_value.size() < 2) continue;
    for (const auto& [value, members] : by_value) {
      if (members.size() < 3) continue;
      fo.regressors = {fixed[0] == 'd' ? "T" : "d"};
      const analysis::FitResult f = analysis::fit_power_law(members, fo);
      nlohmann::json g = fit_json(f);
      g[fixed] = value;
      j["separate"].push_back(g);
      std::cout << "at " << fixed << " = " << value << ":" << describe(f) << "\n";
    }
  }
  return j;
}

int fit(const FitCliOptions& o) {
  const nlohmann::json sweep = read_json_file(o.sweep_file, "fit");
  analysis::FitOptions fo;
  fo.bootstrap = static_cast<std::uint32_t>(parse_count("bootstrap", o.bootstrap, 100, 1000000));
  fo.seed = parse_count("seed", o.seed, 0, ~0ULL);
  fo.level = parse_real_option("level", o.level, open_unit());
  nlohmann::json j;
  j["version"] = kVersion;
  j["measure"] = o.measure;
  j["part"] = o.part;
  j["level"] = fo.level;
  std::cout << o.measure << " = C d^p T^q, fitted on the " << o.part << " of T (" << fo.level * 100
            << "% bootstrap CIs over replicates)\n";
  const std::vector<nlohmann::json> groups = split_by_vary(sweep);
  for (const nlohmann::json& group : groups) {
    nlohmann::json g = fit_group(group, o, fo);
    if (groups.size() == 1) {
      j.update(g);
    } else {
      g["vary"] = group["vary"];
      j["groups"].push_back(g);
    }
  }
  if (!o.out.empty()) emit_json(j, o.out);
  return 0;
}

}  // namespace

void add_fit_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<FitCliOptions>();
  CLI::App* cmd = app.add_subcommand("fit", "fit M = C d^p T^q to a sweep, with bootstrap confidence intervals");
  cmd->add_option("sweep", o->sweep_file, "a sweep JSON written by signrate sweep")->required();
  cmd->add_option("--measure", o->measure, "M1 (default) or M2");
  cmd->add_option("--part", o->part, "upper-half (default: the larger half of the T values) or all");
  cmd->add_option("--bootstrap", o->bootstrap, "bootstrap resamples (default 1000, at least 100)");
  cmd->add_option("--level", o->level, "confidence level (default 0.95)");
  cmd->add_option("--seed", o->seed, "seed of the bootstrap (default 1)");
  cmd->add_option("--out", o->out, "also write the fit as JSON here (exponents.T.estimate, exponents.T.ci, ...)");
  cmd->callback([o, &exit_code] { exit_code = fit(*o); });
}

}  // namespace signrate::cli
