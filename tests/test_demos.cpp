// The teaching demonstrations: each runs, writes its report and figure, and shows what its
// explanation says (the numbers are the claims, checked with margins).
#include <filesystem>

#include <gtest/gtest.h>

#include "analysis/demos.hpp"
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
}

TEST_F(Demo, DimensionExponentsDiffer) {
  const auto r = run("dimension");
  ASSERT_EQ(r.lines.size(), 2u);
  const double with = numbers_in(r.lines[0].substr(r.lines[0].find('^') + 1)).at(0);
  const double without = numbers_in(r.lines[1].substr(r.lines[1].find('^') + 1)).at(0);
  EXPECT_NEAR(with, 0.5, 0.05) << r.lines[0];
  EXPECT_GT(without, 0.6) << r.lines[1];
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
