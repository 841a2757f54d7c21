#include "signrate/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "signrate/analysis/page.hpp"
#include "signrate/analysis/theorem_statement.hpp"
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
  std::optional<Verdicts> verdicts;           // none for a plain sweep
  std::string verdict;                        // the family's verdict (verdict_name), for a verify family
  std::vector<std::string> reasons;           // the sentences that decided it
  std::vector<TermCheck> terms;               // the rate's terms, each where it dominates
  std::vector<std::string> violations;        // assumptions the family breaks (run with --allow-violations)
  double worst_bound_ratio = NAN;             // NaN: no explicit bound
  std::vector<std::optional<double>> bounds;  // per sweep point, the explicit bound (verify only)
  FitResult ratio_fit;                        // M / rate over the fitted grid (verify only)
  bool has_ratio_fit = false;
  std::string note;        // what the simulation shows on a verify family
  double tolerance = NAN;  // on the exponents (verify only)
};

const char* const kAxes[] = {"T", "d", "n"};

// The theorem's slope line is drawn through this multiple of a curve's last point, so that it
// runs beside the data and the fitted line rather than over them.
constexpr double kTheoremOffset = 1.5;

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

std::string interval(double lo, double hi) { return "[" + format_short(lo) + ", " + format_short(hi) + "]"; }

// ": slope -0.27", or "" when there is none.
std::string slope_text(std::optional<double> slope) {
  return slope ? ": slope " + format_short(*slope, 3) : "";
}

// An exponent as a fraction with a small denominator where it is one (-1/4, 1/2, 3/4), else with
// three digits.
std::string exponent_text(double e) {
  for (int q = 1; q <= 10; ++q) {
    const double p = std::round(e * q);
    if (std::fabs(p / q - e) < 1e-12) return format_short(p) + (q == 1 ? "" : "/" + std::to_string(q));
  }
  return format_short(e, 3);
}

// The explicit bound at each of a curve's points; empty unless the section's theorem bounds this
// measure finitely at every one of them.
std::vector<double> bounds_at(const Section& s, const std::string& measure,
                              const std::vector<const SweepPoint*>& pts) {
  std::vector<double> out;
  if (measure != s.predicted_measure || s.bounds.size() != s.sweep.points.size()) return {};
  for (const SweepPoint* p : pts) {
    const std::optional<double>& b = s.bounds[static_cast<std::size_t>(p - s.sweep.points.data())];
    if (!b || !std::isfinite(*b)) return {};
    out.push_back(*b);
  }
  return out;
}

// One curve of a figure: the data series and the sweep points it draws, in its section.
struct Curve {
  Series data;
  std::vector<const SweepPoint*> points;
  const Section* section = nullptr;
};

// A section's curves of `measure` against `axis`: one per value of the other varying coordinates,
// sorted along the axis, as markers with 95% error bars, labelled "d = 16" after `prefix`.
std::vector<Curve> curves_of(const Section& s, const std::string& measure, const std::string& axis,
                             const std::string& prefix) {
  std::vector<std::string> others;
  for (const auto& a : varying_axes(s.sweep))
    if (a != axis) others.push_back(a);
  std::map<std::vector<double>, std::vector<const SweepPoint*>> by_key;
  for (const auto& p : s.sweep.points) {
    std::vector<double> key;
    for (const auto& a : others) key.push_back(coordinate(p, a));
    by_key[key].push_back(&p);
  }
  std::vector<Curve> out;
  for (auto& [key, pts] : by_key) {
    std::sort(pts.begin(), pts.end(), [&](const SweepPoint* a, const SweepPoint* b) {
      return coordinate(*a, axis) < coordinate(*b, axis);
    });
    std::string label = prefix;
    for (std::size_t k = 0; k < others.size(); ++k)
      label += (k || !prefix.empty() ? ", " : "") + others[k] + " = " + format_short(key[k], 6);
    if (label.empty()) label = "mean " + measure + " (95% error bars)";  // the only curve
    Series d{label, {}, {}, {}, {}, Series::Style::kMarkersWithErrorBars, 1};
    for (const auto* p : pts) {
      const double m = metric(*p, measure).mean, h = halfwidth_of(*p, measure);
      d.x.push_back(coordinate(*p, axis));
      d.y.push_back(m);
      d.low.push_back(std::max(m - h, m * 1e-3));
      d.high.push_back(m + h);
    }
    out.push_back({d, pts, &s});
  }
  return out;
}

