// The teaching demonstrations: each runs, writes its report and figure, and shows what its
// explanation says (the numbers are the claims, checked with margins).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "page_checks.hpp"
#include "signrate/analysis/demos.hpp"
#include "signrate/error.hpp"

namespace signrate {
namespace {

namespace fs = std::filesystem;

class Demo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("signrate_demo_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  analysis::DemoResult run(const std::string& name) {
    const std::string html = (dir_ / (name + ".html")).string();
    analysis::DemoResult r = analysis::run_demo(name, html, {}, 1);
    EXPECT_TRUE(fs::exists(html));
    EXPECT_EQ(r.pngs.size(), 1u);
    for (const auto& p : r.pngs) EXPECT_TRUE(fs::exists(p)) << p;
    EXPECT_GT(r.explanation.size(), 100u);
    for (const auto& b : r.page.blocks)  // every line keyed, the axes fitted to the data
      if (b.kind == analysis::Block::Kind::kFigure) testing_pages::expect_keyed_and_covered(b.figure);
    return r;
  }
  fs::path dir_;
};

// "final RMS |x|: signSGD 1, SMM 0.182" -> the two numbers.
std::vector<double> numbers_in(const std::string& line) {
  std::vector<double> out;
  for (std::size_t k = 0; k < line.size();) {
    if (std::isdigit(static_cast<unsigned char>(line[k])) && (k == 0 || line[k - 1] == ' ')) {
      std::size_t used = 0;
      out.push_back(std::stod(line.substr(k), &used));
      k += used;
    } else {
      ++k;
    }
  }
  return out;
}

TEST_F(Demo, AsymmetricNoiseSignSgdAtOneSmmNearZero) {
  const auto r = run("asymmetric-noise");
  const auto v = numbers_in(r.lines.at(0));
  ASSERT_EQ(v.size(), 2u) << r.lines[0];
  EXPECT_NEAR(v[0], 1.0, 0.05);
  EXPECT_LT(v[1], 0.3);
  // The text gives the same numbers as the table and the figure.
  EXPECT_NE(r.explanation.find("(it ends at " + analysis::format_short(v[0], 3) + ")"), std::string::npos)
      << r.explanation;
  EXPECT_NE(r.explanation.find("(it ends at " + analysis::format_short(v[1], 3) + ")"), std::string::npos)
      << r.explanation;
  // The page states the theorem SMM's curve illustrates (Theorem 2: no symmetric noise needed) and
  // its explicit bound at the run's constants, which SMM's measured M1 stays below.
  std::vector<std::vector<std::string>> bound_rows;
  bool stated = false;
  for (const auto& b : r.page.blocks) {
    stated = stated ||
             (b.kind == analysis::Block::Kind::kHeading && b.text.rfind("The theorem: Theorem 2", 0) == 0);
    if (b.kind == analysis::Block::Kind::kTable && b.rows[0].back() == "measured M1") bound_rows = b.rows;
  }
  EXPECT_TRUE(stated);
  ASSERT_EQ(bound_rows.size(), 2u);
  EXPECT_LT(std::stod(bound_rows[1].back()), std::stod(bound_rows[1][bound_rows[1].size() - 2]));
}

TEST_F(Demo, DimensionExponentsDiffer) {
  const auto r = run("dimension");
  ASSERT_EQ(r.lines.size(), 2u);
  const double with = numbers_in(r.lines[0].substr(r.lines[0].find('^') + 1)).at(0);
  const double without = numbers_in(r.lines[1].substr(r.lines[1].find('^') + 1)).at(0);
  EXPECT_NEAR(with, 0.5, 0.05) << r.lines[0];
  EXPECT_GT(without, 0.6) << r.lines[1];
  const auto exponent = [](const std::string& line) { return line.substr(line.find('^') + 1); };
  EXPECT_NE(r.explanation.find("with the d-factor M1 grows like d^" + exponent(r.lines[0]) + ";"),
            std::string::npos)
      << r.explanation;
  EXPECT_NE(r.explanation.find("M1 grows like d^" + exponent(r.lines[1]) + ","), std::string::npos)
      << r.explanation;
  // Each fitted line is in the key with its slope, and the data are unconnected markers, so that the
  // dashed line through them stays visible.
  std::vector<std::string> fits;
  for (const auto& b : r.page.blocks)
    if (b.kind == analysis::Block::Kind::kFigure)
      for (const auto& s : b.figure.series) {
        if (s.style == analysis::Series::Style::kDashedLine) fits.push_back(s.label);
        if (!s.x.empty() && s.style != analysis::Series::Style::kDashedLine) {
          EXPECT_EQ(s.style, analysis::Series::Style::kMarkersWithErrorBars) << s.label;
        }
      }
  EXPECT_EQ(fits, (std::vector<std::string>{"fit: slope " + exponent(r.lines[0]),
                                            "fit: slope " + exponent(r.lines[1])}));
}

TEST_F(Demo, HeavyTailsSignMethodsBoundTheirSteps) {
  const auto r = run("heavy-tails");
  ASSERT_EQ(r.lines.size(), 4u);
  const double sgd_final = numbers_in(r.lines[0]).at(0), sgd_worst = numbers_in(r.lines[0]).at(1);
  const double sign_final = numbers_in(r.lines[1]).at(0);
  EXPECT_LT(sign_final, sgd_final);
  EXPECT_GT(sgd_worst, 2 * sgd_final);  // SGD's error is carried by rare huge draws
}

TEST_F(Demo, MomentumBetaOneIsSignSgdAndSmallerBetaRemovesTheBias) {
  const auto r = run("momentum");
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_NEAR(numbers_in(r.lines[0]).back(), 1.0, 0.05);  // beta = 1: signSGD's fixed point
  for (std::size_t k = 1; k < 4; ++k) EXPECT_LT(numbers_in(r.lines[k]).back(), 0.3) << r.lines[k];
  // The text names the run with the smallest final error, as the numbers have it.
  std::size_t best = 0;
  for (std::size_t k = 1; k < 4; ++k)
    if (numbers_in(r.lines[k]).back() < numbers_in(r.lines[best]).back()) best = k;
  const std::string label = r.lines[best].substr(0, r.lines[best].find(':'));
  EXPECT_NE(r.explanation.find("smallest at " + label + " here"), std::string::npos) << r.explanation;
}

// "signSGD-MV settles at x = 0.198 (median 0.2, mean 1.46)": the vote of signs at the median, the
// S_R-based methods near the mean (Sto-signSGD at its vote law's root, 1.447).
TEST_F(Demo, HeterogeneitySignVoteAtTheMedianUnbiasedSignsAtTheMean) {
  const auto r = run("heterogeneity");
  ASSERT_EQ(r.lines.size(), 4u);
  const auto vote = numbers_in(r.lines[0]), v2 = numbers_in(r.lines[1]), sto = numbers_in(r.lines[2]);
  ASSERT_EQ(vote.size(), 3u) << r.lines[0];
  EXPECT_NEAR(vote[0], vote[1], 0.03) << r.lines[0];  // at the median
  EXPECT_NEAR(v2[0], v2[2], 0.04) << r.lines[1];      // at the mean
  EXPECT_NEAR(sto[0], sto[2], 0.05) << r.lines[2];
  EXPECT_NEAR(sto[0], numbers_in(r.lines[3]).back(), 0.02) << r.lines[3];
}

// v1 started at the optimum ends at its vote law's root (1.415 vs 1.414 on 5 nodes, 1.453 on 20),
// v2 at the mean; the law's bias falls with n; v2's M2 falls with T under the theorem5 schedule.
TEST_F(Demo, V1VsV2V1KeepsAResidualThatShrinksWithNV2DoesNot) {
  const auto r = run("v1-vs-v2");
  ASSERT_EQ(r.lines.size(), 5u);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto v = numbers_in(r.lines[k].substr(r.lines[k].find("ends at")));
    ASSERT_EQ(v.size(), 3u) << r.lines[k];
    EXPECT_NEAR(v[0], v[1], 0.012) << r.lines[k];  // at the law's limit (v2: the mean)
  }
  const auto five = numbers_in(r.lines[0].substr(r.lines[0].find("ends at")));
  const auto twenty = numbers_in(r.lines[1].substr(r.lines[1].find("ends at")));
  EXPECT_GT(five[2] - five[0], 3 * (twenty[2] - twenty[0]));  // the residual shrinks with n
  const auto law = numbers_in(r.lines[3].substr(r.lines[3].find(':') + 1));
  ASSERT_EQ(law.size(), 5u) << r.lines[3];
  for (std::size_t k = 1; k < law.size(); ++k) EXPECT_LT(law[k], law[k - 1]) << r.lines[3];
  const auto m2 = numbers_in(r.lines[4].substr(r.lines[4].find(':') + 1));
  ASSERT_EQ(m2.size(), 3u) << r.lines[4];  // (the fitted exponent is negative: not parsed)
  EXPECT_LT(m2[2], 0.6 * m2[0]) << r.lines[4];
}

