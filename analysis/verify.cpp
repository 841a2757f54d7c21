#include "signrate/analysis/verify.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <map>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/version.hpp"

namespace signrate::analysis {

namespace {

std::string fixed(double v, int digits = 3) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << v;
  return out.str();
}

// One sentence per exponent that is not tight, and the family's verdict: the worst of its tested
// terms', its bound's, and inconclusive where the theorem does not apply or no term could be tested.
void decide(FamilyReport& r, double z) {
  Verdicts& v = r.verdicts;
  v.rate_holds = v.tight = true;
  Verdict verdict = Verdict::kHolds;
  bool tested = false;
  for (const TermCheck& t : r.terms) {
    if (!t.untested.empty()) {
      r.reasons.push_back("term " + t.description + " not tested: " + t.untested);
      continue;
    }
    tested = true;
    verdict = std::max(verdict, t.verdict);
    for (const AxisCheck& a : t.axes) {
      if (a.status == "tight") continue;
      v.tight = false;
      const double by = a.fitted.estimate - a.predicted;
      std::string s = "term " + t.description + ", " + a.axis + ": measured " + fixed(a.fitted.estimate) +
                      " against " + fixed(a.predicted) + " (" + (by < 0 ? "" : "+") + fixed(by) + ") ";
      if (a.status == "loose") {
        s += "loose: the measure falls faster than the term";
      } else if (a.status == "crossover") {
        s += "worse, toward a crossover: as " + a.axis +
             " grows another term takes over, so the excess is bounded there";
      } else {
        v.rate_holds = false;
        s += a.status == "shrinking" ? "worse, pre-asymptotic: the excess shrinks as T grows ("
                                     : "worse at every T, a persistent excess (";
        for (std::size_t k = 0; k < a.trend.size(); ++k)
          s += (k ? ", " : "") + fixed(a.trend[k].second.estimate - a.predicted, 2) +
               " at T <= " + format_real(a.trend[k].first);
        if (a.trend.empty()) s += "one T window: no trend over T";
        s += ")";
      }
      r.reasons.push_back(s);
    }
  }
  if (v.has_bound && !v.bound_holds) {
    verdict = Verdict::kViolated;
    r.reasons.push_back("the explicit bound fails: measured mean + " + fixed(z, 2) + " SE reaches " +
                        fixed(r.worst_bound_ratio) + " times the bound");
  }
  if (!v.bound_finite)
    r.reasons.push_back("the explicit bound is infinite at some grid point (the theorem's assumptions fail)");
  if (verdict == Verdict::kViolated && !r.outside.empty()) {
    verdict = Verdict::kExceeded;
    std::string why;
    for (const std::string& o : r.outside) why += (why.empty() ? "" : "; ") + o;
    r.reasons.push_back(
        "outside the theorem's hypotheses (" + why +
        "): what is measured above exceeds the theorem's rate or bound, which the theorem does "
        "not contradict; exit 3 still gates a regression test");
  }
  if (!r.violations.empty()) {
    verdict = Verdict::kInconclusive;
    r.reasons.push_back(
        "inconclusive: the theorem's assumptions fail on this family, so it promises nothing");
  } else if (!tested && verdict != Verdict::kViolated) {
    verdict = Verdict::kInconclusive;
    r.reasons.push_back("inconclusive: no term of the rate could be tested on this grid");
  }
  r.verdict = verdict;
}

// The theorem's hypotheses a family is outside of: its schedule (by name; the theorem's constants
// may be scaled) and its method, against the theorem's and the canonical family's.
std::vector<std::string> outside_hypotheses(const Theorem& thm, const Family& fam,
                                            const std::map<std::string, std::string>& canonical_method) {
  std::vector<std::string> out;
  const std::string schedule = parse_spec(fam.schedule, "schedule").name;
  if (!thm.schedule.empty() && schedule != thm.schedule)
    out.push_back("schedule " + schedule + " is not " + thm.id + "'s " + thm.schedule);
  std::string canonical, matched;  // the longest canonical name the family's name starts with
  for (const auto& [name, method] : canonical_method)
    if (fam.name.compare(0, name.size(), name) == 0 && name.size() >= matched.size())
      canonical = method, matched = name;
  const std::string method = parse_spec(fam.method, "method").name;
  if (!canonical.empty() && method != parse_spec(canonical, "method").name)
    out.push_back("method " + method + " is not " + thm.id + "'s " + parse_spec(canonical, "method").name);
  return out;
}

}  // namespace

