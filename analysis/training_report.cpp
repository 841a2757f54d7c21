#include "signrate/analysis/training_report.hpp"

#include <algorithm>

namespace signrate::analysis {

namespace {
// Curves with at most this many logged intervals are drawn with a marker at each.
constexpr std::size_t kMarkedIntervals = 20;
}  // namespace

const std::vector<TrainingMeasure>& training_measures() {
  static const std::vector<TrainingMeasure> m = {{"train_loss", "training loss", true},
                                                 {"train_accuracy", "training accuracy", false},
                                                 {"test_accuracy", "test accuracy", false},
                                                 {"grad_l1", "||g||_1", true},
                                                 {"grad_l2", "||g||_2", true}};
  return m;
}

Page training_page(const TrainingReport& r) {
  Page page;
  page.title = "signrate report: training";
  page.blocks.push_back(paragraph("Model " + r.model + " on " + r.data +
                                  "; one line per optimizer, mean over the "
                                  "seeds with a band of +-1 standard deviation (Figure 1 of the paper; "
                                  "Figure 2 for runs with workers)."));
  page.blocks.push_back(paragraph("Reproduce with:"));
  std::string commands;
  for (const auto& c : r.curves)
    commands += (c.command.empty() ? std::string("(the input records no command)") : c.command) + "\n";
  page.blocks.push_back(code(commands));
  page.blocks.push_back(
      paragraph("Input written by signrate " + (r.version.empty() ? std::string("?") : r.version) + "."));
  page.blocks.push_back(heading("Final values"));
  std::vector<std::vector<std::string>> rows = {{"optimizer", "seeds", "steps"}};
  for (const auto& m : training_measures()) rows[0].push_back(m.label);
  // Runs with workers: the bytes a step sends each way (the wire format's count; the float32
  // gradients data-parallel SGD would send beside them).
  const bool bytes = std::any_of(r.curves.begin(), r.curves.end(),
                                 [](const TrainingCurve& c) { return c.final_mean.count("bytes_up") > 0; });
  const char* kBytes[][2] = {{"bytes_up", "bytes up / step"},
                             {"bytes_down", "bytes down / step"},
                             {"float32_bytes_up", "float32 gradients up / step"}};
  if (bytes)
    for (const auto& b : kBytes) rows[0].push_back(b[1]);
  for (const auto& c : r.curves) {
    std::vector<std::string> row = {
        c.label + (c.note.empty() ? "" : " (" + c.note + ")"), std::to_string(c.seeds),
        c.final_mean.count("steps") ? format_short(c.final_mean.at("steps"), 10) : "-"};
    for (const auto& m : training_measures()) {
      const auto it = c.final_mean.find(m.key);
      if (it == c.final_mean.end()) {
        row.push_back("-");
        continue;
      }
      std::string cell = format_short(it->second);
      if (c.seeds > 1 && c.final_std.count(m.key)) cell += " +- " + format_short(c.final_std.at(m.key));
      row.push_back(cell);
    }
    if (bytes)
      for (const auto& b : kBytes)
        row.push_back(c.final_mean.count(b[0]) ? format_short(c.final_mean.at(b[0]), 10) : "-");
    rows.push_back(row);
  }
  page.blocks.push_back(table(rows));
  page.blocks.push_back(heading("Curves"));
  for (const auto& m : training_measures()) {
    Figure f;
    f.title = m.label + " against epochs";
    f.xlabel = "epoch";
    f.ylabel = m.label;
    f.caption = m.label + " over each logged interval (mean over the seeds, shaded +-1 standard deviation)";
    f.log_x = false;
    f.log_y = m.log_y;
    int color = 1;  // the bands first, so that every line is drawn over them
    for (const auto& c : r.curves) {
      const std::vector<double>& mean = c.mean.at(m.key);
      const std::vector<double>& sd = c.stddev.at(m.key);
      Series band{"", c.epoch, {}, {}, {}, Series::Style::kBand, color++};
      for (std::size_t k = 0; k < mean.size(); ++k) {
        // On a log axis the band stops above 0 (a loss or a norm is positive).
        const double low = mean[k] - sd[k];
        band.low.push_back(m.log_y && !(low > 0) ? mean[k] * 1e-3 : low);
        band.high.push_back(mean[k] + sd[k]);
      }
      if (c.seeds > 1) f.series.push_back(band);
    }
    color = 1;
    for (const auto& c : r.curves) {
      // A curve of few logged intervals is drawn with markers, so that each logged value shows (a
      // one-epoch run logged once is a single point).
      const Series::Style style =
          c.epoch.size() <= kMarkedIntervals ? Series::Style::kPointsWithErrorBars : Series::Style::kLine;
      f.series.push_back({c.label, c.epoch, c.mean.at(m.key), {}, {}, style, color++});
    }
    page.blocks.push_back(figure(f));
  }
  return page;
}

std::vector<std::string> write_report(const TrainingReport& report, const std::string& html_path,
                                      const ReportOptions& options) {
  return write_page(training_page(report), html_path, options.gnuplot, options.inputs);
}

}  // namespace signrate::analysis