// The v1-vs-v2 text states what its figure shows: where each curve ends, and whether v2's curve
// ends above or below each v1 curve (it rises over the run, it does not stay at 0).
TEST_F(Demo, V1VsV2TextMatchesItsFigure) {
  const auto r = run("v1-vs-v2");
  const analysis::Figure* f = nullptr;
  for (const auto& b : r.page.blocks)
    if (b.kind == analysis::Block::Kind::kFigure) f = &b.figure;
  ASSERT_NE(f, nullptr);
  std::map<std::string, double> last;  // curve label -> its last value, as drawn
  for (const auto& s : f->series)
    if (s.style == analysis::Series::Style::kPointsWithErrorBars) last[s.label] = s.y.back();
  ASSERT_EQ(last.size(), 3u);
  const double v2 = last.at("MVSM v2, n = 5"), five = last.at("MVSM v1, n = 5"),
               twenty = last.at("MVSM v1, n = 20");
  const auto n3 = [](double v) { return analysis::format_short(v, 3); };
  const std::string& text = r.explanation;
  EXPECT_NE(text.find("v2's curve ends at " + n3(v2) + ", " + (v2 > five ? "above" : "below") + " v1's " +
                      n3(five) + " on 5 nodes and " + (v2 > twenty ? "above" : "below") + " v1's " +
                      n3(twenty) + " on 20"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("v2 stays"), std::string::npos) << text;
  // v2's curve grows over the run (from its first positive value: x_1 is the mean itself): the
  // text must not say it stays where it started.
  const auto& curve = f->series.at(2);
  ASSERT_EQ(curve.label, "MVSM v2, n = 5");
  const double start = *std::find_if(curve.y.begin(), curve.y.end(), [](double y) { return y > 0; });
  EXPECT_GT(v2, 10 * start);
  EXPECT_NE(text.find("v2's curve grows from " + n3(start) + " at t = "), std::string::npos) << text;
  // Every line kind beside the data is in the key.
  bool keyed = false;
  for (const auto& s : f->series) keyed |= s.x.empty() && s.label == "vote law's limit (v1)";
  EXPECT_TRUE(keyed);
}

// "SGD (mean): final RMS gradient at K = 0..4: ..." five numbers per method, growing with K: no
// method breaks for K < n/2, each one's error grows, v2's the most (a start-up not finished).
TEST_F(Demo, ByzantineEveryMethodDegradesAsKGrows) {
  const auto r = run("byzantine");
  ASSERT_EQ(r.lines.size(), 4u);
  std::vector<double> factor;
  for (const auto& line : r.lines) {
    const auto v = numbers_in(line.substr(line.find(':', line.find("K =")) + 1));
    ASSERT_EQ(v.size(), 5u) << line;
    EXPECT_GT(v[4], 1.5 * v[0]) << line;
    EXPECT_LT(v[4], 0.5) << line;  // still converging (x_1 is 0.35 per coordinate)
    factor.push_back(v[4] / v[0]);
  }
  EXPECT_GT(factor[3], factor[0]) << "v2 should degrade more than SGD";
  const std::size_t most = std::max_element(factor.begin(), factor.end()) - factor.begin();
  const std::string label = r.lines[most].substr(0, r.lines[most].find(':'));
  EXPECT_NE(r.explanation.find(label + " degrades most here"), std::string::npos) << r.explanation;
}

TEST_F(Demo, UnknownNameListsTheDemos) {
  try {
    analysis::run_demo("nope", (dir_ / "x.html").string(), {}, 1);
    FAIL();
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("asymmetric-noise"), std::string::npos);
  }
}

}  // namespace
}  // namespace signrate
