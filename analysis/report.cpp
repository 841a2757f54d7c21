#include "analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "analysis/page.hpp"
#include "analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/sweep.hpp"

namespace signrate::analysis {

namespace {

// One section of the page: a sweep with its fit (and, when known, the theorem's exponents and the
// verdicts).
struct Section {
  std::string title;
  nlohmann::json sweep;
  std::map<std::string, nlohmann::json> exponents;  // measure -> {"T": {...}, "d": {...}}
  std::map<std::string, double> log_c;             // measure -> intercept
  std::optional<double> predicted_T, predicted_d;
  std::string predicted_measure;
  nlohmann::json verdicts;  // null for a plain sweep
  std::vector<std::string> violations;  // assumptions the family breaks (run with --allow-violations)
  double worst_bound_ratio = NAN;
};

double mean_of(const nlohmann::json& point, const std::string& measure) {
  return point["metrics"][measure]["mean"].get<double>();
}

double halfwidth_of(const nlohmann::json& point, const std::string& measure) {
  const auto& s = point["metrics"][measure]["stderr"];
  return s.is_number() ? 1.96 * s.get<double>() : 0.0;
}

// The fitted value C d^p T^q of a section's measure (exponents absent from the fit count as 0).
double fitted(const Section& s, const std::string& measure, double d, double T) {
  const nlohmann::json& e = s.exponents.at(measure);
  double y = s.log_c.at(measure);
  if (e.contains("d")) y += e["d"]["estimate"].get<double>() * std::log(d);
  if (e.contains("T")) y += e["T"]["estimate"].get<double>() * std::log(T);
  return std::exp(y);
}

// The figure of one measure against `axis` ("T" or "d"): one curve per value of the other
// coordinate, with 95% error bars, the fitted line (dashed) and the theorem's slope (dotted,
// through each curve's last point).
Figure sweep_figure(const Section& s, const std::string& measure, const std::string& axis) {
  const std::string other = axis == "T" ? "d" : "T";
  std::map<double, std::vector<const nlohmann::json*>> curves;
  for (const auto& p : s.sweep["points"]) curves[p[other].get<double>()].push_back(&p);
  const std::optional<double> slope =
      s.predicted_measure == measure ? (axis == "T" ? s.predicted_T : s.predicted_d) : std::nullopt;
  Figure f;
  f.title = measure + " against " + axis + " (dashed: fit; dotted: theorem slope" + (slope ? " " + format_short(*slope) : " n/a") + ")";
  f.xlabel = axis;
  f.ylabel = measure;
  f.caption = measure + " against " + axis + ", mean over replicates with 95% error bars";
  int color = 1;
  for (auto& [value, pts] : curves) {
    std::sort(pts.begin(), pts.end(), [&](const nlohmann::json* a, const nlohmann::json* b) {
      return (*a)[axis].get<double>() < (*b)[axis].get<double>();
    });
    Series data{other + " = " + format_short(value, 6), {}, {}, {}, {}, Series::Style::kPointsWithErrorBars, color};
    Series line{"", {}, {}, {}, {}, Series::Style::kDashedLine, color};
    for (const auto* p : pts) {
      const double x = (*p)[axis].get<double>(), m = mean_of(*p, measure), h = halfwidth_of(*p, measure);
      data.x.push_back(x);
      data.y.push_back(m);
      data.low.push_back(std::max(m - h, m * 1e-3));
      data.high.push_back(m + h);
      line.x.push_back(x);
      line.y.push_back(fitted(s, measure, axis == "T" ? value : x, axis == "T" ? x : value));
    }
    f.series.push_back(data);
    f.series.push_back(line);
    if (slope) {
      const double x1 = data.x.back(), y1 = data.y.back(), x0 = data.x.front();
      f.series.push_back({"", {x0, x1}, {y1 * std::pow(x0 / x1, *slope), y1}, {}, {}, Series::Style::kDottedLine, color});
    }
    ++color;
  }
  return f;
}

std::vector<Section> sections_of(const nlohmann::json& input, const ReportOptions& o) {
  std::vector<Section> out;
  if (input.contains("families")) {
    const Theorem& thm = find_theorem(input["theorem"].get<std::string>());
    for (const auto& f : input["families"]) {
      Section s;
      s.title = f["name"].get<std::string>();
      s.sweep = f["sweep"];
      s.exponents[thm.measure] = f["fit"]["exponents"];
      s.log_c[thm.measure] = f["fit"]["log_c"].get<double>();
      s.predicted_T = f["predicted"]["T"].get<double>();
      s.predicted_d = f["predicted"]["d"].get<double>();
      s.predicted_measure = thm.measure;
      s.verdicts = f["verdicts"];
      s.violations = f.value("violations", std::vector<std::string>{});
      s.worst_bound_ratio = f["worst_bound_ratio"].get<double>();
      out.push_back(s);
    }
    return out;
  }
  if (!input.contains("points")) throw SpecError("report: the input is neither a sweep JSON nor a verify JSON");
  for (const nlohmann::json& group : split_by_vary(input)) {
    Section s;
    s.title = "sweep";
    for (const auto& [key, value] : group["vary"].items()) s.title += ", " + key + " = " + format_short(value.get<double>(), 6);
    s.sweep = group;
    if (!o.theorem.empty()) {
      const Theorem& thm = find_theorem(o.theorem);
      s.predicted_T = thm.exponent_T;
      s.predicted_d = thm.exponent_d;
      s.predicted_measure = thm.measure;
    }
    out.push_back(s);
  }
  return out;
}

// Fits the measures a section does not have yet (the upper half of T, as `fit` does).
void complete_fits(Section& s, std::uint32_t bootstrap) {
  for (const char* measure : {"M1", "M2"}) {
    if (s.exponents.count(measure)) continue;
    const std::vector<GridPoint> points = grid_points(s.sweep, measure, "upper-half");
    FitOptions fo;
    fo.regressors = varying_regressors(points);
    fo.bootstrap = bootstrap;
    if (fo.regressors.empty() || points.size() < 3) continue;
    const FitResult f = fit_power_law(points, fo);
    s.exponents[measure] = exponents_json(f);
    s.log_c[measure] = f.log_c;
  }
}

}  // namespace

std::vector<std::string> write_report(const nlohmann::json& input, const std::string& html_path,
                                      const ReportOptions& o) {
  std::vector<Section> sections = sections_of(input, o);
  for (auto& s : sections) complete_fits(s, o.bootstrap);
  Page page;
  page.title = "signrate report";
  if (input.contains("title")) page.blocks.push_back(paragraph(input["title"].get<std::string>()));
  page.blocks.push_back(paragraph("Reproduce with:"));
  page.blocks.push_back(code(input.contains("command") ? input["command"].get<std::string>()
                                                       : std::string("(the input records no command)")));
  page.blocks.push_back(paragraph("Input written by signrate " + input.value("version", std::string("?")) + "."));
  for (const Section& s : sections) {
    page.blocks.push_back(heading(s.title));
    const nlohmann::json& spec = s.sweep["spec"];
    std::vector<std::string> row;
    for (const char* part : {"problem", "oracle", "method", "schedule"}) row.push_back(spec_text(spec[part]));
    row.push_back(spec["replicates"].dump());
    page.blocks.push_back(table({{"problem", "oracle", "method", "schedule", "replicates"}, row}));
    std::vector<std::vector<std::string>> fits = {{"measure", "exponent", "predicted", "fitted", "95% CI"}};
    for (const auto& [measure, e] : s.exponents)
      for (const char* axis : {"T", "d"}) {
        if (!e.contains(axis)) continue;
        const std::optional<double> pred =
            s.predicted_measure == measure ? (axis[0] == 'T' ? s.predicted_T : s.predicted_d) : std::nullopt;
        fits.push_back({measure, axis, pred ? format_short(*pred) : "-", format_short(e[axis]["estimate"].get<double>()),
                        "[" + format_short(e[axis]["ci"][0].get<double>()) + ", " + format_short(e[axis]["ci"][1].get<double>()) + "]"});
      }
    page.blocks.push_back(table(fits));
    page.blocks.push_back(paragraph("Fitted on the upper half of the T values: M = C d^p T^q, bootstrap over replicates."));
    if (!s.violations.empty()) {
      std::string text = "ASSUMPTIONS VIOLATED (run with --allow-violations), so the verdicts below are outside the theorem:";
      for (const auto& v : s.violations) text += " " + v + ";";
      page.blocks.push_back(paragraph(text));
    }
    if (!s.verdicts.is_null()) {
      std::vector<std::string> v;
      for (const char* key : {"rate_holds", "tight", "bound_holds"}) v.push_back(s.verdicts[key].get<bool>() ? "yes" : "NO");
      v.push_back(format_short(s.worst_bound_ratio));
      page.blocks.push_back(table({{"rate holds", "tight", "bound holds", "largest measured/bound"}, v}));
    }
    for (const char* measure : {"M1", "M2"})
      for (const char* axis : {"T", "d"})
        if (s.exponents.count(measure)) page.blocks.push_back(figure(sweep_figure(s, measure, axis)));
  }
  return write_page(page, html_path, o.gnuplot);
}

}  // namespace signrate::analysis
