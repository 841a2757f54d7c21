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
  std::map<std::string, nlohmann::json> exponents;  // measure -> {"T": {...}, "d": {...}, "n": {...}}
  std::map<std::string, double> log_c;             // measure -> intercept
  std::map<std::string, double> predicted;         // axis -> the theorem's exponent (where it has one)
  std::string predicted_measure;
  nlohmann::json verdicts;  // null for a plain sweep
  std::vector<std::string> violations;  // assumptions the family breaks (run with --allow-violations)
  double worst_bound_ratio = NAN;        // NaN: no explicit bound
  std::string note;                      // what the simulation shows on a verify family
};

const char* const kAxes[] = {"T", "d", "n"};

double coordinate(const nlohmann::json& point, const std::string& axis) {
  return axis == "n" ? point.value("n", 1.0) : point[axis].get<double>();
}

// The theorem's exponent of `measure` along `axis`, if it has one.
std::optional<double> predicted_slope(const Section& s, const std::string& measure, const std::string& axis) {
  if (s.predicted_measure != measure || !s.predicted.count(axis)) return std::nullopt;
  return s.predicted.at(axis);
}

// The axes whose value differs between the sweep's points.
std::vector<std::string> varying_axes(const nlohmann::json& sweep) {
  std::vector<std::string> out;
  for (const char* axis : kAxes) {
    const auto& points = sweep["points"];
    for (const auto& p : points)
      if (coordinate(p, axis) != coordinate(points.front(), axis)) {
        out.push_back(axis);
        break;
      }
  }
  return out;
}

double mean_of(const nlohmann::json& point, const std::string& measure) {
  return point["metrics"][measure]["mean"].get<double>();
}

double halfwidth_of(const nlohmann::json& point, const std::string& measure) {
  const auto& s = point["metrics"][measure]["stderr"];
  return s.is_number() ? 1.96 * s.get<double>() : 0.0;
}

// The fitted value C d^p T^q n^r of a section's measure at a point (exponents absent from the fit
// count as 0).
double fitted(const Section& s, const std::string& measure, const nlohmann::json& point) {
  const nlohmann::json& e = s.exponents.at(measure);
  double y = s.log_c.at(measure);
  for (const char* axis : kAxes)
    if (e.contains(axis)) y += e[axis]["estimate"].get<double>() * std::log(coordinate(point, axis));
  return std::exp(y);
}

// The figure of one measure against `axis` ("T", "d" or "n"): one curve per value of the other
// varying coordinates, with 95% error bars, the fitted line (dashed) and the theorem's slope
// (dotted, through each curve's last point).
Figure sweep_figure(const Section& s, const std::string& measure, const std::string& axis) {
  std::vector<std::string> others;
  for (const auto& a : varying_axes(s.sweep))
    if (a != axis) others.push_back(a);
  std::map<std::vector<double>, std::vector<const nlohmann::json*>> curves;
  for (const auto& p : s.sweep["points"]) {
    std::vector<double> key;
    for (const auto& a : others) key.push_back(coordinate(p, a));
    curves[key].push_back(&p);
  }
  const std::optional<double> slope = predicted_slope(s, measure, axis);
  Figure f;
  f.title = measure + " against " + axis + " (dashed: fit; dotted: theorem slope" + (slope ? " " + format_short(*slope) : " n/a") + ")";
  f.xlabel = axis;
  f.ylabel = measure;
  f.caption = measure + " against " + axis + ", mean over replicates with 95% error bars";
  int color = 1;
  for (auto& [key, pts] : curves) {
    std::sort(pts.begin(), pts.end(), [&](const nlohmann::json* a, const nlohmann::json* b) {
      return coordinate(*a, axis) < coordinate(*b, axis);
    });
    std::string label;
    for (std::size_t k = 0; k < others.size(); ++k) label += (k ? ", " : "") + others[k] + " = " + format_short(key[k], 6);
    Series data{label, {}, {}, {}, {}, Series::Style::kPointsWithErrorBars, color};
    Series line{"", {}, {}, {}, {}, Series::Style::kDashedLine, color};
    for (const auto* p : pts) {
      const double x = coordinate(*p, axis), m = mean_of(*p, measure), h = halfwidth_of(*p, measure);
      data.x.push_back(x);
      data.y.push_back(m);
      data.low.push_back(std::max(m - h, m * 1e-3));
      data.high.push_back(m + h);
      line.x.push_back(x);
      line.y.push_back(fitted(s, measure, *p));
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
      for (const char* axis : kAxes)
        if (f["predicted"].contains(axis)) s.predicted[axis] = f["predicted"][axis].get<double>();
      s.predicted_measure = thm.measure;
      s.verdicts = f["verdicts"];
      s.violations = f.value("violations", std::vector<std::string>{});
      if (f["worst_bound_ratio"].is_number()) s.worst_bound_ratio = f["worst_bound_ratio"].get<double>();
      s.note = f.value("note", std::string());
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
      // A single-term rate predicts each exponent; a sum or max of terms predicts none (verify checks it).
      if (thm.rate.single()) {
        const RateTerm& k = thm.rate.terms.front();
        s.predicted["T"] = k.T;
        s.predicted["d"] = k.d;
        if (k.n != 0) s.predicted["n"] = k.n;
      }
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
    std::string nodes;
    for (const auto& n : s.sweep["grid"].value("n", nlohmann::json::array({1})))
      nodes += (nodes.empty() ? "" : ", ") + n.dump();
    row.push_back(nodes);
    page.blocks.push_back(table({{"problem", "oracle", "method", "schedule", "replicates", "nodes n"}, row}));
    std::vector<std::vector<std::string>> fits = {{"measure", "exponent", "predicted", "fitted", "95% CI"}};
    for (const auto& [measure, e] : s.exponents)
      for (const char* axis : kAxes) {
        if (!e.contains(axis)) continue;
        const std::optional<double> pred = predicted_slope(s, measure, axis);
        fits.push_back({measure, axis, pred ? format_short(*pred) : "-", format_short(e[axis]["estimate"].get<double>()),
                        "[" + format_short(e[axis]["ci"][0].get<double>()) + ", " + format_short(e[axis]["ci"][1].get<double>()) + "]"});
      }
    page.blocks.push_back(table(fits));
    page.blocks.push_back(paragraph("Fitted on the upper half of the T values: M = C d^p T^q (n^r where n varies), "
                                    "bootstrap over replicates."));
    if (!s.violations.empty()) {
      std::string text = "ASSUMPTIONS VIOLATED (run with --allow-violations), so the verdicts below are outside the theorem:";
      for (const auto& v : s.violations) text += " " + v + ";";
      page.blocks.push_back(paragraph(text));
    }
    if (!s.verdicts.is_null()) {
      std::vector<std::string> v;
      for (const char* key : {"rate_holds", "tight", "bound_holds"})
        v.push_back(s.verdicts[key].is_boolean() ? (s.verdicts[key].get<bool>() ? "yes" : "NO") : "n/a");
      v.push_back(std::isnan(s.worst_bound_ratio) ? "-" : format_short(s.worst_bound_ratio));
      page.blocks.push_back(table({{"rate holds", "tight", "bound holds", "largest measured/bound"}, v}));
    }
    if (!s.note.empty()) page.blocks.push_back(paragraph("Note: " + s.note));
    const std::vector<std::string> axes = varying_axes(s.sweep);
    for (const char* measure : {"M1", "M2"})
      for (const auto& axis : axes)
        if (s.exponents.count(measure)) page.blocks.push_back(figure(sweep_figure(s, measure, axis)));
  }
  return write_page(page, html_path, o.gnuplot);
}

}  // namespace signrate::analysis
