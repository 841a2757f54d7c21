// The JSON of fits, written and read back (the I/O layer).
#include "signrate/io/fit_io.hpp"

#include <sstream>

#include "fit_read.hpp"

namespace signrate {

using analysis::Exponent;
using analysis::FitResult;

nlohmann::json exponent_json(const Exponent& e) {
  return {{"estimate", e.estimate}, {"ci", {e.ci_low, e.ci_high}}};
}

nlohmann::json exponents_json(const FitResult& fit) {
  nlohmann::json j = nlohmann::json::object();
  const auto put = [&](const char* name, const std::optional<Exponent>& e) {
    if (e) j[name] = exponent_json(*e);
  };
  put("T", fit.T);
  put("d", fit.d);
  put("n", fit.n);
  return j;
}

nlohmann::json fit_result_json(const FitResult& f) {
  return {{"exponents", exponents_json(f)}, {"log_c", f.log_c},   {"residuals", f.residuals},
          {"rms_residual", f.rms_residual}, {"points", f.points}, {"bootstrap", f.bootstrap}};
}

nlohmann::json axis_fits_json(const analysis::AxisFits& fits) {
  nlohmann::json j;
  j["exponents"] = exponents_json(fits.joint);
  j["joint"] = fit_result_json(fits.joint);
  j["separate"] = nlohmann::json::array();
  for (const auto& s : fits.separate) {
    nlohmann::json g = fit_result_json(s.fit);
    for (const auto& [axis, value] : s.at) g[axis] = value;
    j["separate"].push_back(g);
  }
  return j;
}

void read_exponents(const io::Reader& e, FitResult& fit) {
  e.keys();  // an object
  for (const auto& [name, field] :
       {std::pair{"T", &FitResult::T}, {"d", &FitResult::d}, {"n", &FitResult::n}}) {
    if (e.has(name)) fit.*field = read_exponent(e[name]);
  }
}

Exponent read_exponent(const io::Reader& x) {
  return Exponent{x["estimate"].real(), x["ci"].at(0).real(), x["ci"].at(1).real()};
}

FitResult read_fit(const io::Reader& r) {
  FitResult f;
  read_exponents(r["exponents"], f);
  f.log_c = r["log_c"].real();
  f.residuals = r["residuals"].reals();
  f.rms_residual = r["rms_residual"].real();
  f.points = r["points"].u64();
  f.bootstrap = r["bootstrap"].u32();
  return f;
}

std::string fit_csv(const std::string& measure, const std::string& part, double level,
                    const std::vector<FitGroup>& groups) {
  std::ostringstream out;
  out.precision(17);
  out << "measure,part";
  const VariedValues none;
  const VariedValues& keys = groups.empty() ? none : groups.front().vary;
  for (const auto& [key, value] : keys) out << ',' << key;
  out << ",fit,at_d,at_T,at_n,axis,estimate,ci_low,ci_high,level,points,rms_residual\n";
  for (const FitGroup& g : groups) {
    const auto rows = [&](const char* kind, const std::vector<std::pair<std::string, double>>& at,
                          const FitResult& fit) {
      const auto row = [&](const char* axis, const std::optional<Exponent>& e) {
        if (!e) return;
        out << measure << ',' << part;
        for (const auto& [key, value] : g.vary) out << ',' << value;
        out << ',' << kind;
        for (const char* fixed : {"d", "T", "n"}) {
          out << ',';
          for (const auto& [name, value] : at)
            if (name == fixed) out << value;
        }
        out << ',' << axis << ',' << e->estimate << ',' << e->ci_low << ',' << e->ci_high << ',' << level
            << ',' << fit.points << ',' << fit.rms_residual << '\n';
      };
      row("d", fit.d);
      row("T", fit.T);
      row("n", fit.n);
    };
    rows("joint", {}, g.fits.joint);
    for (const analysis::SeparateFit& s : g.fits.separate) rows("separate", s.at, s.fit);
  }
  return out.str();
}

}  // namespace signrate
