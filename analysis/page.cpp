#include "signrate/analysis/page.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/output_files.hpp"
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

std::string gnuplot_quote(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'') out += '\'';  // gnuplot doubles a quote inside single quotes
    out += c;
  }
  return out;
}

// Draws figure k into dir: fig<k>.svg (returned as text) and fig<k>.png.
std::string render(const Figure& f, const fs::path& dir, int k, const std::string& gnuplot) {
  std::ostringstream plot;
  for (std::size_t s = 0; s < f.series.size(); ++s) {
    const Series& se = f.series[s];
    std::ostringstream name;
    name << 'f' << k << 's' << s << ".dat";
    const std::string data = name.str();
    std::ofstream out(dir / data);
    out.precision(17);
    for (std::size_t i = 0; i < se.x.size(); ++i) {
      if (se.style == Series::Style::kBand) {
        out << se.x[i] << ' ' << se.low[i] << ' ' << se.high[i] << '\n';
        continue;
      }
      out << se.x[i] << ' ' << se.y[i];
      if (se.style == Series::Style::kPointsWithErrorBars)
        out << ' ' << (i < se.low.size() ? se.low[i] : se.y[i]) << ' '
            << (i < se.high.size() ? se.high[i] : se.y[i]);
      out << '\n';
    }
    plot << (s ? ", \\\n  " : "plot ") << "'" << data << "' ";
    switch (se.style) {
      case Series::Style::kPointsWithErrorBars:
        plot << "using 1:2:3:4 with yerrorlines pt 7";
        break;
      case Series::Style::kDashedLine:
        plot << "using 1:2 with lines dt 2";
        break;
      case Series::Style::kDottedLine:
        plot << "using 1:2 with lines dt 3 lw 2";
        break;
      case Series::Style::kLine:
        plot << "using 1:2 with lines lw 2";
        break;
      case Series::Style::kBand:
        plot << "using 1:2:3 with filledcurves fs transparent solid 0.2 noborder";
        break;
    }
    plot << " lc " << se.color;
    if (se.label.empty()) {
      plot << " notitle";
    } else {
      plot << " title '" << gnuplot_quote(se.label) << "'";
    }
  }
  std::ostringstream stem;
  stem << "fig" << k;
  const std::string svg = stem.str() + ".svg", png = stem.str() + ".png";
  std::ofstream script(dir / "plot.gp");
  const std::string logscale = std::string(f.log_x ? "x" : "") + (f.log_y ? "y" : "");
  if (!logscale.empty()) script << "set logscale " << logscale << "\n";
  script << "set grid\nset key outside right\n"
         << "set xlabel '" << gnuplot_quote(f.xlabel) << "'\nset ylabel '" << gnuplot_quote(f.ylabel) << "'\n"
         << "set title '" << gnuplot_quote(f.title) << "'\n"
         << "set terminal svg size 760,460 dynamic enhanced font 'sans,11'\nset output '" << svg << "'\n"
         << plot.str() << "\nset terminal pngcairo size 760,460 enhanced font 'sans,10'\nset output '" << png
         << "'\nreplot\nunset output\n";
  script.close();
  const std::string cmd = "cd '" + dir.string() + "' && '" + gnuplot + "' plot.gp > gnuplot.log 2>&1";
  if (std::system(cmd.c_str()) != 0)
    throw RunError(
        "gnuplot failed (is it installed? scripts/install-deps.sh installs it); its output is in " +
        (dir / "gnuplot.log").string());
  std::ifstream in(dir / svg);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto start = text.find("<svg");
  if (start == std::string::npos) throw RunError("gnuplot wrote no SVG for figure " + std::to_string(k));
  return text.substr(start);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

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

std::vector<std::string> write_page(const Page& page, const std::string& html_path,
                                    const std::string& gnuplot) {
  std::string pattern = (fs::temp_directory_path() / "signrate-page-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw RunError("cannot create a temporary directory for the figures");
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{pattern};
  std::string stem = html_path;
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".html") stem.resize(stem.size() - 5);
  std::ostringstream html;
  html << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
       << html_escape(page.title)
       << "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em "
          ".7em;text-align:right}"
          "th{background:#eee}pre{background:#f6f6f6;padding:.7em;white-space:pre-wrap}"
          ".yes{color:#070;font-weight:bold}.no{color:#b00;font-weight:bold}figure{margin:1em 0}</style>\n"
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
        pngs.push_back(stem + "-" + std::to_string(k) + ".png");
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
  OutputFiles files;
  files.add("the page", html_path);
  if (is_stream_target(html_path)) pngs.clear();
  for (std::size_t k = 0; k < pngs.size(); ++k)
    files.set(pngs[k], slurp(fs::path(pattern) / ("fig" + std::to_string(k) + ".png")));
  files.set(html_path, html.str());
  files.commit();
  return pngs;
}

}  // namespace signrate::analysis
