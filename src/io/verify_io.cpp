// The JSON of a verification, written and read back, and the inputs of a report (the I/O layer).
#include "signrate/io/verify_io.hpp"

#include <cmath>

#include "fit_read.hpp"
#include "signrate/error.hpp"
#include "signrate/io/fit_io.hpp"
#include "signrate/io/sweep_io.hpp"
#include "sweep_read.hpp"

namespace signrate {

using analysis::FamilyReport;
using analysis::Rate;
using analysis::RateTerm;
using analysis::VerifyReport;

nlohmann::json verify_json(const VerifyReport& report) {
  nlohmann::json j;
  j["version"] = report.version;
  j["theorem"] = report.theorem;
  j["title"] = report.title;
  j["measure"] = report.measure;
  j["tolerance"] = report.tolerance;
  j["level"] = report.level;
  j["dominance"] = report.dominance;
  j["verdict"] = analysis::verdict_name(report.verdict());
  j["families"] = nlohmann::json::array();
  for (const FamilyReport& f : report.families) {
    nlohmann::json fj;
    fj["name"] = f.family.name;
    fj["problem"] = f.family.problem;
    fj["oracle"] = f.family.oracle;
    fj["method"] = f.family.method;
    fj["schedule"] = f.family.schedule;
    fj["violations"] = f.violations;
    fj["outside_hypotheses"] = f.outside;
    fj["fit"] = fit_result_json(f.fit);
    fj["fit"]["part"] = "upper-half of T";
    fj["n"] = f.family.n;
    fj["note"] = f.family.note;
    fj["rate"] = {{"expression", f.rate.describe()},
                  {"combine", f.rate.combine == Rate::Combine::kSum ? "sum" : "max"},
                  {"terms", nlohmann::json::array()}};
    for (const RateTerm& k : f.rate.terms)
      fj["rate"]["terms"].push_back({{"d", k.d}, {"T", k.T}, {"n", k.n}});
    fj["ratio_fit"] = {{"slopes", exponents_json(f.ratio_fit)}, {"rms_residual", f.ratio_fit.rms_residual}};
    fj["predicted"] = nlohmann::json::object();
    for (const auto& [axis, value] :
         {std::pair{"T", f.predicted_T}, {"d", f.predicted_d}, {"n", f.predicted_n}})
      if (!std::isnan(value)) fj["predicted"][axis] = value;
    const nlohmann::json none;
    fj["verdicts"] = {{"rate_holds", f.verdicts.rate_holds},
                      {"tight", f.verdicts.tight},
                      {"bound_holds", f.verdicts.has_bound ? nlohmann::json(f.verdicts.bound_holds) : none}};
    fj["verdicts"]["bound_finite"] = f.verdicts.bound_finite;
    fj["worst_bound_ratio"] = f.verdicts.has_bound ? nlohmann::json(f.worst_bound_ratio) : none;
    fj["verdict"] = analysis::verdict_name(f.verdict);
    fj["reasons"] = f.reasons;
    fj["terms"] = nlohmann::json::array();
    for (const analysis::TermCheck& t : f.terms) {
      nlohmann::json tj = {{"term", {{"d", t.term.d}, {"T", t.term.T}, {"n", t.term.n}}},
                           {"expression", t.description},
                           {"points", t.points},
                           {"fitted", t.fitted},
                           {"verdict", analysis::verdict_name(t.verdict)},
                           {"untested", t.untested.empty() ? none : nlohmann::json(t.untested)},
                           {"axes", nlohmann::json::array()}};
      for (const analysis::AxisCheck& a : t.axes) {
        nlohmann::json aj = {{"axis", a.axis},
                             {"predicted", a.predicted},
                             {"fitted", exponent_json(a.fitted)},
                             {"status", a.status},
                             {"trend", nlohmann::json::array()}};
        for (const auto& [T, e] : a.trend) {
          nlohmann::json w = exponent_json(e);
          w["T"] = T;
          aj["trend"].push_back(w);
        }
        tj["axes"].push_back(aj);
      }
      fj["terms"].push_back(tj);
    }
    fj["sweep"] = sweep_json(f.sweep);
    for (std::size_t k = 0; k < f.bounds.size() && k < f.sweep.points.size(); ++k)
      if (f.bounds[k]) fj["sweep"]["points"][k]["bound"] = *f.bounds[k];
    j["families"].push_back(fj);
  }
  if (!report.command.empty()) j["command"] = report.command;
  return j;
}

namespace {

analysis::Verdict verdict_of(const io::Reader& r) {
  try {
    return analysis::verdict_from_name(r.text());
  } catch (const SpecError& e) {
    r.fail(std::string("is not a verdict: ") + e.what());
  }
}

}  // namespace

VerifyReport verify_from_json(const nlohmann::json& j) {
  const io::Reader r(j, "verify JSON");
  VerifyReport report;
  report.version = r["version"].text();
  report.theorem = r["theorem"].text();
  report.title = r["title"].text();
  report.measure = r["measure"].text();
  report.tolerance = r["tolerance"].real();
  report.level = r["level"].real();
  report.dominance = r["dominance"].real();
  const io::Reader families = r["families"];
  if (families.size() == 0) families.fail("is empty; allowed: the verified families (at least one)");
  for (std::size_t k = 0; k < families.size(); ++k) {
    const io::Reader fj = families.at(k);
    FamilyReport f;
    f.family.name = fj["name"].text();
    f.family.problem = fj["problem"].text();
    f.family.oracle = fj["oracle"].text();
    f.family.method = fj["method"].text();
    f.family.schedule = fj["schedule"].text();
    f.family.n = fj["n"].u32s();
    if (f.family.n.empty()) fj["n"].fail("is empty; allowed: the family's n grid");
    f.family.note = fj["note"].text();
    const io::Reader violations = fj["violations"];
    for (std::size_t v = 0; v < violations.size(); ++v) f.violations.push_back(violations.at(v).text());
    if (fj.has("outside_hypotheses")) {  // written since the verdict "exceeded"
      const io::Reader outside = fj["outside_hypotheses"];
      for (std::size_t v = 0; v < outside.size(); ++v) f.outside.push_back(outside.at(v).text());
    }
    f.fit = read_fit(fj["fit"]);
    const io::Reader rate = fj["rate"];
    const std::string combine = rate["combine"].text();
    if (combine != "sum" && combine != "max")
      rate["combine"].fail("is \"" + combine + "\", not \"sum\" or \"max\"");
    f.rate.combine = combine == "sum" ? Rate::Combine::kSum : Rate::Combine::kMax;
    const io::Reader terms = rate["terms"];
    if (terms.size() == 0) terms.fail("is empty; allowed: the rate's terms (at least one)");
    for (std::size_t t = 0; t < terms.size(); ++t)
      f.rate.terms.push_back({terms.at(t)["d"].real(), terms.at(t)["T"].real(), terms.at(t)["n"].real()});
    read_exponents(fj["ratio_fit"]["slopes"], f.ratio_fit);
    f.ratio_fit.rms_residual = fj["ratio_fit"]["rms_residual"].real();
    const io::Reader predicted = fj["predicted"];
    for (const auto& [axis, field] : {std::pair{"T", &FamilyReport::predicted_T},
                                      {"d", &FamilyReport::predicted_d},
                                      {"n", &FamilyReport::predicted_n}})
      if (predicted.has(axis)) f.*field = predicted[axis].real();
    const io::Reader verdicts = fj["verdicts"];
    f.verdicts.rate_holds = verdicts["rate_holds"].boolean();
    f.verdicts.tight = verdicts["tight"].boolean();
    f.verdicts.has_bound = !verdicts["bound_holds"].json().is_null();
    if (f.verdicts.has_bound) {
      f.verdicts.bound_holds = verdicts["bound_holds"].boolean();
      f.worst_bound_ratio = fj["worst_bound_ratio"].real();
    }
    f.verdicts.bound_finite = verdicts["bound_finite"].boolean();
    f.verdict = verdict_of(fj["verdict"]);
    const io::Reader reasons = fj["reasons"];
    for (std::size_t k = 0; k < reasons.size(); ++k) f.reasons.push_back(reasons.at(k).text());
    const io::Reader checks = fj["terms"];
    for (std::size_t k = 0; k < checks.size(); ++k) {
      const io::Reader tj = checks.at(k);
      analysis::TermCheck t;
      t.term = {tj["term"]["d"].real(), tj["term"]["T"].real(), tj["term"]["n"].real()};
      t.description = tj["expression"].text();
      t.points = tj["points"].u32();
      t.fitted = tj["fitted"].u32();
      t.verdict = verdict_of(tj["verdict"]);
      if (!tj["untested"].json().is_null()) t.untested = tj["untested"].text();
      const io::Reader axes = tj["axes"];
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const io::Reader aj = axes.at(a);
        analysis::AxisCheck c;
        c.axis = aj["axis"].text();
        c.predicted = aj["predicted"].real();
        c.fitted = read_exponent(aj["fitted"]);
        c.status = aj["status"].text();
        const io::Reader trend = aj["trend"];
        for (std::size_t w = 0; w < trend.size(); ++w)
          c.trend.push_back({trend.at(w)["T"].real(), read_exponent(trend.at(w))});
        t.axes.push_back(c);
      }
      f.terms.push_back(t);
    }
    const io::Reader sweep = fj["sweep"];
    f.sweep = read_sweep(sweep);
    for (std::size_t p = 0; p < f.sweep.points.size(); ++p) {
      const io::Reader point = sweep["points"].at(p);
      f.bounds.push_back(point.has("bound") ? std::optional<double>(point["bound"].real()) : std::nullopt);
    }
    // What the JSON keeps of the family's grid and size: its sweep's.
    f.family.d = f.sweep.grid.d;
    f.family.T = f.sweep.grid.T;
    f.family.replicates = f.sweep.spec.replicates;
    report.families.push_back(std::move(f));
  }
  if (r.has("command")) report.command = r["command"].text();
  return report;
}

ReportInput report_input_from_json(const nlohmann::json& j) {
  if (j.is_object() && j.contains("families")) return verify_from_json(j);
  if (j.is_object() && j.contains("points")) return sweep_from_json(j);
  throw SpecError("report: the input is neither a sweep JSON nor a verify JSON (nor a train JSON)");
}

}  // namespace signrate
