#include "signrate/analysis/page.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/output_files.hpp"
#include "signrate/text.hpp"
#include "signrate/version.hpp"

namespace signrate::analysis {

namespace {

namespace fs = std::filesystem;

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string gnuplot_quote(const std::string& s) {
  // A single-quoted gnuplot string substitutes nothing (no backquotes, macros or escapes): only a
  // quote, which it doubles, or a line end can leave it. printable() writes every control
  // character, line ends included, as a visible escape, so the text stays one line of one string.
  // A backslash is doubled: enhanced text reads "\\" as one backslash (and "\n" as "n").
  std::string out;
  for (char c : printable(s)) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out;
}

namespace {

const char* with_style(Series::Style style) {
  switch (style) {
    case Series::Style::kPointsWithErrorBars:
      return "with yerrorlines pt 7 lw 2";
    case Series::Style::kMarkersWithErrorBars:
      return "with yerrorbars pt 7 ps 1.2 lw 1.5";
    case Series::Style::kDashedLine:
      return "with lines dt 2 lw 1";
    case Series::Style::kDottedLine:
      return "with lines dt 3 lw 2";
    case Series::Style::kDashDotLine:
      return "with lines dt 4 lw 2";
    case Series::Style::kLine:
      return "with lines lw 2";
    case Series::Style::kBand:
      return "with filledcurves fs transparent solid 0.2 noborder";
  }
  return "";
}

bool has_error_bars(Series::Style style) {
  return style == Series::Style::kPointsWithErrorBars || style == Series::Style::kMarkersWithErrorBars;
}

const char* columns(Series::Style style) {
  return has_error_bars(style)           ? "using 1:2:3:4 "
         : style == Series::Style::kBand ? "using 1:2:3 "
                                         : "using 1:2 ";
}

std::string data_file(const Series& se) {
  std::ostringstream out;
  out.precision(17);
  for (std::size_t i = 0; i < se.x.size(); ++i) {
    if (se.style == Series::Style::kBand) {
      out << se.x[i] << ' ' << se.low[i] << ' ' << se.high[i] << '\n';
      continue;
    }
    out << se.x[i] << ' ' << se.y[i];
    if (has_error_bars(se.style))
      out << ' ' << (i < se.low.size() ? se.low[i] : se.y[i]) << ' '
          << (i < se.high.size() ? se.high[i] : se.y[i]);
    out << '\n';
  }
  return out.str();
}

bool close(double a, double b, double rel) {
  return a == b || std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

bool same_points(const Series& a, const Series& b, double rel) {
  if (a.x.size() != b.x.size() || a.y.size() != b.y.size()) return false;
  for (std::size_t i = 0; i < a.x.size(); ++i)
    if (!close(a.x[i], b.x[i], rel)) return false;
  for (std::size_t i = 0; i < a.y.size(); ++i)
    if (!close(a.y[i], b.y[i], rel)) return false;
  return true;
}

// "n = 1, 2, 4, 8" from {"n = 1", "n = 2", "n = 4", "n = 8"}; labels of another form joined by "; ".
std::string joined_labels(const std::vector<std::string>& labels) {
  const auto name = [](const std::string& l) {
    const auto eq = l.find(" = ");
    return eq == std::string::npos || l.find(", ") != std::string::npos ? std::string() : l.substr(0, eq + 3);
  };
  const std::string common = name(labels.front());
  bool shared = !common.empty();
  for (const auto& l : labels) shared = shared && name(l) == common;
  std::string out = shared ? common : "";
  for (std::size_t k = 0; k < labels.size(); ++k)
    out += (k ? (shared ? ", " : "; ") : "") + (shared ? labels[k].substr(common.size()) : labels[k]);
  return out;
}

// The smallest and largest value a figure draws along one axis (x, or y with the error bars and
// bands), positive ones only on a log axis; lo > hi when it draws none.
std::pair<double, double> data_range(const Figure& f, bool x_axis) {
  const bool log = x_axis ? f.log_x : f.log_y;
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& se : f.series)
    for (const auto* values : x_axis ? std::vector{&se.x} : std::vector{&se.y, &se.low, &se.high})
      for (double v : *values)
        if (std::isfinite(v) && (!log || v > 0)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
  return {lo, hi};
}

// A tick label: "%g" (0.001, 1, 10000) inside [1e-4, 1e5], m·10^{k} outside, where "%g" would
// write 1e-05.
std::string tick_label(double v) {
  if (v >= 1e-4 && v <= 1e5) return format_short(v, 6);
  const int k = static_cast<int>(std::floor(std::log10(v) + 1e-9));
  const double m = std::round(v / std::pow(10.0, k));
  std::ostringstream out;  // one stream (GCC 12 reports a false -Wrestrict on short string sums)
  if (m != 1) out << m << "·";
  out << "10^{" << k << "}";
  return out.str();
}

// The ticks of a log axis over [lo, hi]: the powers of ten in it, or where fewer than three fall
// inside, 1, 2, 5 times them, or else every integer multiple, or 1, 1.2, 1.5, 2, 2.5, 3, ... times
// them (an axis under a decade); on a long
// axis every second, third ... power of ten, so that at most ten ticks are labelled.
std::vector<double> log_ticks(double lo, double hi) {
  const int k0 = static_cast<int>(std::floor(std::log10(lo))),
            k1 = static_cast<int>(std::ceil(std::log10(hi)));
  const int step = std::max(1, (k1 - k0 + 9) / 10);
  for (const std::vector<double>& mantissas : {std::vector<double>{1},
                                               {1, 2, 5},
                                               {1, 2, 3, 4, 5, 6, 7, 8, 9},
                                               {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9}}) {
    std::vector<double> ticks;
    for (int k = k0; k <= k1; k += mantissas.size() == 1 ? step : 1)
      for (double m : mantissas) {
        const double v = m * std::pow(10.0, k);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back(v);
      }
    if (ticks.size() >= 3 || mantissas.size() == 12) return ticks;
  }
  return {};
}

// The range and ticks of one axis, fitted to what the figure draws: a margin of 4% of the span
// (of its logarithm on a log axis) on each side, never the next decade. A log axis gets its ticks
// listed (gnuplot labels none on an axis under a decade); a linear one gnuplot's own.
std::string axis_commands(const Figure& f, bool x_axis) {
  const std::string axis = x_axis ? "x" : "y";
  auto [lo, hi] = data_range(f, x_axis);
  if (!(lo <= hi)) return "set format " + axis + " '%g'\n";
  const bool log = x_axis ? f.log_x : f.log_y;
  std::ostringstream out;
  out.precision(17);
  if (log) {
    const double pad = std::max(1.05, std::pow(hi / lo, 0.04));
    const double a = lo / pad, b = hi * pad;
    out << "set " << axis << "range [" << a << ":" << b << "]\nset " << axis << "tics (";
    const std::vector<double> ticks = log_ticks(a, b);
    for (std::size_t k = 0; k < ticks.size(); ++k)
      out << (k ? ", " : "") << "'" << tick_label(ticks[k]) << "' " << ticks[k];
    out << ")\n";
  } else {
    const double pad = hi > lo ? 0.04 * (hi - lo) : std::max(0.05 * std::fabs(lo), 0.5);
    out << "set " << axis << "range [" << lo - pad << ":" << hi + pad << "]\nset format " << axis
        << " '%g'\n";
  }
  return out.str();
}

// A label for gnuplot's enhanced text: an exponent written T^-1/2 or T^(-1/2) becomes T^{-1/2},
// raised whole (enhanced text raises one character after ^ otherwise). A signed exponent takes a
// fraction (-1/2); an unsigned one only its digits (||x||^2/2 keeps /2 on the line).
std::string typeset_exponents(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] != '^' || i + 1 >= s.size() || s[i + 1] == '{') continue;
    std::size_t j = i + 1;
    std::string exponent;
    if (s[j] == '(') {
      const std::size_t close = s.find(')', j);
      if (close == std::string::npos) continue;
      exponent = s.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      const bool sign = s[j] == '-' || s[j] == '+';
      std::size_t k = j + sign;
      while (k < s.size() && (std::isdigit(static_cast<unsigned char>(s[k])) || s[k] == '.')) ++k;
      if (sign && k + 1 < s.size() && s[k] == '/' && std::isdigit(static_cast<unsigned char>(s[k + 1])))
        for (++k; k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]));) ++k;
      exponent = s.substr(j, k - j);
      j = k;
    }
    if (exponent.empty()) continue;
    out += "{" + exponent + "}";
    i = j - 1;
  }
  return out;
}