VerifyReport verify(const VerifyOptions& o) {
  const Theorem& thm = find_theorem(o.theorem);
  if (!thm.unavailable.empty()) throw SpecError(thm.unavailable);
  if (o.rate && (o.rate->empty() || !std::isfinite((*o.rate)(2, 2, 2)) || !((*o.rate)(2, 2, 2) > 0)))
    throw SpecError("the rate to check needs at least one term with finite exponents");
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance))
    throw SpecError("tolerance=" + format_real(o.tolerance) + " is not allowed; allowed: >= 0");
  VerifyReport report;
  report.version = kVersion;
  report.theorem = thm.id;
  report.title = thm.title;
  report.measure = thm.measure;
  report.tolerance = o.tolerance;
  report.level = o.level;
  report.dominance = o.dominance > 0 ? o.dominance : thm.dominance;
  if (!(report.dominance >= 1) || !std::isfinite(report.dominance))
    throw SpecError("dominance=" + format_real(report.dominance) +
                    " is not allowed; allowed: a finite number >= 1");
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + o.level / 2);
  // Each family to run, with the index of the family whose explicit bound it is held to: its own
  // (for a family) or the family's it is compared beside (as for Theorem 1, signSGD is held to
  // SMM's bound), whose run resolved that method's constants at the same grid points.
  std::vector<std::pair<Family, std::size_t>> families;
  std::map<std::string, std::string> canonical_method;  // each family's own method, by name
  std::string names;
  for (Family fam : thm.families) {
    names += (names.empty() ? "" : "; ") + fam.name;
    canonical_method[fam.name] = fam.method;
    if (fam.name.compare(0, o.family.size(), o.family) != 0) continue;
    if (!o.method.empty()) fam.method = o.method;
    const std::size_t own = families.size();
    families.push_back({fam, own});
    for (const std::string& m : o.compare) {
      Family other = fam;
      other.method = m;
      other.name = fam.name + ", " + m + " beside " + fam.method;
      other.note.clear();  // the note describes the family's own method
      families.push_back({other, own});
    }
  }
  if (families.empty())
    throw SpecError("family '" + o.family + "' is not a family of " + thm.id + "; allowed: a start of " +
                    names);
  // Every family is made and checked before the first runs (bad input fails at once, and the
  // progress knows the whole work).
  struct Planned {
    Family family;
    std::size_t reference;
    SweepSpec sweep;
    std::vector<std::string> violations;
  };
  std::vector<Planned> planned;
  for (auto [fam, reference] : families) {
    // The note describes the canonical family on its default grid: not a modified one.
    if (!o.problem.empty() || !o.oracle.empty() || !o.method.empty() || !o.schedule.empty() || !o.d.empty() ||
        !o.T.empty() || !o.n.empty())
      fam.note.clear();
    if (!o.problem.empty()) fam.problem = o.problem;
    if (!o.oracle.empty()) fam.oracle = o.oracle;
    if (!o.schedule.empty()) fam.schedule = o.schedule;
    if (!o.d.empty()) fam.d = o.d;
    if (!o.T.empty()) fam.T = o.T;
    if (!o.n.empty()) fam.n = o.n;
    if (o.replicates) fam.replicates = o.replicates;
    SweepSpec sweep;
    sweep.base.problem = parse_spec(fam.problem, "problem");
    sweep.base.oracle = parse_spec(fam.oracle, "oracle");
    sweep.base.method = parse_spec(fam.method, "method");
    sweep.base.schedule = parse_spec(fam.schedule, "schedule");
    sweep.base.replicates = fam.replicates;
    sweep.base.seed = o.seed;
    sweep.base.batch = o.batch;
    sweep.d = fam.d;
    sweep.T = fam.T;
    sweep.n = fam.n;
    RunSpec probe = sweep.base;
    probe.d = fam.d.front();
    probe.T = fam.T.front();
    probe.nodes = fam.n.front();
    std::vector<std::string> violations = violated_assumptions(thm, make_experiment(probe));
    if (!violations.empty() && !o.allow_violations) {
      std::string msg =
          thm.id + " does not apply to " + fam.method + " on " + fam.problem + " with " + fam.oracle + ":";
      for (const auto& v : violations) msg += " " + v + ";";
      throw SpecError(msg + " pass --allow-violations to run it anyway");
    }
    planned.push_back({fam, reference, sweep, std::move(violations)});
  }
  for (const Planned& p : planned) {  // the families run one at a time: each must fit
    const SweepPlan plan = plan_sweep_memory(p.sweep, o.engine.threads);
    check_memory(plan.bytes, "family " + p.family.name + ": " + plan.description, 0);
  }
  if (o.engine.progress)
    for (const Planned& p : planned) {
      const SweepSize size = sweep_size(p.sweep);
      o.engine.progress->expect(size.coordinate_steps, size.points);
    }
  for (Planned& p : planned) {
    const Family& fam = p.family;
    const std::size_t reference = p.reference;
    FamilyReport r;
    r.violations = std::move(p.violations);
    r.outside = outside_hypotheses(thm, fam, canonical_method);
    r.sweep = run_sweep(p.sweep, o.engine);
    r.family = fam;
    const std::vector<GridPoint> points = grid_points(r.sweep, thm.measure, "upper-half");
    FitOptions fo;
    fo.regressors = varying_regressors(points);
    fo.bootstrap = o.bootstrap;
    fo.level = o.level;
    fo.seed = o.seed;
    r.fit = fit_power_law(points, fo);
    // The whole grid's ratio (docs/theory.md, "How a rate is verified"): the theorem claims M <= C * rate(d,
    // T, n), so M / rate must not grow along the grid. Fit log(M / rate) on the same regressors (the same
    // bootstrap draws: for a single term C d^p T^q its slopes are exactly the raw exponents minus p, q).
    r.rate = o.rate ? *o.rate : thm.rate;
    std::vector<GridPoint> ratio = points;
    for (GridPoint& p : ratio) {
      const double rate = r.rate(p.d, p.T, p.n);
      for (double& v : p.values) v /= rate;
    }
    r.ratio_fit = fit_power_law(ratio, fo);
    if (r.rate.single()) {
      const RateTerm& k = r.rate.terms.front();
      if (r.fit.T) r.predicted_T = k.T;
      if (r.fit.d) r.predicted_d = k.d;
      if (r.fit.n) r.predicted_n = k.n;
    }
    TermOptions to;
    to.dominance = report.dominance;
    to.tolerance = o.tolerance;
    to.fit = fo;
    r.terms = check_terms(r.rate, grid_points(r.sweep, thm.measure, "all"), to);
    // "Bound holds": at every grid point (all T, not only the fitted part), mean + z stderr
    // stays under the explicit bound computed from the constants the reference run declared there.
    r.verdicts.bound_holds = true;
    r.verdicts.has_bound = false;
    const SweepResult& held_to =
        reference < report.families.size() ? report.families[reference].sweep : r.sweep;
    for (std::size_t k = 0; k < r.sweep.points.size(); ++k) {
      const std::optional<double> b = thm.bound(bound_inputs(held_to.points[k].run));
      const RunMetrics& metrics = r.sweep.points[k].run.metrics;
      const MeanStderr& m = thm.measure == "M1" ? metrics.M1 : metrics.M2;
      const double upper = m.mean + z * (std::isfinite(m.stderr_) ? m.stderr_ : 0.0);
      r.bounds.push_back(b);
      if (!b) continue;
      r.verdicts.has_bound = true;
      if (!std::isfinite(*b)) {
        r.verdicts.bound_finite = false;
        continue;
      }
      r.worst_bound_ratio = std::max(r.worst_bound_ratio, upper / *b);
      r.verdicts.bound_holds &= upper <= *b;
    }
    decide(r, z);
    report.families.push_back(std::move(r));
  }
  return report;
}

