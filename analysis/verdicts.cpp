#include "signrate/analysis/verdicts.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "signrate/error.hpp"
#include "signrate/spec.hpp"

namespace signrate::analysis {

namespace {

constexpr const char* kVerdictNames[] = {"holds",
                                         "holds, loose",
                                         "holds, pre-asymptotic",
                                         "inconclusive",
                                         "exceeded, outside the theorem's hypotheses",
                                         "violated"};

double exponent_of(const RateTerm& t, const std::string& axis) {
  return axis == "d" ? t.d : axis == "T" ? t.T : t.n;
}

double term_value(const RateTerm& t, const GridPoint& p) {
  return std::pow(p.d, t.d) * std::pow(p.T, t.T) * std::pow(p.n, t.n);
}

std::vector<double> sorted_T(const std::vector<GridPoint>& points) {
  std::vector<double> Ts;
  for (const GridPoint& p : points) Ts.push_back(p.T);
  std::sort(Ts.begin(), Ts.end());
  Ts.erase(std::unique(Ts.begin(), Ts.end()), Ts.end());
  return Ts;
}

std::vector<GridPoint> with_T_in(const std::vector<GridPoint>& points, double lo, double hi) {
  std::vector<GridPoint> out;
  for (const GridPoint& p : points)
    if (p.T >= lo && p.T <= hi) out.push_back(p);
  return out;
}

// Fits the varying regressors; nullopt (with the reason) when the points cannot be fitted.
std::optional<FitResult> try_fit(const std::vector<GridPoint>& points, FitOptions options, std::string* why) {
  options.regressors = varying_regressors(points);
  try {
    return fit_power_law(points, options);
  } catch (const SpecError& e) {
    if (why) *why = e.what();
    return std::nullopt;
  }
}

const std::optional<Exponent>& exponent_in(const FitResult& f, const std::string& axis) {
  return axis == "d" ? f.d : axis == "T" ? f.T : f.n;
}

// The exponent on `axis` fitted on successive T windows of the regime: for T itself, runs of
// consecutive T values (the shortest runs that can all be fitted); for d and n, each T alone.
std::vector<std::pair<double, Exponent>> trend_over_T(const std::vector<GridPoint>& region,
                                                      const std::string& axis, const FitOptions& options) {
  const std::vector<double> Ts = sorted_T(region);
  std::vector<std::pair<double, Exponent>> out;
  if (axis != "T") {
    for (double T : Ts) {
      const auto f = try_fit(with_T_in(region, T, T), options, nullptr);
      if (f && exponent_in(*f, axis)) out.push_back({T, *exponent_in(*f, axis)});
    }
    return out;
  }
  for (std::size_t w = 2; w < Ts.size(); ++w) {
    out.clear();
    for (std::size_t k = 0; k + w <= Ts.size(); ++k) {
      const auto f = try_fit(with_T_in(region, Ts[k], Ts[k + w - 1]), options, nullptr);
      if (!f || !f->T) break;
      out.push_back({Ts[k + w - 1], *f->T});
    }
    if (out.size() == Ts.size() - w + 1) return out;
  }
  return {};
}

}  // namespace

const char* verdict_name(Verdict v) { return kVerdictNames[static_cast<int>(v)]; }

Verdict verdict_from_name(const std::string& name) {
  std::string allowed;
  for (int k = 0; k < static_cast<int>(std::size(kVerdictNames)); ++k) {
    if (name == kVerdictNames[k]) return static_cast<Verdict>(k);
    allowed += std::string(k ? "; " : "") + kVerdictNames[k];
  }
  throw SpecError("verdict '" + name + "' is not allowed; allowed: " + allowed);
}

std::string dominance_condition(const Rate& rate, std::size_t k, double dominance) {
  std::string out;
  for (std::size_t j = 0; j < rate.terms.size(); ++j) {
    if (j == k) continue;
    const RateTerm& a = rate.terms[k];
    const RateTerm& b = rate.terms[j];
    const Rate ratio{Rate::Combine::kSum, {RateTerm{a.d - b.d, a.T - b.T, a.n - b.n}}};
    out += (out.empty() ? "" : " and ") + ratio.describe() + " >= " + format_real(dominance);
  }
  return out.empty() ? "always" : out;
}

std::vector<TermCheck> check_terms(const Rate& rate, const std::vector<GridPoint>& points,
                                   const TermOptions& o) {
  std::vector<TermCheck> out;
  for (std::size_t k = 0; k < rate.terms.size(); ++k) {
    TermCheck c;
    c.term = rate.terms[k];
    c.description = Rate{Rate::Combine::kSum, {c.term}}.describe();
    std::vector<GridPoint> region;
    for (const GridPoint& p : points) {
      bool dominates = true;
      for (std::size_t j = 0; j < rate.terms.size(); ++j)
        if (j != k && term_value(c.term, p) < o.dominance * term_value(rate.terms[j], p)) dominates = false;
      if (dominates) region.push_back(p);
    }
    c.points = region.size();
    const std::string condition = dominance_condition(rate, k, o.dominance);
    if (region.empty()) {
      c.untested = "no grid point where " + condition;
      out.push_back(c);
      continue;
    }
    // The upper half of the regime's T values, as for a one-term fit; all of them if that is too few.
    const std::vector<double> Ts = sorted_T(region);
    std::vector<GridPoint> fitted = with_T_in(region, Ts[Ts.size() / 2], Ts.back());
    std::string why;
    std::optional<FitResult> fit = try_fit(fitted, o.fit, &why);
    if (!fit) {
      fitted = region;
      fit = try_fit(fitted, o.fit, &why);
    }
    if (!fit) {
      c.untested = std::to_string(region.size()) + " grid point" + (region.size() == 1 ? "" : "s") +
                   " where " + condition + ", too few to fit (" + why + ")";
      out.push_back(c);
      continue;
    }
    c.fitted = fitted.size();
    c.verdict = Verdict::kHolds;
    for (const std::string& axis : varying_regressors(fitted)) {
      AxisCheck a;
      a.axis = axis;
      a.predicted = exponent_of(c.term, axis);
      a.fitted = *exponent_in(*fit, axis);
      if (a.fitted.ci_high < a.predicted - o.tolerance) {
        a.status = "loose";
        c.verdict = std::max(c.verdict, Verdict::kLoose);
      } else if (a.fitted.ci_low <= a.predicted + o.tolerance) {
        a.status = "tight";
      } else {
        bool unbounded = true;  // does the term keep dominating as this axis grows?
        for (const RateTerm& other : rate.terms)
          if (exponent_of(other, axis) > a.predicted) unbounded = false;
        if (!unbounded) {
          a.status = "crossover";
        } else {
          a.trend = trend_over_T(region, axis, o.fit);
          const bool shrinking =
              a.trend.size() >= 2 &&
              (a.trend.back().second.ci_low <= a.predicted + o.tolerance ||
               a.trend.back().second.estimate < a.trend.front().second.estimate - o.tolerance);
          a.status = shrinking ? "shrinking" : "persistent";
          c.verdict = std::max(c.verdict, shrinking ? Verdict::kPreAsymptotic : Verdict::kViolated);
        }
      }
      c.axes.push_back(a);
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace signrate::analysis
