#include "signrate/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "signrate/analysis/page.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/run_summary.hpp"

namespace signrate::analysis {

namespace {

// One section of the page: a sweep with its fits (and, when known, the theorem's exponents and the
// verdicts).
struct Section {
  std::string title;
  SweepResult sweep;
  std::map<std::string, FitResult> fits;    // measure -> its fit (the exponents and the intercept)
  std::map<std::string, double> predicted;  // axis -> the theorem's exponent (where it has one)
  std::string predicted_measure;
  std::optional<Verdicts> verdicts;     // none for a plain sweep
  std::string verdict;                  // the family's verdict (verdict_name), for a verify family
  std::vector<std::string> reasons;     // the sentences that decided it
  std::vector<TermCheck> terms;         // the rate's terms, each where it dominates
  std::vector<std::string> violations;  // assumptions the family breaks (run with --allow-violations)
  double worst_bound_ratio = NAN;       // NaN: no explicit bound
  std::string note;                     // what the simulation shows on a verify family
};

const char* const kAxes[] = {"T", "d", "n"};

double coordinate(const SweepPoint& point, const std::string& axis) {
  return axis == "n" ? point.n : axis == "T" ? point.T : point.d;
}

std::optional<Exponent> exponent(const FitResult& f, const std::string& axis) {
  return axis == "T" ? f.T : axis == "d" ? f.d : f.n;
}

// The theorem's exponent of `measure` along `axis`, if it has one.
std::optional<double> predicted_slope(const Section& s, const std::string& measure, const std::string& axis) {
  if (s.predicted_measure != measure || !s.predicted.count(axis)) return std::nullopt;
  return s.predicted.at(axis);
}

// The axes whose value differs between the sweep's points.
std::vector<std::string> varying_axes(const SweepResult& sweep) {
  std::vector<std::string> out;
  for (const char* axis : kAxes) {
    const auto& points = sweep.points;
    for (const auto& p : points)
      if (coordinate(p, axis) != coordinate(points.front(), axis)) {
        out.push_back(axis);
        break;
      }
  }
  return out;
}

const MeanStderr& metric(const SweepPoint& point, const std::string& measure) {
  return measure == "M1" ? point.run.metrics.M1 : point.run.metrics.M2;
}

double halfwidth_of(const SweepPoint& point, const std::string& measure) {
  const double s = metric(point, measure).stderr_;
  return std::isfinite(s) ? 1.96 * s : 0.0;
}

// The fitted value C d^p T^q n^r of a section's measure at a point (exponents absent from the fit
// count as 0).
double fitted(const Section& s, const std::string& measure, const SweepPoint& point) {
  const FitResult& f = s.fits.at(measure);
  double y = f.log_c;
  for (const char* axis : kAxes)
    if (const auto e = exponent(f, axis)) y += e->estimate * std::log(coordinate(point, axis));
  return std::exp(y);
}

// The figure of one measure against `axis` ("T", "d" or "n"): one curve per value of the other
// varying coordinates, with 95% error bars, the fitted line (dashed) and the theorem's slope
// (dotted, through each curve's last point).
Figure sweep_figure(const Section& s, const std::string& measure, const std::string& axis) {
  std::vector<std::string> others;
  for (const auto& a : varying_axes(s.sweep))
    if (a != axis) others.push_back(a);
  std::map<std::vector<double>, std::vector<const SweepPoint*>> curves;
  for (const auto& p : s.sweep.points) {
    std::vector<double> key;
    for (const auto& a : others) key.push_back(coordinate(p, a));
    curves[key].push_back(&p);
  }
  const std::optional<double> slope = predicted_slope(s, measure, axis);
  Figure f;
  f.title = measure + " against " + axis + " (dashed: fit; dotted: theorem slope" +
            (slope ? " " + format_short(*slope) : " n/a") + ")";
  f.xlabel = axis;
  f.ylabel = measure;
  f.caption = measure + " against " + axis + ", mean over replicates with 95% error bars";
  int color = 1;
  for (auto& [key, pts] : curves) {
    std::sort(pts.begin(), pts.end(), [&](const SweepPoint* a, const SweepPoint* b) {
      return coordinate(*a, axis) < coordinate(*b, axis);
    });
    std::string label;
    for (std::size_t k = 0; k < others.size(); ++k)
      label += (k ? ", " : "") + others[k] + " = " + format_short(key[k], 6);
    Series data{label, {}, {}, {}, {}, Series::Style::kPointsWithErrorBars, color};
    Series line{"", {}, {}, {}, {}, Series::Style::kDashedLine, color};
    for (const auto* p : pts) {
      const double x = coordinate(*p, axis), m = metric(*p, measure).mean, h = halfwidth_of(*p, measure);
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
      f.series.push_back(
          {"", {x0, x1}, {y1 * std::pow(x0 / x1, *slope), y1}, {}, {}, Series::Style::kDottedLine, color});
    }
    ++color;
  }
  return f;
}

std::vector<Section> sections_of(const VerifyReport& report) {
  std::vector<Section> out;
  const Theorem& thm = find_theorem(report.theorem);
  for (const FamilyReport& f : report.families) {
    Section s;
    s.title = f.family.name;
    s.sweep = f.sweep;
    s.fits[thm.measure] = f.fit;
    for (const auto& [axis, value] :
         {std::pair{"T", f.predicted_T}, {"d", f.predicted_d}, {"n", f.predicted_n}})
      if (!std::isnan(value)) s.predicted[axis] = value;
    s.predicted_measure = thm.measure;
    s.verdicts = f.verdicts;
    s.verdict = verdict_name(f.verdict);
    s.reasons = f.reasons;
    s.terms = f.terms;
    s.violations = f.violations;
    if (f.verdicts.has_bound) s.worst_bound_ratio = f.worst_bound_ratio;
    s.note = f.family.note;
    out.push_back(s);
  }
  return out;
}

std::vector<Section> sections_of(const SweepResult& sweep, const ReportOptions& o) {
  std::vector<Section> out;
  for (const VaryGroup& group : split_by_vary(sweep)) {
    Section s;
    s.title = "sweep";
    for (const auto& [key, value] : group.vary) s.title += ", " + key + " = " + format_short(value, 6);
    s.sweep = group.sweep;
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
    if (s.fits.count(measure)) continue;
    const std::vector<GridPoint> points = grid_points(s.sweep, measure, "upper-half");
    FitOptions fo;
    fo.regressors = varying_regressors(points);
    fo.bootstrap = bootstrap;
    if (fo.regressors.empty() || points.size() < 3) continue;
    s.fits[measure] = fit_power_law(points, fo);
  }
}

// The page: the header (title, command, version), then each section.
std::vector<std::string> write_sections(std::vector<Section> sections, const std::string& title,
                                        const std::string& command, const std::string& version,
                                        const std::string& html_path, const ReportOptions& o) {
  for (auto& s : sections) complete_fits(s, o.bootstrap);
  Page page;
  page.title = "signrate report";
  if (!title.empty()) page.blocks.push_back(paragraph(title));
  page.blocks.push_back(paragraph("Reproduce with:"));
  page.blocks.push_back(code(!command.empty() ? command : std::string("(the input records no command)")));
  page.blocks.push_back(
      paragraph("Input written by signrate " + (version.empty() ? std::string("?") : version) + "."));
  for (const Section& s : sections) {
    page.blocks.push_back(heading(s.title));
    const ResolvedSpec& spec = s.sweep.spec;
    std::vector<std::string> row;
    for (const ResolvedComponent* part : {&spec.problem, &spec.oracle, &spec.method, &spec.schedule})
      row.push_back(spec_text(*part));
    row.push_back(std::to_string(spec.replicates));
    std::string nodes;
    for (std::uint32_t n : s.sweep.grid.n) nodes += (nodes.empty() ? "" : ", ") + std::to_string(n);
    row.push_back(nodes);
    page.blocks.push_back(table({{"problem", "oracle", "method", "schedule", "replicates", "nodes n"}, row}));
    std::vector<std::vector<std::string>> fits = {{"measure", "exponent", "predicted", "fitted", "95% CI"}};
    for (const auto& [measure, f] : s.fits)
      for (const char* axis : kAxes) {
        const std::optional<Exponent> e = exponent(f, axis);
        if (!e) continue;
        const std::optional<double> pred = predicted_slope(s, measure, axis);
        fits.push_back({measure, axis, pred ? format_short(*pred) : "-", format_short(e->estimate),
                        "[" + format_short(e->ci_low) + ", " + format_short(e->ci_high) + "]"});
      }
    page.blocks.push_back(table(fits));
    page.blocks.push_back(
        paragraph("Fitted on the upper half of the T values: M = C d^p T^q (n^r where n varies), "
                  "bootstrap over replicates."));
    if (!s.violations.empty()) {
      std::string text =
          "ASSUMPTIONS VIOLATED (run with --allow-violations), so the verdicts below are outside the "
          "theorem:";
      for (const auto& v : s.violations) text += " " + v + ";";
      page.blocks.push_back(paragraph(text));
    }
    if (s.verdicts) {
      const auto yes = [](bool b) { return std::string(b ? "yes" : "NO"); };
      const std::string bound = !s.verdicts->has_bound      ? "n/a"
                                : !s.verdicts->bound_finite ? "n/a (infinite)"
                                                            : yes(s.verdicts->bound_holds);
      page.blocks.push_back(table(
          {{"verdict", "bound holds", "largest measured/bound"},
           {s.verdict, bound, std::isnan(s.worst_bound_ratio) ? "-" : format_short(s.worst_bound_ratio)}}));
      // The exponents that decided it: each term of the rate, fitted where it dominates.
      std::vector<std::vector<std::string>> terms = {
          {"term", "where it dominates", "exponent", "predicted", "fitted", "95% CI", "status"}};
      for (const TermCheck& t : s.terms) {
        const std::string where =
            std::to_string(t.points) + " points, " + std::to_string(t.fitted) + " fitted";
        if (!t.untested.empty())
          terms.push_back({t.description, "not tested: " + t.untested, "", "", "", "", ""});
        for (const AxisCheck& a : t.axes)
          terms.push_back(
              {t.description, where, a.axis, format_short(a.predicted), format_short(a.fitted.estimate),
               "[" + format_short(a.fitted.ci_low) + ", " + format_short(a.fitted.ci_high) + "]", a.status});
      }
      page.blocks.push_back(table(terms));
      for (const std::string& reason : s.reasons) page.blocks.push_back(paragraph("- " + reason));
    }
    if (!s.note.empty()) page.blocks.push_back(paragraph("Note: " + s.note));
    const std::vector<std::string> axes = varying_axes(s.sweep);
    for (const char* measure : {"M1", "M2"})
      for (const auto& axis : axes)
        if (s.fits.count(measure)) page.blocks.push_back(figure(sweep_figure(s, measure, axis)));
  }
  return write_page(page, html_path, o.gnuplot);
}

}  // namespace

std::vector<std::string> write_report(const SweepResult& sweep, const std::string& html_path,
                                      const ReportOptions& o) {
  return write_sections(sections_of(sweep, o), "", sweep.command, sweep.version, html_path, o);
}

std::vector<std::string> write_report(const VerifyReport& report, const std::string& html_path,
                                      const ReportOptions& o) {
  return write_sections(sections_of(report), report.title, report.command, report.version, html_path, o);
}

}  // namespace signrate::analysis
