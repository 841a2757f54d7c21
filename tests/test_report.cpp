// The HTML report: its content, its figures, and its refusals (the browser check is
// tests/check_report_in_browser.sh, run by CTest as ReportRendersInChromium).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "signrate/analysis/page.hpp"
#include "signrate/analysis/report.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/io/verify_io.hpp"

namespace signrate {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class Report : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("signrate_report_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    analysis::VerifyOptions o;
    o.theorem = "thm1";
    o.d = {16, 64};
    o.T = {64, 256, 1024};
    o.replicates = 4;
    o.bootstrap = 100;
    // Through the JSON and back, as `signrate report` reads a verify JSON.
    nlohmann::json j = verify_json(analysis::verify(o));
    j["command"] = "signrate verify thm1 --d 16,64 --T 64:1024:x4 --replicates 4";
    verification_ = verify_from_json(j);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  analysis::VerifyReport verification_;
};

TEST_F(Report, HoldsFiguresTablesVerdictsAndTheCommand) {
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  const auto pngs = analysis::write_report(verification_, (dir_ / "r.html").string(), ro);
  const std::string html = slurp(dir_ / "r.html");
  std::size_t svgs = 0;
  for (auto k = html.find("<svg"); k != std::string::npos; k = html.find("<svg", k + 1)) ++svgs;
  EXPECT_EQ(svgs, 4u);  // M1 and M2, against T and against d
  EXPECT_NE(html.find("signrate verify thm1 --d 16,64"), std::string::npos);
  EXPECT_NE(html.find("<th>verdict</th>"), std::string::npos) << html;
  // The exponents that decided the verdict, as the verification (read back from its JSON) has them.
  const analysis::FamilyReport& f = verification_.families[0];
  EXPECT_NE(html.find("<td>" + std::string(analysis::verdict_name(f.verdict)) + "</td>"), std::string::npos);
  ASSERT_EQ(f.terms.size(), 1u);
  ASSERT_EQ(f.terms[0].axes.size(), 2u);
  for (const analysis::AxisCheck& a : f.terms[0].axes) {
    const std::string row = "<td>" + a.axis + "</td><td>" + analysis::format_short(a.predicted) +
                            "</td><td>" + analysis::format_short(a.fitted.estimate) + "</td><td>[" +
                            analysis::format_short(a.fitted.ci_low) + ", " +
                            analysis::format_short(a.fitted.ci_high) + "]</td><td>" + a.status + "</td>";
    EXPECT_NE(html.find(row), std::string::npos) << row << "\n" << html;
  }
  EXPECT_NE(html.find("theorem slope -0.25"), std::string::npos);
  EXPECT_NE(html.find("quadratic:L=1,a=1"), std::string::npos);
  ASSERT_EQ(pngs.size(), 4u);
  for (const auto& p : pngs) EXPECT_EQ(slurp(p).substr(1, 3), "PNG") << p;
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained and static
}

TEST_F(Report, WithoutGnuplotItFailsAndWritesNothing) {
  analysis::ReportOptions ro;
  ro.gnuplot = "/nonexistent/gnuplot";
  ro.bootstrap = 100;
  EXPECT_THROW(analysis::write_report(verification_, (dir_ / "r.html").string(), ro), RunError);
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));
  EXPECT_FALSE(fs::exists(dir_ / "r-0.png"));
}

TEST_F(Report, RefusesAnInputThatIsNeitherASweepNorAVerification) {
  EXPECT_THROW(report_input_from_json(nlohmann::json{{"metrics", 1}}), SpecError);
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));
}

TEST_F(Report, SaysWhenTheTheoremsAssumptionsAreViolated) {
  analysis::VerifyOptions o;
  o.theorem = "thm1";
  o.oracle = "student-t:nu=2";
  o.allow_violations = true;
  o.d = {16, 64};
  o.T = {64, 256, 1024};
  o.replicates = 4;
  o.bootstrap = 100;
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  analysis::write_report(analysis::verify(o), (dir_ / "v.html").string(), ro);
  const std::string html = slurp(dir_ / "v.html");
  EXPECT_NE(html.find("ASSUMPTIONS VIOLATED"), std::string::npos);
  EXPECT_NE(html.find("Assumption 4"), std::string::npos);
}

}  // namespace
}  // namespace signrate