// The fitted power law along a curve, over the T values it was fitted on (the upper half); empty
// when its section has no fit of this measure.
Series fitted_line(const Curve& c, const std::string& measure, const std::string& axis, int color) {
  Series line{"", {}, {}, {}, {}, Series::Style::kDashedLine, color};
  if (!c.section->fits.count(measure)) return line;
  std::set<double> fitted_T;
  for (const GridPoint& g : grid_points(c.section->sweep, measure, "upper-half")) fitted_T.insert(g.T);
  for (const auto* p : c.points)
    if (fitted_T.count(p->T)) {
      line.x.push_back(coordinate(*p, axis));
      line.y.push_back(fitted(*c.section, measure, *p));
    }
  return line;
}

// The figure of one measure against `axis` ("T", "d" or "n") for one section, or for several
// overlaid (each curve's label after its section's prefix): the curves in colours of their own; in
// each curve's colour the fitted line (thin, dashed) and the explicit bound (dash-dot, where the
// theorem has one for this measure); the theorem's slope once, black dotted, above the highest
// curve; a key entry for every kind of line. Curves that coincide are drawn once.
Figure sweep_figure(const std::vector<const Section*>& sections, const std::vector<std::string>& prefixes,
                    const std::string& measure, const std::string& axis) {
  std::vector<Curve> curves;
  for (std::size_t k = 0; k < sections.size(); ++k)
    for (Curve& c : curves_of(*sections[k], measure, axis, prefixes[k])) curves.push_back(std::move(c));
  std::vector<Series> data;
  for (const Curve& c : curves) data.push_back(c.data);
  Figure f;
  f.title = measure + " against " + axis;
  f.xlabel = axis;
  f.ylabel = measure;
  f.caption = measure + " against " + axis + ", mean over replicates (markers) with 95% error bars";
  const auto sets = draw_coinciding_once(data, f.caption);
  std::map<const Section*, std::vector<int>> fit_colors;  // the colours of a section's fitted lines
  bool bounded = false;
  int color = 1;
  const Series* top = nullptr;
  for (const auto& set : sets) {
    Series& d = data[set.front()];
    const Curve& c = curves[set.front()];
    d.color = color;
    f.series.push_back(d);
    const Series line = fitted_line(c, measure, axis, color);
    if (line.x.size() >= 2) {
      f.series.push_back(line);
      fit_colors[c.section].push_back(color);
    }
    const std::vector<double> bound = bounds_at(*c.section, measure, c.points);
    if (!bound.empty()) {
      f.series.push_back({"", d.x, bound, {}, {}, Series::Style::kDashDotLine, color});
      bounded = true;
    }
    if (!top || d.y.back() > top->y.back()) top = &d;
    ++color;
  }
  // The theorem's slope, once: through kTheoremOffset times the highest curve's last point, so that
  // it runs above the data.
  const std::optional<double> slope = predicted_slope(*sections.front(), measure, axis);
  if (slope && top) {
    const double x1 = top->x.back(), y1 = kTheoremOffset * top->y.back(), x0 = top->x.front();
    f.series.push_back(
        {"theorem's slope " + exponent_text(*slope) + " (" + axis + "^(" + exponent_text(*slope) + "))",
         {x0, x1},
         {y1 * std::pow(x0 / x1, *slope), y1},
         {},
         {},
         Series::Style::kDottedLine,
         Series::kBlack});
    f.caption += "; black dotted: the theorem's slope, through " + format_short(kTheoremOffset) +
                 " times the highest curve's last point";
  }
  // A key entry for the lines drawn in the curves' colours, after the curves' own entries (one per
  // section overlaid, since each has its own fit); the caption says how each kind is drawn.
  for (std::size_t k = 0; k < sections.size(); ++k) {
    if (!fit_colors.count(sections[k])) continue;
    const std::optional<Exponent> e = exponent(sections[k]->fits.at(measure), axis);
    f.series.push_back(
        key_entry((prefixes[k].empty() ? "" : prefixes[k] + " ") + "fit" +
                      slope_text(e ? std::optional(e->estimate) : std::nullopt) +
                      (sections.size() > 1 ? " (its curves' colours)" : " (each curve's colour)"),
                  Series::Style::kDashedLine));
  }
  if (!fit_colors.empty())
    f.caption +=
        "; thin dashed, in each curve's colour: the fitted power law, over the T values it was fitted on "
        "(the upper half)";
  if (bounded) {
    f.series.push_back(key_entry("explicit bound (each curve's colour)", Series::Style::kDashDotLine));
    f.caption += "; dash-dot, in each curve's colour: the theorem's explicit bound at each point";
  }
  return f;
}

