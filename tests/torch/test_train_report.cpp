// `signrate report` on train JSONs (analysis/training_report.cpp, src/io/train_io.cpp): the paper's
// Figure 1 with one line per optimizer, whose numbers are the JSONs' numbers (means and standard
// deviations over the seeds, interval by interval), and the table of final values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "../cli_process.hpp"
#include "signrate/analysis/training_report.hpp"
#include "signrate/error.hpp"
#include "signrate/io/train_io.hpp"
#include "signrate/spec.hpp"

namespace signrate {
namespace {

using testing_cli::cli;
using testing_cli::read_json;

class TrainReport : public testing_cli::TempDirTest {};

const std::string kRun =
    "train --model resnet:blocks=1/1,width=8 --threads 1 --data synthetic:classes=3,n=96,test=48,size=8"
    " --batch 16 --steps 8 --eval-every 4";

TEST_F(TrainReport, TheFiguresDrawTheJsonsNumbers) {
  ASSERT_EQ(cli(kRun + " --optimizer smm:lr=0.003 --seeds 1:2 --out " + path("s.json")).code, 0);
  ASSERT_EQ(cli(kRun + " --optimizer sgdm:lr=0.05 --out " + path("g.json")).code, 0);
  ASSERT_EQ(
      cli(kRun + " --optimizer adamw --vary optimizer.lr=0.001,0.003 --seeds 1:2 --out " + path("v.json"))
          .code,
      0);
  const std::vector<std::string> names = {path("s.json"), path("g.json"), path("v.json")};
  std::vector<nlohmann::json> docs;
  for (const auto& n : names) docs.push_back(read_json(n));

  // Each curve's runs as the JSON holds them: a --seeds run's runs, a single run, a grid's best point.
  const nlohmann::json& best = docs[2]["points"][docs[2]["best"]["point"].get<std::size_t>()];
  const std::vector<std::vector<nlohmann::json>> logs = {
      {docs[0]["runs"][0]["log"], docs[0]["runs"][1]["log"]},
      {docs[1]["log"]},
      {best["runs"][0]["log"], best["runs"][1]["log"]}};
  const std::vector<nlohmann::json> finals = {docs[0], docs[1], best};
  const std::vector<std::string> labels = {spec_text(docs[0]["spec"]["optimizer"]),
                                           spec_text(docs[1]["spec"]["optimizer"]),
                                           spec_text(best["optimizer"])};

  const analysis::TrainingReport report = training_report_from_json(docs, names);
  const analysis::Page page = analysis::training_page(report);
  std::size_t figures = 0;
  for (const auto& block : page.blocks) {
    if (block.kind == analysis::Block::Kind::kTable && block.rows[0][0] == "optimizer") {
      ASSERT_EQ(block.rows.size(), 4u);
      for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(block.rows[c + 1][0].rfind(labels[c], 0), 0u) << block.rows[c + 1][0];
        const auto cell = [&](const char* key) {  // mean +- std over the seeds
          const auto& fin = finals[c];
          std::string text = analysis::format_short(fin["final"][key].get<double>());
          if (fin.contains("final_std"))
            text += " +- " + analysis::format_short(fin["final_std"][key].get<double>());
          return text;
        };
        EXPECT_EQ(block.rows[c + 1][3], cell("train_loss"));
        EXPECT_EQ(block.rows[c + 1][5], cell("test_accuracy"));
        EXPECT_EQ(block.rows[c + 1][7], cell("grad_l2"));
      }
    }
    if (block.kind != analysis::Block::Kind::kFigure) continue;
    const analysis::TrainingMeasure& m = analysis::training_measures().at(figures++);
    SCOPED_TRACE(m.key);
    const auto& series = block.figure.series;
    ASSERT_EQ(series.size(), 5u);  // bands of the two 2-seed curves, then the three lines
    std::size_t band = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      const analysis::Series& line = series[2 + c];
      // Two logged intervals: a marker at each (a line alone would not show a one-point curve).
      EXPECT_EQ(line.style, analysis::Series::Style::kPointsWithErrorBars);
      EXPECT_EQ(line.label, labels[c]);
      ASSERT_EQ(line.y.size(), 2u);  // steps 4 and 8
      for (std::size_t k = 0; k < 2; ++k) {
        EXPECT_EQ(line.x[k], logs[c][0][k]["epoch"].get<double>());
        const double a = logs[c][0][k][m.key].get<double>();
        if (logs[c].size() == 1) {
          EXPECT_EQ(line.y[k], a);
          continue;
        }
        const double b = logs[c][1][k][m.key].get<double>(), mean = (a + b) / 2,
                     sd = std::abs(a - b) / std::sqrt(2.0);
        EXPECT_EQ(line.y[k], mean);
        const analysis::Series& shade = series[band];
        EXPECT_EQ(shade.style, analysis::Series::Style::kBand);
        EXPECT_DOUBLE_EQ(shade.high[k], mean + sd);
        if (mean - sd > 0 || !m.log_y) {
          EXPECT_DOUBLE_EQ(shade.low[k], mean - sd);
        }
      }
      if (logs[c].size() > 1) ++band;
    }
  }
  EXPECT_EQ(figures, 5u);  // loss, training and test accuracy, ||g||_1, ||g||_2