// The last line of gnuplot's log that says what went wrong (its first "error"/"warning" line, or
// its last line), printable, for a one-line message.
std::string gnuplot_complaint(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last, first_error;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") == std::string::npos) continue;
    last = line;
    if (first_error.empty() && (line.find("rror") != std::string::npos)) first_error = line;
  }
  const std::string why = first_error.empty() ? last : first_error;
  return why.empty() ? "it printed nothing" : "it said: " + printable(why.substr(0, 300));
}

// Runs `gnuplot plot.gp` in dir, its output to dir/gnuplot.log: an argument vector and no shell
// (posix_spawnp), so no file or folder name is ever read as a command. Throws RunError naming what
// gnuplot said when it fails.
void run_gnuplot(const std::string& gnuplot, const fs::path& dir, const Figure& f) {
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  ::posix_spawn_file_actions_addopen(&actions, 1, "gnuplot.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::string program = gnuplot, script = "plot.gp";
  char* argv[] = {program.data(), script.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, gnuplot.c_str(), &actions, nullptr, argv, environ);
  ::posix_spawn_file_actions_destroy(&actions);
  // A program that cannot be started is seen here (ENOENT) or as exit 127 of the child.
  int status = 0;
  if (spawned == 0)
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  if (spawned != 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 127))
    throw RunError("cannot start gnuplot '" + printable(gnuplot) + "'" +
                   (spawned ? std::string(": ") + std::strerror(spawned) : std::string()) +
                   "; scripts/install-deps.sh installs it");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw RunError("gnuplot could not draw the figure '" + printable(f.title) +
                   "': " + gnuplot_complaint(dir / "gnuplot.log"));
}

