#include "signrate/analysis/verify.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/version.hpp"

namespace signrate::analysis {

namespace {

bool near(double predicted, const Exponent& e, double tol) {
  return e.ci_low - tol <= predicted && predicted <= e.ci_high + tol;
}

}  // namespace

VerifyReport verify(const VerifyOptions& o, const std::function<void(std::size_t, std::size_t)>& progress) {
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
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + o.level / 2);
  // Each family to run, with the index of the family whose explicit bound it is held to: its own
  // (for a family) or the family's it is compared beside (as for Theorem 1, signSGD is held to
  // SMM's bound), whose run resolved that method's constants at the same grid points.
  std::vector<std::pair<Family, std::size_t>> families;
  std::string names;
  for (Family fam : thm.families) {
    names += (names.empty() ? "" : "; ") + fam.name;
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
    FamilyReport r;
    {
      RunSpec probe = sweep.base;
      probe.d = fam.d.front();
      probe.T = fam.T.front();
      probe.nodes = fam.n.front();
      r.violations = violated_assumptions(thm, make_experiment(probe));
    }
    if (!r.violations.empty() && !o.allow_violations) {
      std::string msg =
          thm.id + " does not apply to " + fam.method + " on " + fam.problem + " with " + fam.oracle + ":";
      for (const auto& v : r.violations) msg += " " + v + ";";
      throw SpecError(msg + " pass --allow-violations to run it anyway");
    }
    r.sweep = run_sweep(sweep, o.engine, progress);
    r.family = fam;
    const std::vector<GridPoint> points = grid_points(r.sweep, thm.measure, "upper-half");
    FitOptions fo;
    fo.regressors = varying_regressors(points);
    fo.bootstrap = o.bootstrap;
    fo.level = o.level;
    fo.seed = o.seed;
    r.fit = fit_power_law(points, fo);
    // The verdicts (THEORY.md step 4): the theorem claims M <= C * rate(d, T, n), so M / rate must
    // not grow along the grid. Fit log(M / rate) on the same regressors (the same bootstrap draws:
    // for a single term C d^p T^q its slopes are exactly the raw exponents minus p, q).
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
    r.verdicts.rate_holds = r.verdicts.tight = true;
    for (const auto* e : {&r.ratio_fit.T, &r.ratio_fit.d, &r.ratio_fit.n}) {
      if (!*e) continue;
      r.verdicts.rate_holds &= (*e)->ci_low <= o.tolerance;
      r.verdicts.tight &= near(0.0, **e, o.tolerance);
    }
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
      if (b) {
        r.verdicts.has_bound = true;
        r.worst_bound_ratio = std::max(r.worst_bound_ratio, upper / *b);
        r.verdicts.bound_holds &= upper <= *b;
      }
    }
    report.families.push_back(std::move(r));
  }
  return report;
}

bool VerifyReport::all_hold() const {
  for (const auto& f : families)
    if (!f.verdicts.rate_holds || !f.verdicts.tight || (f.verdicts.has_bound && !f.verdicts.bound_holds))
      return false;
  return true;
}

std::string VerifyReport::table() const {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(3);
  const auto yes = [](bool b) { return b ? "yes" : "NO"; };
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
    out << "  exponent  predicted  fitted   " << static_cast<int>(std::round(level * 100)) << "% CI\n";
    const auto row = [&](const char* name, double predicted, const std::optional<Exponent>& e) {
      if (!e) return;
      out << "  " << name << "         ";
      if (std::isnan(predicted))
        out << "    -    ";
      else
        out << (predicted < 0 ? "" : " ") << predicted << "    ";
      out << " " << (e->estimate < 0 ? "" : " ") << e->estimate << "   [" << e->ci_low << ", " << e->ci_high
          << "]\n";
    };
    row("T", f.predicted_T, f.fit.T);
    row("d", f.predicted_d, f.fit.d);
    row("n", f.predicted_n, f.fit.n);
    if (!f.rate.single()) {
      // A sum or max of terms predicts no single exponent: the verdicts read the slopes of M / rate.
      out << "  M / rate, rate = " << f.rate.describe() << ": slopes (0 = the rate's shape)\n";
      row("T", 0.0, f.ratio_fit.T);
      row("d", 0.0, f.ratio_fit.d);
      row("n", 0.0, f.ratio_fit.n);
    }
    out << "  fit: " << f.fit.points << " points (upper half of T), rms residual " << f.fit.rms_residual
        << "\n";
    out << "  rate holds: " << yes(f.verdicts.rate_holds) << "   tight: " << yes(f.verdicts.tight)
        << "   bound holds: ";
    if (f.verdicts.has_bound)
      out << yes(f.verdicts.bound_holds) << " (largest measured/bound " << f.worst_bound_ratio << ")\n";
    else
      out << "n/a (THEORY.md has no explicit bound for this theorem)\n";
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
  out << "\n"
      << (all_hold() ? "all verdicts hold" : "a verdict FAILED") << " (tolerance " << tolerance
      << " on the slopes of M / rate)\n";
  return out.str();
}

}  // namespace signrate::analysis