// Empty when the theorem's explicit bound applies to the sweep (it runs the theorem's method), else
// the sentence that says why it is not evaluated.
std::string bound_note(const Theorem& thm, const SweepResult& sweep) {
  if (thm.bound_formula.empty() || thm.families.empty()) return "";
  const std::string own = thm.families.front().method.substr(0, thm.families.front().method.find(':'));
  const std::string ran = sweep.spec.method.name;
  if (ran == own) return "";
  return "The bound is " + own + "'s (the theorem's method); this sweep runs " + ran +
         ", so the bound is neither evaluated nor drawn.";
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
    s.bounds = f.bounds;
    s.ratio_fit = f.ratio_fit;
    s.has_ratio_fit = true;
    s.tolerance = report.tolerance;
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
      if (bound_note(thm, sweep).empty())
        for (const SweepPoint& p : s.sweep.points) s.bounds.push_back(thm.bound(bound_inputs(p.run)));
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

// The verdict of a verify family: the table of the verdict and the bound, the exponents that decided
// it (each term of the rate, fitted where it dominates, and the slope of M / term there, which the
// tolerance is applied to), the M / rate fit, and the sentences that decided it.
void add_verdict_blocks(const Section& s, std::vector<Block>& blocks) {
  const auto yes = [](bool b) { return std::string(b ? "yes" : "NO"); };
  const std::string bound = !s.verdicts->has_bound      ? "n/a"
                            : !s.verdicts->bound_finite ? "n/a (infinite)"
                                                        : yes(s.verdicts->bound_holds);
  blocks.push_back(
      table({{"verdict", "bound holds", "largest measured/bound"},
             {s.verdict, bound, std::isnan(s.worst_bound_ratio) ? "-" : format_short(s.worst_bound_ratio)}}));
  std::vector<std::vector<std::string>> terms = {{"term", "where it dominates", "exponent", "predicted",
                                                  "fitted", "95% CI", "M/term slope", "95% CI", "status"}};
  for (const TermCheck& t : s.terms) {
    const std::string where = std::to_string(t.points) + " points, " + std::to_string(t.fitted) + " fitted";
    if (!t.untested.empty())
      terms.push_back({t.description, "not tested: " + t.untested, "", "", "", "", "", "", ""});
    for (const AxisCheck& a : t.axes)
      terms.push_back({t.description, where, a.axis, format_short(a.predicted),
                       format_short(a.fitted.estimate), interval(a.fitted.ci_low, a.fitted.ci_high),
                       format_short(a.fitted.estimate - a.predicted),
                       interval(a.fitted.ci_low - a.predicted, a.fitted.ci_high - a.predicted), a.status});
  }
  blocks.push_back(table(terms));
  blocks.push_back(paragraph(
      "Each M/term slope (fitted minus predicted) decides its row: tight when its CI comes within the "
      "tolerance " +
      format_short(s.tolerance) + " of 0, loose when it lies wholly below -" + format_short(s.tolerance) +
      ", worse when it lies wholly above +" + format_short(s.tolerance) +
      ": crossover (along this axis another term of the rate takes over, so the excess is bounded and "
      "the rate holds), shrinking (the excess falls as T grows: pre-asymptotic) or persistent (a "
      "violation; on another schedule or method than the theorem's, \"exceeded, outside the theorem's "
      "hypotheses\": the theorem promises nothing there and is not contradicted)."));
  if (s.has_ratio_fit) {
    std::vector<std::vector<std::string>> ratio = {{"M / rate", "slope", "95% CI"}};
    for (const char* axis : kAxes)
      if (const std::optional<Exponent> e = exponent(s.ratio_fit, axis))
        ratio.push_back({axis, format_short(e->estimate), interval(e->ci_low, e->ci_high)});
    blocks.push_back(table(ratio));
    blocks.push_back(
        paragraph("M / rate fitted over the whole fitted grid (all terms together): shown; the "
                  "verdict reads each term's M/term slopes above, where that term dominates."));
  }
  for (const std::string& reason : s.reasons) blocks.push_back(paragraph("- " + reason));
}

// One section: its spec, its fits, its verdicts (a verify family), and its figures unless they are
// drawn elsewhere (an overlay).
void add_section_blocks(const Section& s, std::vector<Block>& blocks, bool figures = true) {
  blocks.push_back(heading(s.title));
  const ResolvedSpec& spec = s.sweep.spec;
  std::vector<std::string> row;
  for (const ResolvedComponent* part : {&spec.problem, &spec.oracle, &spec.method, &spec.schedule})
    row.push_back(spec_text(*part));
  row.push_back(std::to_string(spec.replicates));
  std::string nodes;
  for (std::uint32_t n : s.sweep.grid.n) nodes += (nodes.empty() ? "" : ", ") + std::to_string(n);
  row.push_back(nodes);
  blocks.push_back(table({{"problem", "oracle", "method", "schedule", "replicates", "nodes n"}, row}));
  std::vector<std::vector<std::string>> fits = {{"measure", "exponent", "predicted", "fitted", "95% CI"}};
  for (const auto& [measure, f] : s.fits)
    for (const char* axis : kAxes) {
      const std::optional<Exponent> e = exponent(f, axis);
      if (!e) continue;
      const std::optional<double> pred = predicted_slope(s, measure, axis);
      fits.push_back({measure, axis, pred ? format_short(*pred) : "-", format_short(e->estimate),
                      interval(e->ci_low, e->ci_high)});
    }
  if (fits.size() > 1) {
    blocks.push_back(table(fits));
    blocks.push_back(
        paragraph("Fitted on the upper half of the T values: M = C d^p T^q (n^r where n varies), "
                  "bootstrap over replicates."));
  } else {
    blocks.push_back(
        paragraph("No fit: a fit uses the upper half of the T values and needs at least 3 points there, and "
                  "4 replicates a point (sweep a longer grid, or run signrate fit --part all)."));
  }
  if (!s.violations.empty()) {
    std::string text =
        "ASSUMPTIONS VIOLATED (run with --allow-violations), so the verdicts below are outside the "
        "theorem:";
    for (const auto& v : s.violations) text += " " + v + ";";
    blocks.push_back(paragraph(text));
  }
  if (s.verdicts) add_verdict_blocks(s, blocks);
  if (!s.note.empty()) blocks.push_back(paragraph("Note: " + s.note));
  if (!figures) return;
  for (const char* measure : {"M1", "M2"})
    for (const auto& axis : varying_axes(s.sweep))
      blocks.push_back(figure(sweep_figure({&s}, {""}, measure, axis)));
}

// The page: the header (title, command, version), the theorem's statement (where there is one),
// then each section.
Page sections_page(std::vector<Section> sections, const std::string& title, const std::string& command,
                   const std::string& version, const ReportOptions& o, const Theorem* thm,
                   const std::string& note) {
  for (auto& s : sections) complete_fits(s, o.bootstrap);
  Page page;
  page.title = "signrate report";
  if (!title.empty()) page.blocks.push_back(paragraph(title));
  page.blocks.push_back(paragraph("Reproduce with:"));
  page.blocks.push_back(code(!command.empty() ? command : std::string("(the input records no command)")));
  page.blocks.push_back(
      paragraph("Input written by signrate " + (version.empty() ? std::string("?") : version) + "."));
  if (thm) {
    std::vector<const RunSummary*> runs;
    for (const Section& s : sections)
      for (const SweepPoint& p : s.sweep.points) runs.push_back(&p.run);
    for (Block& b : theorem_blocks(*thm, runs, note)) page.blocks.push_back(std::move(b));
  }
  for (const Section& s : sections) add_section_blocks(s, page.blocks);
  return page;
}

// "a.json: T = 256, 1024" for the message that says why two grids cannot be overlaid.
std::string grid_text(const std::string& name, const char* axis, const std::vector<std::uint32_t>& values) {
  std::string out = name + ": " + axis + " =";
  for (std::size_t k = 0; k < values.size(); ++k) out += (k ? ", " : " ") + std::to_string(values[k]);
  return out;
}

// SpecError unless every sweep has the first one's d, T and n values.
void check_same_grid(const std::vector<SweepResult>& sweeps, const std::vector<std::string>& names) {
  for (std::size_t k = 1; k < sweeps.size(); ++k)
    for (const auto& [axis, values] :
         {std::pair{"d", &SweepGrid::d}, std::pair{"T", &SweepGrid::T}, std::pair{"n", &SweepGrid::n}})
      if (sweeps[k].grid.*values != sweeps[0].grid.*values)
        throw SpecError("report: the inputs' grids differ (" +
                        grid_text(names[0], axis, sweeps[0].grid.*values) + "; " +
                        grid_text(names[k], axis, sweeps[k].grid.*values) +
                        "); allowed: sweeps of the same d, T and n values, which one plot can overlay");
}

// Each overlaid section's label: the components in which the sections differ (by name where the
// names differ, else in full), and the varied values.
std::vector<std::string> overlay_prefixes(const std::vector<Section>& sections) {
  std::vector<std::string> out(sections.size());
  for (auto part :
       {&ResolvedSpec::method, &ResolvedSpec::oracle, &ResolvedSpec::schedule, &ResolvedSpec::problem}) {
    bool names_differ = false, specs_differ = false;
    for (const Section& s : sections) {
      names_differ = names_differ || (s.sweep.spec.*part).name != (sections[0].sweep.spec.*part).name;
      specs_differ = specs_differ || spec_text(s.sweep.spec.*part) != spec_text(sections[0].sweep.spec.*part);
    }
    if (!specs_differ) continue;
    for (std::size_t k = 0; k < sections.size(); ++k) {
      const ResolvedComponent& c = sections[k].sweep.spec.*part;
      out[k] += (out[k].empty() ? "" : " ") + (names_differ ? c.name : spec_text(c));
    }
  }
  for (std::size_t k = 0; k < sections.size(); ++k)
    if (const auto comma = sections[k].title.find(", "); comma != std::string::npos)
      out[k] += (out[k].empty() ? "" : " ") + sections[k].title.substr(comma + 2);  // the varied values
  return out;
}

}  // namespace