// Draws figure k into dir: fig<k>.svg (returned as text) and fig<k>.png.
std::string render(const Figure& f, const fs::path& dir, int k, const std::string& gnuplot) {
  const PlotScript p = plot_script(f, k);
  for (const auto& [name, content] : p.data) std::ofstream(dir / name) << content;
  std::ofstream(dir / "plot.gp") << p.script;
  const std::string svg = "fig" + std::to_string(k) + ".svg";
  run_gnuplot(gnuplot, dir, f);
  std::ifstream in(dir / svg);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto start = text.find("<svg");
  if (start == std::string::npos)
    throw RunError("gnuplot wrote no SVG for the figure '" + printable(f.title) +
                   "': " + gnuplot_complaint(dir / "gnuplot.log"));
  return text.substr(start);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

Series key_entry(std::string label, Series::Style style, int color) {
  return {std::move(label), {}, {}, {}, {}, style, color};
}

std::vector<std::vector<std::size_t>> coinciding_curves(const std::vector<Series>& curves, double rel) {
  std::vector<std::vector<std::size_t>> sets;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    auto it = std::find_if(sets.begin(), sets.end(),
                           [&](const auto& set) { return same_points(curves[set.front()], curves[c], rel); });
    if (it == sets.end())
      sets.push_back({c});
    else
      it->push_back(c);
  }
  return sets;
}

std::vector<std::vector<std::size_t>> draw_coinciding_once(std::vector<Series>& curves,
                                                           std::string& caption) {
  const auto sets = coinciding_curves(curves);
  for (const auto& set : sets) {
    if (set.size() < 2) continue;
    std::vector<std::string> labels;
    for (std::size_t c : set) labels.push_back(curves[c].label);
    curves[set.front()].label = joined_labels(labels);
    caption += "; the curves for " + curves[set.front()].label + " coincide; drawn once";
  }
  return sets;
}

PlotScript plot_script(const Figure& f, int k) {
  PlotScript p;
  std::ostringstream plot;
  for (std::size_t s = 0; s < f.series.size(); ++s) {
    const Series& se = f.series[s];
    plot << (s ? ", \\\n  " : "plot ");
    if (se.x.empty()) {
      plot << "keyentry ";
    } else {
      const std::string name = "f" + std::to_string(k) + "s" + std::to_string(s) + ".dat";
      p.data.push_back({name, data_file(se)});
      plot << "'" << name << "' " << columns(se.style);
    }
    plot << with_style(se.style);
    if (se.color == Series::kBlack)
      plot << " lc rgb 'black'";
    else
      plot << " lc " << se.color;
    if (se.label.empty()) {
      plot << " notitle";
    } else {
      plot << " title '" << gnuplot_quote(typeset_exponents(se.label)) << "'";
    }
  }
  const std::string stem = "fig" + std::to_string(k);
  std::ostringstream script;
  const std::string logscale = std::string(f.log_x ? "x" : "") + (f.log_y ? "y" : "");
  if (!logscale.empty()) script << "set logscale " << logscale << "\n";
  // The axes fitted to the data, plain tick labels; the key above the plot, where it hides nothing.
  script << axis_commands(f, true) << axis_commands(f, false) << "set grid\nset key above\n"
         << "set xlabel '" << gnuplot_quote(typeset_exponents(f.xlabel)) << "'\nset ylabel '"
         << gnuplot_quote(typeset_exponents(f.ylabel)) << "'\n"
         << "set title '" << gnuplot_quote(typeset_exponents(f.title)) << "'\n"
         << "set terminal svg size " << kFigureWidth << "," << kFigureHeight
         << " dynamic enhanced font 'sans,14'\nset output '" << stem << ".svg'\n"
         << plot.str() << "\nset terminal pngcairo size " << kFigureWidth << "," << kFigureHeight
         << " enhanced font 'sans,14'\nset output '" << stem << ".png'\nreplot\nunset output\n";
  p.script = script.str();
  return p;
}

