#pragma once
// A self-contained HTML page of text, tables and log-log figures drawn by gnuplot (SVG inlined,
// PNG written beside the page). The report and the teaching demos are both pages.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace signrate::analysis {

struct Series {
  // The data: kPointsWithErrorBars connected (a trajectory), kMarkersWithErrorBars unconnected (so
  // that a line fitted through them stays visible). kBand: the shaded region between low and high
  // (y unused), drawn under the lines. The lines the report and the demos draw beside the data:
  // kDashedLine a fitted power law (thin, in its curve's colour), kDottedLine a theorem's slope or
  // a reference level, kDashDotLine an explicit bound (in its curve's colour).
  enum class Style {
    kPointsWithErrorBars,
    kMarkersWithErrorBars,
    kDashedLine,
    kDottedLine,
    kDashDotLine,
    kLine,
    kBand
  };
  static constexpr int kBlack = 0;      // `color` of a neutral line or key entry
  std::string label;                    // empty: not in the key
  std::vector<double> x, y, low, high;  // low/high: error bars (k*WithErrorBars), the band (kBand)
  Style style = Style::kPointsWithErrorBars;
  int color = 1;  // gnuplot line colour index (kBlack: black)
};

// A series with no points: only an entry in the key, e.g. one "fit: slope 0.49" for the dashed
// lines of several curves.
Series key_entry(std::string label, Series::Style style, int color = Series::kBlack);

// Each set of curves with the same points (x and y equal within `rel`, relative), first curves
// first: the indices of its curves, smallest first.
std::vector<std::vector<std::size_t>> coinciding_curves(const std::vector<Series>& curves,
                                                        double rel = 1e-12);
// Draws each set of coinciding curves once: the first of each set gets the set's labels joined
// ("n = 1, 2, 4, 8") and `caption` the note "the curves for n = 1, 2, 4, 8 coincide; drawn once".
// Returns coinciding_curves(curves): the curve to draw is each set's first.
std::vector<std::vector<std::size_t>> draw_coinciding_once(std::vector<Series>& curves, std::string& caption);

struct Figure {
  std::string title, xlabel, ylabel, caption;
  std::vector<Series> series;
  bool log_x = true, log_y = true;  // log-log unless told otherwise
};

struct Block {
  enum class Kind { kHeading, kParagraph, kCode, kTable, kFigure };
  Kind kind = Kind::kParagraph;
  std::string text;  // heading, paragraph, code
  std::vector<std::vector<std::string>>
      rows;  // table: first row is the header; "yes"/"NO" cells are coloured
  Figure figure;
};

struct Page {
  std::string title;
  std::vector<Block> blocks;
};

// The gnuplot script that draws figure k to fig<k>.svg and fig<k>.png (kFigureWidth x
// kFigureHeight pixels, the key above the plot, under the title), and the data files it reads (name,
// content). Each axis is fitted to what the figure draws (a 4% margin, never the next decade); a log axis
// lists its ticks (powers of ten, or 1-2-5 or every multiple on an axis under a decade), labelled
// plainly (0.1, 1, 1000) or as m·10^{k} beyond [1e-4, 1e5]. Exponents in the texts are typeset
// whole (T^-1/2 and T^(-1/2) as T^{-1/2}).
constexpr int kFigureWidth = 1200, kFigureHeight = 720;
struct PlotScript {
  std::string script;
  std::vector<std::pair<std::string, std::string>> data;
};
PlotScript plot_script(const Figure& f, int k);

// `s` as the inside of a single-quoted gnuplot string: one line (every control character as a
// visible escape, text.hpp's printable), quotes and backslashes doubled (so that enhanced text
// shows a backslash). Every text of a Figure reaches the script
// through it; gnuplot substitutes nothing inside single quotes, so no text can run a command.
std::string gnuplot_quote(const std::string& s);

// Writes the page atomically to html_path and its figures as <html_path without .html>-<k>.png;
// nothing is written unless every figure drew. Returns the PNG paths. RunError when gnuplot fails;
// SpecError when the page or a PNG would replace one of `inputs` (the files the page was made from).
std::vector<std::string> write_page(const Page& page, const std::string& html_path,
                                    const std::string& gnuplot, const std::vector<std::string>& inputs = {});

// A number for a table or caption: `precision` significant digits.
std::string format_short(double v, int precision = 4);

Block heading(std::string text);
Block paragraph(std::string text);
Block code(std::string text);
Block table(std::vector<std::vector<std::string>> rows);
Block figure(Figure f);

}  // namespace signrate::analysis