Page overlay_page(const std::vector<SweepResult>& sweeps, const std::vector<std::string>& names,
                  const ReportOptions& o) {
  check_same_grid(sweeps, names);
  std::vector<Section> sections;
  for (const SweepResult& sweep : sweeps)
    for (Section& s : sections_of(sweep, o)) sections.push_back(std::move(s));
  for (auto& s : sections) complete_fits(s, o.bootstrap);
  const std::vector<std::string> prefixes = overlay_prefixes(sections);
  Page page;
  page.title = "signrate report: " + std::to_string(sweeps.size()) + " sweeps on one plot";
  std::string commands;
  for (const SweepResult& sweep : sweeps)
    commands +=
        (sweep.command.empty() ? std::string("(the input records no command)") : sweep.command) + "\n";
  page.blocks.push_back(paragraph("Reproduce with:"));
  page.blocks.push_back(code(commands));
  const Theorem* thm = o.theorem.empty() ? nullptr : &find_theorem(o.theorem);
  if (thm) {
    std::vector<const RunSummary*> runs;
    for (const SweepPoint& p : sweeps.front().points) runs.push_back(&p.run);
    for (Block& b : theorem_blocks(*thm, runs, bound_note(*thm, sweeps.front())))
      page.blocks.push_back(std::move(b));
  }
  std::vector<const Section*> all;
  for (std::size_t k = 0; k < sections.size(); ++k) {
    sections[k].title = prefixes[k];
    add_section_blocks(sections[k], page.blocks, false);
    all.push_back(&sections[k]);
  }
  page.blocks.push_back(heading("On one plot"));
  for (const char* measure : {"M1", "M2"})
    for (const auto& axis : varying_axes(sections.front().sweep))
      page.blocks.push_back(figure(sweep_figure(all, prefixes, measure, axis)));
  return page;
}

std::vector<std::string> write_report(const std::vector<SweepResult>& sweeps, const std::string& html_path,
                                      const ReportOptions& o) {
  return write_page(overlay_page(sweeps, o.inputs, o), html_path, o.gnuplot, o.inputs);
}

Page report_page(const SweepResult& sweep, const ReportOptions& o) {
  const Theorem* thm = o.theorem.empty() ? nullptr : &find_theorem(o.theorem);
  return sections_page(sections_of(sweep, o), "", sweep.command, sweep.version, o, thm,
                       thm ? bound_note(*thm, sweep) : "");
}

Page report_page(const VerifyReport& report, const ReportOptions& o) {
  return sections_page(sections_of(report), report.title, report.command, report.version, o,
                       &find_theorem(report.theorem), "");
}

std::vector<std::string> write_report(const SweepResult& sweep, const std::string& html_path,
                                      const ReportOptions& o) {
  return write_page(report_page(sweep, o), html_path, o.gnuplot, o.inputs);
}

std::vector<std::string> write_report(const VerifyReport& report, const std::string& html_path,
                                      const ReportOptions& o) {
  return write_page(report_page(report, o), html_path, o.gnuplot, o.inputs);
}

}  // namespace signrate::analysis
