#include "analysis/report.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/version.hpp"

namespace signrate::analysis {

namespace {

namespace fs = std::filesystem;

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v, int precision = 4) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

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

// Draws one figure: the measure against `axis` ("T" or "d"), one curve per value of the other
// coordinate, with 95% error bars, the fitted line (dashed) and the theorem's slope (dotted,
// through each curve's last point). Returns the SVG text; writes the PNG to png_path.
std::string draw(const Section& s, const std::string& measure, const std::string& axis, const fs::path& dir,
                 const std::string& png_path, const std::string& gnuplot, int figure) {
  const std::string other = axis == "T" ? "d" : "T";
  std::map<double, std::vector<const nlohmann::json*>> curves;
  for (const auto& p : s.sweep["points"]) curves[p[other].get<double>()].push_back(&p);
  const std::optional<double> slope = s.predicted_measure == measure ? (axis == "T" ? s.predicted_T : s.predicted_d)
                                                                      : std::nullopt;
  std::ostringstream plot;
  int k = 0;
  for (auto& [value, pts] : curves) {
    std::sort(pts.begin(), pts.end(),
              [&](const auto* a, const auto* b) { return (*a)[axis].template get<double>() < (*b)[axis].template get<double>(); });
    const std::string stem = "f" + std::to_string(figure) + "c" + std::to_string(k);
    std::ofstream data(dir / (stem + ".dat")), line(dir / (stem + "-fit.dat")), theory(dir / (stem + "-thm.dat"));
    data.precision(17);
    line.precision(17);
    theory.precision(17);
    for (const auto* p : pts) {
      const double x = (*p)[axis].get<double>(), m = mean_of(*p, measure), h = halfwidth_of(*p, measure);
      data << x << ' ' << m << ' ' << std::max(m - h, m * 1e-3) << ' ' << m + h << '\n';
      const double d = axis == "T" ? value : x, T = axis == "T" ? x : value;
      line << x << ' ' << fitted(s, measure, d, T) << '\n';
    }
    if (slope) {
      const double x1 = (*pts.back())[axis].get<double>(), y1 = mean_of(*pts.back(), measure);
      const double x0 = (*pts.front())[axis].get<double>();
      theory << x0 << ' ' << y1 * std::pow(x0 / x1, *slope) << '\n' << x1 << ' ' << y1 << '\n';
    }
    plot << (k ? ", \\\n  " : "plot ") << "'" << stem << ".dat' using 1:2:3:4 with yerrorlines lc " << k + 1
         << " pt 7 title '" << other << " = " << num(value, 6) << "'"
         << ", '" << stem << "-fit.dat' using 1:2 with lines lc " << k + 1 << " dt 2 notitle";
    if (slope) plot << ", '" << stem << "-thm.dat' using 1:2 with lines lc " << k + 1 << " dt 3 lw 2 notitle";
    ++k;
  }
  const std::string svg = "fig" + std::to_string(figure) + ".svg";
  std::ofstream script(dir / "plot.gp");
  script << "set logscale xy\nset grid\nset key outside right\n"
         << "set xlabel '" << axis << "'\nset ylabel '" << measure << "'\n"
         << "set title '" << measure << " against " << axis
         << " (dashed: fit; dotted: theorem slope" << (slope ? " " + num(*slope) : " n/a") << ")'\n"
         << "set terminal svg size 760,460 dynamic enhanced font 'sans,11'\nset output '" << svg << "'\n"
         << plot.str() << "\n"
         << "set terminal pngcairo size 760,460 enhanced font 'sans,10'\nset output '" << fs::absolute(png_path).string()
         << "'\nreplot\nunset output\n";
  script.close();
  const std::string cmd = "cd '" + dir.string() + "' && '" + gnuplot + "' plot.gp > gnuplot.log 2>&1";
  if (std::system(cmd.c_str()) != 0)
    throw RunError("gnuplot failed (is it installed? scripts/install-deps.sh installs it); its output is in " +
                   (dir / "gnuplot.log").string());
  std::ifstream in(dir / svg);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto start = text.find("<svg");
  if (start == std::string::npos) throw RunError("gnuplot wrote no SVG for figure " + std::to_string(figure));
  return text.substr(start);
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
      s.worst_bound_ratio = f["worst_bound_ratio"].get<double>();
      out.push_back(s);
    }
    return out;
  }
  if (!input.contains("points")) throw SpecError("report: the input is neither a sweep JSON nor a verify JSON");
  Section s;
  s.title = "sweep";
  s.sweep = input;
  if (!o.theorem.empty()) {
    const Theorem& thm = find_theorem(o.theorem);
    s.predicted_T = thm.exponent_T;
    s.predicted_d = thm.exponent_d;
    s.predicted_measure = thm.measure;
  }
  out.push_back(s);
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
  std::string pattern = (fs::temp_directory_path() / "signrate-report-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw RunError("report: cannot create a temporary directory");
  const fs::path tmp = pattern;
  std::string stem = html_path;
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".html") stem.resize(stem.size() - 5);
  std::ostringstream html;
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { std::error_code ec; fs::remove_all(dir, ec); }
  } cleanup{tmp};
  html << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>signrate report</title>\n"
       << "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .7em;text-align:right}"
          "th{background:#eee}pre{background:#f6f6f6;padding:.7em;white-space:pre-wrap}"
          ".yes{color:#070;font-weight:bold}.no{color:#b00;font-weight:bold}figure{margin:1em 0}</style>\n"
       << "</head><body>\n<h1>signrate report</h1>\n";
  if (input.contains("title")) html << "<p>" << html_escape(input["title"].get<std::string>()) << "</p>\n";
  html << "<p>Reproduce with:</p><pre>"
       << html_escape(input.contains("command") ? input["command"].get<std::string>()
                                                : std::string("(the input records no command)"))
       << "</pre>\n<p>signrate " << kVersion << "; input written by signrate "
       << html_escape(input.value("version", std::string("?"))) << ".</p>\n";
  std::vector<std::string> pngs;
  int figure = 0;
  for (const Section& s : sections) {
    html << "<h2>" << html_escape(s.title) << "</h2>\n";
    const nlohmann::json& spec = s.sweep["spec"];
    html << "<table><tr><th>problem</th><th>oracle</th><th>method</th><th>schedule</th><th>replicates</th></tr><tr>";
    for (const char* part : {"problem", "oracle", "method", "schedule"})
      html << "<td>" << html_escape(spec_text(spec[part])) << "</td>";
    html << "<td>" << spec["replicates"] << "</td></tr></table>\n";
    html << "<table><tr><th>measure</th><th>exponent</th><th>predicted</th><th>fitted</th><th>95% CI</th></tr>\n";
    for (const auto& [measure, e] : s.exponents)
      for (const char* axis : {"T", "d"}) {
        if (!e.contains(axis)) continue;
        const std::optional<double> pred =
            s.predicted_measure == measure ? (axis[0] == 'T' ? s.predicted_T : s.predicted_d) : std::nullopt;
        html << "<tr><td>" << measure << "</td><td>" << axis << "</td><td>" << (pred ? num(*pred) : "-") << "</td><td>"
             << num(e[axis]["estimate"].get<double>()) << "</td><td>[" << num(e[axis]["ci"][0].get<double>()) << ", "
             << num(e[axis]["ci"][1].get<double>()) << "]</td></tr>\n";
      }
    html << "</table>\n<p>Fitted on the upper half of the T values: M = C d^p T^q, bootstrap over replicates.</p>\n";
    if (!s.verdicts.is_null()) {
      html << "<table><tr><th>rate holds</th><th>tight</th><th>bound holds</th><th>largest measured/bound</th></tr><tr>";
      for (const char* v : {"rate_holds", "tight", "bound_holds"}) {
        const bool b = s.verdicts[v].get<bool>();
        html << "<td class=\"" << (b ? "yes" : "no") << "\">" << (b ? "yes" : "NO") << "</td>";
      }
      html << "<td>" << num(s.worst_bound_ratio) << "</td></tr></table>\n";
    }
    for (const char* measure : {"M1", "M2"})
      for (const char* axis : {"T", "d"}) {
        if (!s.exponents.count(measure)) continue;
        const std::string png = stem + "-" + std::to_string(figure) + ".png";
        const std::string svg = draw(s, measure, axis, tmp, (tmp / ("fig" + std::to_string(figure) + ".png")).string(),
                                     o.gnuplot, figure);
        html << "<figure>" << svg << "<figcaption>" << measure << " against " << axis
             << " (95% error bars; PNG: " << html_escape(fs::path(png).filename().string()) << ")</figcaption></figure>\n";
        pngs.push_back(png);
        ++figure;
      }
  }
  html << "</body></html>\n";
  // Every figure drew: only now do the outputs appear, each written atomically.
  for (std::size_t k = 0; k < pngs.size(); ++k) {
    std::ifstream in(tmp / ("fig" + std::to_string(k) + ".png"), std::ios::binary);
    write_file_atomic(pngs[k], std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  fs::remove_all(tmp);
  write_file_atomic(html_path, html.str());
  return pngs;
}

}  // namespace signrate::analysis
