// The tidy CSV tables of sweep (a row per point and measure) and fit (a row per exponent): every
// cell is the JSON's number, read back bit for bit, with the header docs/verifying.md names.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "cli_process.hpp"

namespace signrate {
namespace {

using testing_cli::cli;
using testing_cli::Outcome;
using testing_cli::read_json;

// The CSV as rows of cells, the header first.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

// A cell as the number it prints (17 digits: the same double); nan for a missing one.
double number(const std::string& cell) { return cell.empty() ? NAN : std::stod(cell); }

// A JSON number, or nan for null.
double number(const nlohmann::json& j) { return j.is_null() ? NAN : j.get<double>(); }

void expect_same(double cell, double json, const std::string& where) {
  if (std::isnan(json)) {
    EXPECT_TRUE(std::isnan(cell)) << where;
  } else {
    EXPECT_EQ(cell, json) << where;
  }
}

class Csv : public testing_cli::TempDirTest {};

TEST_F(Csv, SweepHasARowPerPointAndMeasureWithTheJsonsNumbers) {
  const Outcome o = cli("sweep --d 16,32 --T 64,128,256 --replicates 4 --vary oracle.sigma=0.5,2 --out " +
                        path("s.json") + " --csv " + path("s.csv"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json j = read_json(path("s.json"));
  const auto rows = read_csv(path("s.csv"));
  const std::vector<std::string> header = {"point", "d",       "T",    "n",     "oracle.sigma",
                                           "seed",  "measure", "mean", "stderr"};
  ASSERT_EQ(rows.front(), header);
  const std::vector<std::string> measures = {"M1",        "M2",          "final_grad_l1", "final_grad_l2",
                                             "final_gap", "final_x_mean"};
  ASSERT_EQ(rows.size(), 1 + j["points"].size() * measures.size());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    ASSERT_EQ(row.size(), header.size()) << r;
    const std::size_t k = std::stoul(row[0]);
    const nlohmann::json& p = j["points"][k];
    const std::string where = "row " + std::to_string(r);
    EXPECT_EQ(row[1], std::to_string(p["d"].get<unsigned>())) << where;
    EXPECT_EQ(row[2], std::to_string(p["T"].get<unsigned>())) << where;
    EXPECT_EQ(row[3], std::to_string(p["n"].get<unsigned>())) << where;
    expect_same(number(row[4]), number(p["vary"]["oracle.sigma"]), where);
    EXPECT_EQ(row[5], std::to_string(p["seed"].get<std::uint64_t>())) << where;
    EXPECT_EQ(row[6], measures[(r - 1) % measures.size()]) << where;
    expect_same(number(row[7]), number(p["metrics"][row[6]]["mean"]), where + " mean");
    expect_same(number(row[8]), number(p["metrics"][row[6]]["stderr"]), where + " stderr");
  }
}

// The joint fit and each separate fit, per combination of the varied parameters: every exponent
// and interval of the fit JSON is a row.
TEST_F(Csv, FitHasARowPerExponentWithTheJsonsNumbers) {
  ASSERT_EQ(cli("sweep --d 16,32,64 --T 64,128,256,512 --replicates 4 --vary oracle.sigma=0.5,2 --out " +
                path("s.json"))
                .code,
            0);
  const Outcome o = cli("fit " + path("s.json") + " --part all --bootstrap 100 --out " + path("f.json") +
                        " --csv " + path("f.csv"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json j = read_json(path("f.json"));
  const auto rows = read_csv(path("f.csv"));
  const std::vector<std::string> header = {"measure", "part",  "oracle.sigma", "fit",         "at_d",
                                           "at_T",    "at_n",  "axis",         "estimate",    "ci_low",
                                           "ci_high", "level", "points",       "rms_residual"};
  ASSERT_EQ(rows.front(), header);
  std::size_t expected = 1;
  for (const nlohmann::json& g : j["groups"]) {
    expected += g["joint"]["exponents"].size();
    for (const nlohmann::json& s : g["separate"]) expected += s["exponents"].size();
  }
  ASSERT_EQ(rows.size(), expected);
  std::size_t r = 1;
  for (const nlohmann::json& g : j["groups"]) {
    const auto check = [&](const nlohmann::json& fit, const std::string& kind, const nlohmann::json& at) {
      for (const char* axis : {"d", "T", "n"}) {
        if (!fit["exponents"].contains(axis)) continue;
        const auto& row = rows.at(r++);
        const std::string where = "row " + std::to_string(r - 1);
        ASSERT_EQ(row.size(), header.size()) << where;
        EXPECT_EQ(row[0], "M1") << where;
        EXPECT_EQ(row[1], "all") << where;
        expect_same(number(row[2]), number(g["vary"]["oracle.sigma"]), where);
        EXPECT_EQ(row[3], kind) << where;
        for (int a = 0; a < 3; ++a) {
          const char* fixed = a == 0 ? "d" : a == 1 ? "T" : "n";
          if (at.contains(fixed))
            expect_same(number(row[4 + a]), number(at[fixed]), where + " at_" + fixed);
          else
            EXPECT_EQ(row[4 + a], "") << where << " at_" << fixed;
        }
        EXPECT_EQ(row[7], axis) << where;
        const nlohmann::json& e = fit["exponents"][axis];
        expect_same(number(row[8]), number(e["estimate"]), where + " estimate");
        expect_same(number(row[9]), number(e["ci"][0]), where + " ci_low");
        expect_same(number(row[10]), number(e["ci"][1]), where + " ci_high");
        expect_same(number(row[11]), number(j["level"]), where + " level");
        EXPECT_EQ(row[12], std::to_string(fit["points"].get<std::size_t>())) << where;
        expect_same(number(row[13]), number(fit["rms_residual"]), where + " rms");
      }
    };
    check(g["joint"], "joint", nlohmann::json::object());
    for (const nlohmann::json& s : g["separate"]) check(s, "separate", s);  // its fixed axes are keys
  }
}

}  // namespace
}  // namespace signrate
