// signrate fit: fitted exponents of M1 (or M2) in d, T and n from a sweep, with bootstrap CIs.
#include <algorithm>
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
  put("n", f.n);
  out << "  (" << f.points << " points, rms residual " << f.rms_residual << ")";
  return out.str();
}

double coordinate(const analysis::GridPoint& p, const std::string& axis) {
  return axis == "d" ? p.d : axis == "T" ? p.T : p.n;
}

// The joint fit over every regressor that varies, then separate fits of each varying regressor
// alone (T, then d, then n) at each fixed value of the others that has 3 points or more, for one
// combination of the varied parameters.
nlohmann::json fit_group(const nlohmann::json& group, const FitCliOptions& o, analysis::FitOptions fo) {
  const std::vector<analysis::GridPoint> points = analysis::grid_points(group, o.measure, o.part);
  nlohmann::json j;
  if (!group["vary"].empty()) std::cout << "with " << group["vary"].dump() << "\n";
  const std::vector<std::string> axes = analysis::varying_regressors(points);
  fo.regressors = axes;
  const analysis::FitResult all = analysis::fit_power_law(points, fo);
  j["exponents"] = analysis::exponents_json(all);
  j["joint"] = fit_json(all);
  std::cout << "joint:" << describe(all) << "\n";
  j["separate"] = nlohmann::json::array();
  if (axes.size() < 2) return j;
  for (const char* fitted : {"T", "d", "n"}) {
    if (std::find(axes.begin(), axes.end(), fitted) == axes.end()) continue;
    std::map<std::vector<double>, std::vector<analysis::GridPoint>> by_value;  // the other axes' values
    for (const auto& p : points) {
      std::vector<double> key;
      for (const auto& a : axes)
        if (a != fitted) key.push_back(coordinate(p, a));
      by_value[key].push_back(p);
    }
    for (const auto& [key, members] : by_value) {
      if (members.size() < 3) continue;
      fo.regressors = {fitted};
      const analysis::FitResult f = analysis::fit_power_law(members, fo);
      nlohmann::json g = fit_json(f);
      std::cout << "at";
      std::size_t k = 0;
      for (const auto& a : axes) {
        if (a == fitted) continue;
        g[a] = key[k];
        std::cout << (k ? ", " : " ") << a << " = " << key[k];
        ++k;
      }
      j["separate"].push_back(g);
      std::cout << ":" << describe(f) << "\n";
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
  std::cout << o.measure << " = C d^p T^q (n^r where n varies), fitted on the " << o.part << " of T (" << fo.level * 100
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
  CLI::App* cmd =
      app.add_subcommand("fit", "fit M = C d^p T^q (n^r) to a sweep, with bootstrap confidence intervals");
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