std::string format_short(double v, int precision) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

Block heading(std::string text) { return {Block::Kind::kHeading, std::move(text), {}, {}}; }
Block paragraph(std::string text) { return {Block::Kind::kParagraph, std::move(text), {}, {}}; }
Block code(std::string text) { return {Block::Kind::kCode, std::move(text), {}, {}}; }
Block table(std::vector<std::vector<std::string>> rows) {
  return {Block::Kind::kTable, "", std::move(rows), {}};
}
Block figure(Figure f) { return {Block::Kind::kFigure, "", {}, std::move(f)}; }

namespace {
// The PNG of figure k beside the page: <html_path without .html>-<k>.png.
std::string png_path(const std::string& html_path, int k) {
  std::string stem = html_path;
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".html") stem.resize(stem.size() - 5);
  return stem + "-" + std::to_string(k) + ".png";
}
}  // namespace

std::vector<std::string> write_page(const Page& page, const std::string& html_path,
                                    const std::string& gnuplot, const std::vector<std::string>& inputs) {
  // Every output is checked against every input before anything is drawn (the one output writer).
  OutputFiles files;
  for (const std::string& in : inputs) files.add_input("the input", in);
  files.add("the page", html_path);
  const bool stream = is_stream_target(html_path);
  int figures = 0;
  for (const Block& b : page.blocks) figures += b.kind == Block::Kind::kFigure;
  if (!stream)
    for (int k = 0; k < figures; ++k)
      files.add("figure " + std::to_string(k) + "'s PNG", png_path(html_path, k));
  std::string pattern = (fs::temp_directory_path() / "signrate-page-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw RunError("cannot create a temporary directory for the figures");
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{pattern};
  std::ostringstream html;
  html << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
       << html_escape(page.title)
       << "</title>\n<style>body{font-family:sans-serif;max-width:1160px;margin:2em auto;padding:0 "
          "1em;color:#222}"
          "table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid "
          "#bbb;padding:.3em "
          ".7em;text-align:right}"
          "th{background:#eee}pre{background:#f6f6f6;padding:.7em;white-space:pre-wrap}"
          ".yes{color:#070;font-weight:bold}.no{color:#b00;font-weight:bold}figure{margin:1em 0}figure "
          "svg{width:100%;height:auto}</style>\n"
       << "</head><body>\n<h1>" << html_escape(page.title) << "</h1>\n";
  std::vector<std::string> pngs;
  for (const Block& b : page.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        html << "<h2>" << html_escape(b.text) << "</h2>\n";
        break;
      case Block::Kind::kParagraph:
        html << "<p>" << html_escape(b.text) << "</p>\n";
        break;
      case Block::Kind::kCode:
        html << "<pre>" << html_escape(b.text) << "</pre>\n";
        break;
      case Block::Kind::kTable:
        html << "<table>\n";
        for (std::size_t r = 0; r < b.rows.size(); ++r) {
          html << "<tr>";
          for (const auto& cell : b.rows[r]) {
            const char* cls = cell == "yes" ? " class=\"yes\"" : cell == "NO" ? " class=\"no\"" : "";
            html << (r ? "<td" : "<th") << (r ? cls : "") << ">" << html_escape(cell)
                 << (r ? "</td>" : "</th>");
          }
          html << "</tr>\n";
        }
        html << "</table>\n";
        break;
      case Block::Kind::kFigure: {
        const int k = static_cast<int>(pngs.size());
        const std::string svg = render(b.figure, pattern, k, gnuplot);
        pngs.push_back(png_path(html_path, k));
        html << "<figure>" << svg << "<figcaption>" << html_escape(b.figure.caption)
             << " (PNG: " << html_escape(fs::path(pngs.back()).filename().string())
             << ")</figcaption></figure>\n";
        break;
      }
    }
  }
  html << "<p>signrate " << kVersion << "</p>\n</body></html>\n";
  // Every figure drew: only now do the outputs appear, renamed into place together. A page sent to
  // a stream is self-contained (its SVGs are inlined): no PNG goes beside it.
  if (stream) pngs.clear();
  for (std::size_t k = 0; k < pngs.size(); ++k)
    files.set(pngs[k], slurp(fs::path(pattern) / ("fig" + std::to_string(k) + ".png")));
  files.set(html_path, html.str());
  files.commit();
  return pngs;
}

}  // namespace signrate::analysis