Verdict VerifyReport::verdict() const {
  Verdict v = Verdict::kHolds;
  for (const auto& f : families) v = std::max(v, f.verdict);
  return v;
}

int VerifyReport::exit_code(bool strict) const {
  const Verdict v = verdict();
  if (v >= Verdict::kExceeded || (strict && v == Verdict::kPreAsymptotic)) return 3;
  return v == Verdict::kInconclusive ? 4 : 0;
}

bool VerifyReport::all_hold() const { return exit_code(false) == 0; }

std::string VerifyReport::table() const {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(3);
  out << title << "\n";
  for (const auto& f : families) {
    out << "\n"
        << f.family.name << "\n  " << f.family.method << " with " << f.family.schedule << " on "
        << f.family.problem << ", " << f.family.oracle;
    if (f.family.n.size() > 1 || f.family.n.front() > 1) {
      out << ", n =";
      for (std::size_t k = 0; k < f.family.n.size(); ++k) out << (k ? "," : " ") << f.family.n[k];
    }
    out << "\n";
    if (!f.violations.empty()) {
      out << "  ASSUMPTIONS VIOLATED (run with --allow-violations):\n";
      for (const auto& v : f.violations) out << "    - " << v << "\n";
    }
    const std::string ci = std::to_string(static_cast<int>(std::round(level * 100))) + "% CI";
    // Appended piece by piece (GCC 12 reports a false -Wrestrict on "literal" + std::string here).
    const auto number = [](double v) {
      std::string text = v < 0 ? "" : " ";
      return text.append(fixed(v));
    };
    const auto interval = [](const Exponent& e) {
      std::string text = "[";
      return text.append(fixed(e.ci_low)).append(", ").append(fixed(e.ci_high)).append("]");
    };
    if (!f.rate.single()) {
      // The raw exponents over the fitted grid; a sum or a max of terms predicts none of them.
      out << "  exponent  fitted   " << ci << "\n";
      for (const auto& [name, e] : {std::pair{"T", &f.fit.T}, {"d", &f.fit.d}, {"n", &f.fit.n}})
        if (*e) out << "  " << name << "        " << number((*e)->estimate) << "   " << interval(**e) << "\n";
    }
    out << "  fit: " << f.fit.points << " points (upper half of T), rms residual " << f.fit.rms_residual
        << "\n";
    out << "  rate = " << f.rate.describe();
    if (!f.rate.single()) out << "; each term where it exceeds the others " << format_real(dominance) << "x";
    out << "\n";
    for (const TermCheck& t : f.terms) {
      if (!f.rate.single()) out << "  term " << t.description << ": ";
      if (!t.untested.empty()) {
        out << (f.rate.single() ? "  " : "") << "not tested: " << t.untested << "\n";
        continue;
      }
      if (!f.rate.single())
        out << t.points << " points, " << t.fitted << " fitted; verdict " << verdict_name(t.verdict) << "\n";
      out << "    exponent  predicted  fitted   " << ci << "         status\n";
      for (const AxisCheck& a : t.axes)
        out << "    " << a.axis << "         " << number(a.predicted) << "    " << number(a.fitted.estimate)
            << "   " << interval(a.fitted) << "   " << a.status << "\n";
    }
    out << "  bound holds: ";
    if (!f.verdicts.has_bound)
      out << "n/a (the theorem has no explicit bound here)\n";
    else if (!f.verdicts.bound_finite)
      out << "n/a (the bound is infinite: the assumptions fail)\n";
    else
      out << (f.verdicts.bound_holds ? "yes" : "NO") << " (largest measured/bound " << f.worst_bound_ratio
          << ")\n";
    for (const std::string& o : f.outside) out << "  outside the theorem's hypotheses: " << o << "\n";
    out << "  verdict: " << verdict_name(f.verdict) << "\n";
    for (const std::string& reason : f.reasons) out << "    - " << reason << "\n";
    if (!f.family.note.empty()) {
      // The family's note, wrapped at about 100 columns.
      std::istringstream words(f.family.note);
      std::string word, line = "  note:";
      while (words >> word) {
        if (line.size() + 1 + word.size() > 100) {
          out << line << "\n";
          line = "       ";
        }
        line += " " + word;
      }
      out << line << "\n";
    }
  }
  out << "\nstatus: tight, the CI widened by the tolerance " << tolerance
      << " on each side contains the predicted exponent (so a narrow CI may exclude it);\n"
      << "  loose, the whole CI lies more than the tolerance below it (the measure falls faster);\n"
      << "  crossover, worse along an axis where another term of the rate takes over (bounded there);\n"
      << "  shrinking, worse but less so as T grows (pre-asymptotic); persistent, worse at every T.\n";
  out << "\nverdict: " << verdict_name(verdict()) << " (tolerance " << tolerance << " on the exponents)\n";
  return out.str();
}

}  // namespace signrate::analysis
