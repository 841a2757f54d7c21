#pragma once
// Training runs (`signrate train`) as the paper's Figure 1 (Section 5.1): training loss, accuracy,
// ||g||_1 and ||g||_2 of the stochastic gradient against epochs, one line per optimizer with a
// band of +-1 standard deviation over the seeds, and a table of the final values. A train JSON is
// read by signrate/io/train_io.hpp's training_report_from_json.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "signrate/analysis/page.hpp"
#include "signrate/analysis/report.hpp"

namespace signrate::analysis {

// One optimizer's runs: per logged interval, each measure's mean and sample standard deviation over
// the seeds (0 for one seed), and the final values' (as the train JSON's final and final_std).
struct TrainingCurve {
  std::string label;  // the optimizer's spec text
  std::size_t seeds = 1;
  std::vector<double> epoch;
  std::map<std::string, std::vector<double>> mean, stddev;  // "train_loss" -> one value per interval
  std::map<std::string, double> final_mean, final_std;
  std::string command, note;  // note: e.g. the grid point it is the best of
};

struct TrainingReport {
  std::vector<TrainingCurve> curves;
  std::string model, data, version;  // model and data: spec texts (the inputs' first)
};

// The logged measures the figures draw, in order, with their axis labels.
struct TrainingMeasure {
  std::string key, label;
  bool log_y;
};
const std::vector<TrainingMeasure>& training_measures();

// The page: a figure per measure (each curve a band, then its mean as a line) and the table of
// final values (mean +- std over the seeds).
Page training_page(const TrainingReport& report);
std::vector<std::string> write_report(const TrainingReport& report, const std::string& html_path,
                                      const ReportOptions& options);

}  // namespace signrate::analysis