  // The command writes that page: five figures, each with its PNG, and the commands.
  const auto r = cli("report " + names[0] + " " + names[1] + " " + names[2] + " -o " + path("r.html"));
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(path("r.html"));
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t svgs = 0;
  for (auto k = html.find("<svg"); k != std::string::npos; k = html.find("<svg", k + 1)) ++svgs;
  EXPECT_EQ(svgs, 5u);
  for (int k = 0; k < 5; ++k) EXPECT_TRUE(std::filesystem::exists(path("r-" + std::to_string(k) + ".png")));
  EXPECT_NE(html.find("--optimizer sgdm:lr=0.05"), std::string::npos);
  EXPECT_NE(html.find("the best of 2 grid points"), std::string::npos);
}

// Runs with workers (the paper's Figure 2): the label names the workers and the split, and the
// table adds the bytes a step sends each way beside float32 gradients, as the JSONs say.
TEST_F(TrainReport, WorkerRunsShowTheirWorkersAndBytesPerStep) {
  ASSERT_EQ(cli(kRun + " --workers 4 --split by-class --optimizer signsgd-mv:lr=0.003 --seeds 1:2 --out " +
                path("m.json"))
                .code,
            0);
  ASSERT_EQ(cli(kRun + " --workers 4 --optimizer sgd-dist --out " + path("d.json")).code, 0);
  const std::vector<std::string> names = {path("m.json"), path("d.json")};
  const std::vector<nlohmann::json> docs = {read_json(names[0]), read_json(names[1])};
  const analysis::Page page = analysis::training_page(training_report_from_json(docs, names));
  bool seen = false;
  for (const auto& block : page.blocks) {
    if (block.kind != analysis::Block::Kind::kTable || block.rows[0][0] != "optimizer") continue;
    seen = true;
    const auto& head = block.rows[0];
    ASSERT_EQ(head.size(), 11u);
    EXPECT_EQ(head[8], "bytes up / step");
    EXPECT_EQ(head[9], "bytes down / step");
    EXPECT_EQ(head[10], "float32 gradients up / step");
    EXPECT_NE(block.rows[1][0].find(", 4 workers, by-class split"), std::string::npos) << block.rows[1][0];
    EXPECT_NE(block.rows[2][0].find(", 4 workers, iid split"), std::string::npos) << block.rows[2][0];
    for (std::size_t c = 0; c < 2; ++c)
      for (const auto& [col, key] : {std::pair{8, "bytes_up"}, {9, "bytes_down"}, {10, "float32_bytes_up"}})
        EXPECT_EQ(block.rows[c + 1][col], analysis::format_short(docs[c]["final"][key].get<double>(), 10))
            << key;
    // sgd-dist sends float32 both ways: its bytes up are the float32 count.
    EXPECT_EQ(docs[1]["final"]["bytes_up"], docs[1]["final"]["float32_bytes_up"]);
  }
  EXPECT_TRUE(seen);
}

TEST_F(TrainReport, RefusesAnInputThatIsNotATrainJson) {
  ASSERT_EQ(cli(kRun + " --optimizer smm --out " + path("s.json")).code, 0);
  std::ofstream(path("other.json")) << "{\"metrics\": 1}\n";
  for (const std::string& args : {"report " + path("s.json") + " " + path("other.json"),
                                  "report " + path("s.json") + " --theorem thm1"}) {
    const auto r = cli(args + " -o " + path("r.html"));
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("r.html")));
  }
  EXPECT_THROW(training_report_from_json({read_json(path("other.json"))}, {"other.json"}), SpecError);
}

}  // namespace
}  // namespace signrate
