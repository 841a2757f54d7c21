#pragma once
// A self-contained HTML page of text, tables and log-log figures drawn by gnuplot (SVG inlined,
// PNG written beside the page). The report and the teaching demos are both pages.
#include <string>
#include <vector>

namespace signrate::analysis {

struct Series {
  // kBand: the shaded region between low and high (y unused), drawn under the lines.
  enum class Style { kPointsWithErrorBars, kDashedLine, kDottedLine, kLine, kBand };
  std::string label;                    // empty: not in the key
  std::vector<double> x, y, low, high;  // low/high: error bars (kPointsWithErrorBars), the band (kBand)
  Style style = Style::kPointsWithErrorBars;
  int color = 1;  // gnuplot line colour index
};

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

// Writes the page atomically to html_path and its figures as <html_path without .html>-<k>.png;
// nothing is written unless every figure drew. Returns the PNG paths. RunError when gnuplot fails.
std::vector<std::string> write_page(const Page& page, const std::string& html_path,
                                    const std::string& gnuplot);

// A number for a table or caption: `precision` significant digits.
std::string format_short(double v, int precision = 4);

Block heading(std::string text);
Block paragraph(std::string text);
Block code(std::string text);
Block table(std::vector<std::vector<std::string>> rows);
Block figure(Figure f);

}  // namespace signrate::analysis
