// The HTML report: its content, its figures, and its refusals (the browser check is
// tests/check_report_in_browser.sh, run by CTest as ReportRendersInChromium).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "page_checks.hpp"
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

std::vector<analysis::Figure> figures_of(const analysis::Page& page) {
  std::vector<analysis::Figure> out;
  for (const analysis::Block& b : page.blocks)
    if (b.kind == analysis::Block::Kind::kFigure) out.push_back(b.figure);
  return out;
}

const analysis::Figure& figure_titled(const std::vector<analysis::Figure>& figures,
                                      const std::string& title) {
  const auto it =
      std::find_if(figures.begin(), figures.end(), [&](const auto& f) { return f.title == title; });
  if (it == figures.end()) throw std::runtime_error("no figure '" + title + "'");
  return *it;
}

using Style = analysis::Series::Style;

// The series of one style that have points (key entries have none).
std::vector<analysis::Series> drawn(const analysis::Figure& f, Style style) {
  std::vector<analysis::Series> out;
  for (const auto& s : f.series)
    if (s.style == style && !s.x.empty()) out.push_back(s);
  return out;
}

// The labels of the key entries of one style (series without points).
std::vector<std::string> key_entries(const analysis::Figure& f, Style style) {
  std::vector<std::string> out;
  for (const auto& s : f.series)
    if (s.style == style && s.x.empty()) out.push_back(s.label);
  return out;
}

// The rows of the page's tables whose first cell is `first`.
std::vector<std::vector<std::string>> rows_starting(const analysis::Page& page, const std::string& first) {
  std::vector<std::vector<std::string>> out;
  for (const analysis::Block& b : page.blocks)
    if (b.kind == analysis::Block::Kind::kTable)
      for (const auto& row : b.rows)
        if (!row.empty() && row[0] == first) out.push_back(row);
  return out;
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
    const std::string row =
        "<td>" + a.axis + "</td><td>" + analysis::format_short(a.predicted) + "</td><td>" +
        analysis::format_short(a.fitted.estimate) + "</td><td>[" + analysis::format_short(a.fitted.ci_low) +
        ", " + analysis::format_short(a.fitted.ci_high) + "]</td><td>" +
        analysis::format_short(a.fitted.estimate - a.predicted) + "</td><td>[" +
        analysis::format_short(a.fitted.ci_low - a.predicted) + ", " +
        analysis::format_short(a.fitted.ci_high - a.predicted) + "]</td><td>" + a.status + "</td>";
    EXPECT_NE(html.find(row), std::string::npos) << row << "\n" << html;
  }
  EXPECT_NE(html.find("slope -1/4"), std::string::npos);  // the theorem's slope, in the key
  // The theorem stated: its claim, measure, assumptions, schedule and explicit bound with constants.
  for (const char* text :
       {"The theorem: Theorem 1", "M1 = (1/T) sum_{t=1..T} ||grad f(x_t)||_1", "Assumption 2 (l2-smoothness",
        "Schedule: theorem1: ", "M1 &lt;= Delta/(eta T) + L eta d/2", "<th>2 L eta d/beta</th>"})
    EXPECT_NE(html.find(text), std::string::npos) << text;
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

// Every fitted line, theorem slope and bound is in the key (one black entry per kind, after the
// curves' own labels), drawn in a dash pattern of its own, and told from the data by colour or by
// the data being unconnected markers.
TEST_F(Report, FiguresKeyTheFitTheTheoremSlopeAndTheBound) {
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  const auto figures = figures_of(analysis::report_page(verification_, ro));
  ASSERT_EQ(figures.size(), 4u);
  const analysis::FitResult& fit = verification_.families[0].fit;
  for (const auto& f : figures) {
    const auto data = drawn(f, Style::kMarkersWithErrorBars);
    ASSERT_FALSE(data.empty()) << f.title;
    for (const auto& d : data) EXPECT_FALSE(d.label.empty()) << f.title;
    // The fitted line of each curve with two or more fitted T values (the upper half: 256, 1024),
    // in its curve's colour, over those points only.
    const auto fits = drawn(f, Style::kDashedLine);
    EXPECT_EQ(fits.size(), f.title.find("against T") != std::string::npos ? data.size() : 2u) << f.title;
    for (const auto& line : fits) {
      EXPECT_TRUE(line.label.empty()) << f.title;  // keyed once, below
      const auto curve =
          std::find_if(data.begin(), data.end(), [&](const auto& d) { return d.color == line.color; });
      ASSERT_NE(curve, data.end()) << f.title;
      for (double x : line.x)
        EXPECT_NE(std::find(curve->x.begin(), curve->x.end(), x), curve->x.end()) << f.title;
      if (f.title.find("against T") != std::string::npos) {
        EXPECT_EQ(line.x, (std::vector<double>{256, 1024}));
      }
    }
    ASSERT_EQ(key_entries(f, Style::kDashedLine).size(), 1u) << f.title;
    EXPECT_EQ(key_entries(f, Style::kDashedLine)[0].rfind("fit: slope ", 0), 0u) << f.title;
    // The key entries come after every drawn line.
    const auto first_key =
        std::find_if(f.series.begin(), f.series.end(), [](const auto& s) { return s.x.empty(); });
    for (auto it = first_key; it != f.series.end(); ++it) EXPECT_TRUE(it->x.empty()) << f.title;
  }
  // thm1 predicts M1's exponents: its slope once, dotted, black and labelled, above the highest
  // curve; its explicit bound, dash-dot in each curve's colour, keyed once.
  const analysis::Figure& against_T = figure_titled(figures, "M1 against T");
  EXPECT_EQ(key_entries(against_T, Style::kDashedLine)[0],
            "fit: slope " + analysis::format_short(fit.T->estimate, 3) + " (each curve's colour)");
  EXPECT_EQ(key_entries(against_T, Style::kDashDotLine),
            std::vector<std::string>{"explicit bound (each curve's colour)"});
  const auto data = drawn(against_T, Style::kMarkersWithErrorBars);
  const auto theorem = drawn(against_T, Style::kDottedLine);
  ASSERT_EQ(theorem.size(), 1u);
  EXPECT_EQ(theorem[0].label, "theorem's slope -1/4 (T^(-1/4))");
  EXPECT_EQ(theorem[0].color, analysis::Series::kBlack);
  EXPECT_NEAR(std::log(theorem[0].y.back() / theorem[0].y.front()) /
                  std::log(theorem[0].x.back() / theorem[0].x.front()),
              -0.25, 1e-12);
  for (const auto& d : data) EXPECT_GT(theorem[0].y.back(), d.high.back());  // above the data
  EXPECT_EQ(drawn(figure_titled(figures, "M1 against d"), Style::kDottedLine).at(0).label,
            "theorem's slope 1/2 (d^(1/2))");
  EXPECT_NE(against_T.caption.find("black dotted"), std::string::npos) << against_T.caption;
  EXPECT_NE(against_T.caption.find("dash-dot"), std::string::npos) << against_T.caption;
  // M2 has no theorem here: no slope and no bound drawn or keyed.
  const analysis::Figure& m2 = figure_titled(figures, "M2 against T");
  EXPECT_TRUE(drawn(m2, Style::kDottedLine).empty());
  EXPECT_TRUE(key_entries(m2, Style::kDottedLine).empty());
  EXPECT_TRUE(drawn(m2, Style::kDashDotLine).empty());
}

// Where the theorem bounds the plotted measure, each curve has its bound line: the verification's
// per-point bound, above the measured curve (thm1's bound holds on this grid).
TEST_F(Report, TheExplicitBoundIsDrawnAboveEachMeasuredCurve) {
  const analysis::FamilyReport& fam = verification_.families[0];
  ASSERT_TRUE(fam.verdicts.has_bound);
  ASSERT_TRUE(fam.verdicts.bound_holds);
  std::vector<double> bounds;
  for (const auto& b : fam.bounds) bounds.push_back(b.value());
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  const auto figures = figures_of(analysis::report_page(verification_, ro));
  for (const char* title : {"M1 against T", "M1 against d"}) {
    const analysis::Figure& f = figure_titled(figures, title);
    const auto data = drawn(f, Style::kMarkersWithErrorBars);
    const auto bound = drawn(f, Style::kDashDotLine);
    ASSERT_EQ(bound.size(), data.size()) << title;
    for (std::size_t c = 0; c < data.size(); ++c) {
      EXPECT_EQ(bound[c].x, data[c].x) << title;
      EXPECT_EQ(bound[c].color, data[c].color) << title;
      for (std::size_t i = 0; i < data[c].x.size(); ++i) {
        EXPECT_GT(bound[c].y[i], data[c].high[i]) << title << " at " << data[c].x[i];
        EXPECT_NE(std::find(bounds.begin(), bounds.end(), bound[c].y[i]), bounds.end()) << title;
      }
    }
  }
}

// Two curves with the same points are drawn once, labelled with both, and the caption says so.
TEST_F(Report, CoincidingCurvesAreDrawnOnceWithANote) {
  analysis::VerifyReport v = verification_;
  SweepResult& sweep = v.families[0].sweep;
  for (SweepPoint& p : sweep.points)
    if (p.d == 64)
      for (const SweepPoint& q : sweep.points)
        if (q.d == 16 && q.T == p.T) p.run.metrics.M2 = q.run.metrics.M2;
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  const auto figures = figures_of(analysis::report_page(v, ro));
  const analysis::Figure& m2 = figure_titled(figures, "M2 against T");
  const auto data = drawn(m2, Style::kMarkersWithErrorBars);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].label, "d = 16, 64");
  EXPECT_EQ(drawn(m2, Style::kDashedLine).size(), 1u);
  EXPECT_NE(m2.caption.find("the curves for d = 16, 64 coincide; drawn once"), std::string::npos)
      << m2.caption;
  // M1 differs between d = 16 and 64: both curves, no note.
  const analysis::Figure& m1 = figure_titled(figures, "M1 against T");
  EXPECT_EQ(drawn(m1, Style::kMarkersWithErrorBars).size(), 2u);
  EXPECT_EQ(m1.caption.find("coincide"), std::string::npos);
}

TEST(PageCurves, CoincideWithinTheRelativeToleranceOnly) {
  using analysis::Series;
  const Series a{"n = 1", {1, 2}, {0.5, 0.25}, {}, {}, Style::kPointsWithErrorBars, 1};
  Series b = a, c = a, d = a;
  b.label = "n = 2";
  b.y[1] *= 1 + 1e-14;
  c.label = "n = 4";
  c.y[1] *= 1 + 1e-9;
  d.label = "n = 8";
  std::vector<Series> curves = {a, b, c, d};
  std::string caption = "M2 against T";
  const auto sets = analysis::draw_coinciding_once(curves, caption);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0], (std::vector<std::size_t>{0, 1, 3}));
  EXPECT_EQ(sets[1], (std::vector<std::size_t>{2}));
  EXPECT_EQ(curves[0].label, "n = 1, 2, 8");
  EXPECT_EQ(caption, "M2 against T; the curves for n = 1, 2, 8 coincide; drawn once");
}

// Every figure of a verify page, a sweep page with --theorem, an overlay and the asymmetric-noise
// demo keys every line it draws and fits its axes to the data.
TEST_F(Report, EveryFigureKeysItsLinesAndFitsItsAxesToTheData) {
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  std::vector<analysis::Figure> figures = figures_of(analysis::report_page(verification_, ro));
  const SweepResult& sweep = verification_.families[0].sweep;
  ro.theorem = "thm1";
  for (const auto& f : figures_of(analysis::report_page(sweep, ro))) figures.push_back(f);
  SweepResult other = sweep;
  other.spec.method.name = "signsgd";
  for (SweepPoint& p : other.points) p.run.metrics.M1.mean *= 3;
  for (const auto& f : figures_of(analysis::overlay_page({sweep, other}, {"a.json", "b.json"}, ro)))
    figures.push_back(f);
  EXPECT_EQ(figures.size(), 12u);
  for (const auto& f : figures) testing_pages::expect_keyed_and_covered(f);
}

// Plain tick labels: listed on a log axis ("0.5", "1", "2" on an axis under a decade, where
// gnuplot would label none), m·10^{k} beyond [1e-4, 1e5]; exponents typeset whole.
TEST(PlotScript, ListsLogTicksAndTypesetsExponents) {
  analysis::Figure narrow;
  narrow.title = "SMM, beta = T^-1/2 and d^(1/2), f = ||x||^2/2, T^{-1/4}";
  narrow.series.push_back({"x", {256, 65536}, {0.4, 0.9}, {}, {}, Style::kLine, 1});
  const std::string script = analysis::plot_script(narrow, 0).script;
  EXPECT_NE(script.find("set title 'SMM, beta = T^{-1/2} and d^{1/2}, f = ||x||^{2}/2, T^{-1/4}'"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("'0.5' 0.5, '0.6' 0.6"), std::string::npos) << script;
  // 256 to 65536 holds two powers of ten: 1, 2, 5 times them, from 500 (past the data's 256, not 200).
  EXPECT_NE(script.find("set xtics ('500' 500, '1000' 1000, '2000' 2000,"), std::string::npos) << script;
  analysis::Figure wide;
  wide.series.push_back({"x", {1, 60000}, {1e-5, 0.05}, {}, {}, Style::kLine, 1});
  const std::string w = analysis::plot_script(wide, 0).script;
  EXPECT_NE(w.find("'10^{-5}' 1.0000000000000001e-05"), std::string::npos) << w;
  EXPECT_NE(w.find("'0.01' 0.01"), std::string::npos) << w;
  EXPECT_NE(w.find("set terminal pngcairo size 1200,720"), std::string::npos) << w;
}

// Two sweeps of one grid on one plot: each curve labelled by the method that tells them apart, a fit
// keyed per method; grids that differ are refused, naming both inputs.
TEST_F(Report, AnOverlayLabelsCurvesByWhatDiffersAndRefusesAnotherGrid) {
  analysis::ReportOptions ro;
  ro.bootstrap = 100;
  const SweepResult& smm = verification_.families[0].sweep;
  SweepResult sign = smm;
  sign.spec.method.name = "signsgd";
  for (SweepPoint& p : sign.points) p.run.metrics.M1.mean *= 3;
  const auto figures = figures_of(analysis::overlay_page({sign, smm}, {"a.json", "b.json"}, ro));
  const analysis::Figure& f = figure_titled(figures, "M1 against T");
  std::vector<std::string> labels;
  for (const auto& d : drawn(f, Style::kMarkersWithErrorBars)) labels.push_back(d.label);
  EXPECT_EQ(labels,
            (std::vector<std::string>{"signsgd, d = 16", "signsgd, d = 64", "smm, d = 16", "smm, d = 64"}));
  const auto fits = key_entries(f, Style::kDashedLine);
  ASSERT_EQ(fits.size(), 2u);
  EXPECT_EQ(fits[0].rfind("signsgd fit: slope ", 0), 0u) << fits[0];
  EXPECT_EQ(fits[1].rfind("smm fit: slope ", 0), 0u) << fits[1];
  SweepResult shorter = smm;
  shorter.grid.T.pop_back();
  try {
    analysis::overlay_page({smm, shorter}, {"a.json", "b.json"}, ro);
    ADD_FAILURE() << "no error";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("a.json: T = 64, 256, 1024; b.json: T = 64, 256"), std::string::npos)
        << e.what();
  }
}

// The explicit bound is the sum of its terms, bit for bit (their square root for thm5), and the page
// shows each term with the run's constants.
TEST(TheoremStatement, TheBoundIsTheSumOfTheTermsThePageShows) {
  analysis::BoundInputs in;
  in.delta = 0.5;
  in.L = 1;
  in.L_inf = 2;
  in.sigma_l2 = 1.5;
  in.sigma_l1 = 3;
  in.eta = 1e-3;
  in.beta = 0.05;
  in.T = 4096;
  in.d = 64;
  in.n = 4;
  in.R = 2;
  for (const char* id : {"thm1", "thm2", "thm5"}) {
    const analysis::Theorem& t = analysis::find_theorem(id);
    const auto terms = t.bound_terms(in);
    ASSERT_EQ(terms.size(), 5u) << id;
    double sum = 0;
    for (const auto& term : terms) sum += term.value;
    EXPECT_EQ(t.bound(in).value(), t.bound_is_root ? std::sqrt(sum) : sum) << id;
  }
  // By hand: Theorem 1's terms at these inputs.
  const auto t1 = analysis::find_theorem("thm1").bound_terms(in);
  EXPECT_DOUBLE_EQ(t1[0].value, 0.5 / (1e-3 * 4096));
  EXPECT_DOUBLE_EQ(t1[1].value, 1e-3 * 64 / 2);
  EXPECT_DOUBLE_EQ(t1[2].value, 2 * 8 * 1.5 / (0.05 * 4096));
  EXPECT_DOUBLE_EQ(t1[3].value, 2 * 8 * 1.5 * std::sqrt(0.05));
  EXPECT_DOUBLE_EQ(t1[4].value, 2 * 1e-3 * 64 / 0.05);
  EXPECT_FALSE(analysis::find_theorem("thm3").bound(in));
  in.R = NAN;
  EXPECT_FALSE(analysis::find_theorem("thm5").bound(in));
}

// The pages of the multi-term theorems show, for every term and axis that decided the verdict, the
// M/term slope and its status, and the M / rate fit over the whole grid.
TEST(ReportOfVerify, MultiTermTheoremsShowTheDecidingSlopes) {
  for (const char* theorem : {"thm3", "thm5"}) {
    analysis::VerifyOptions o;
    o.theorem = theorem;
    o.family = theorem == std::string("thm3") ? "T-term" : "";
    o.d = {4, 16};
    o.T = {1024, 4096};
    o.n = {8, 32};
    o.replicates = 4;
    o.bootstrap = 100;
    const analysis::VerifyReport v = verify_from_json(verify_json(analysis::verify(o)));
    analysis::ReportOptions ro;
    ro.bootstrap = 100;
    const analysis::Page page = analysis::report_page(v, ro);
    std::size_t checked = 0;
    for (const analysis::TermCheck& t : v.families.at(0).terms) {
      const auto rows = rows_starting(page, t.description);
      if (!t.untested.empty()) {
        ASSERT_EQ(rows.size(), 1u) << theorem << " " << t.description;
        EXPECT_EQ(rows[0][1], "not tested: " + t.untested);
        continue;
      }
      ASSERT_EQ(rows.size(), t.axes.size()) << theorem << " " << t.description;
      for (std::size_t k = 0; k < t.axes.size(); ++k) {
        const analysis::AxisCheck& a = t.axes[k];
        ASSERT_EQ(rows[k].size(), 9u);
        EXPECT_EQ(rows[k][2], a.axis);
        EXPECT_EQ(rows[k][6], analysis::format_short(a.fitted.estimate - a.predicted)) << theorem;
        EXPECT_EQ(rows[k][8], a.status) << theorem;
        ++checked;
      }
    }
    EXPECT_GT(checked, 0u) << theorem;
    // The fitted line runs over the fitted T values only (here one, 4096: none against T), and a
    // kind of line is keyed and captioned only where it is drawn.
    for (const auto& f : figures_of(page)) {
      const bool lines = !drawn(f, Style::kDashedLine).empty();
      EXPECT_EQ(lines, f.title.find("against T") == std::string::npos) << theorem << " " << f.title;
      EXPECT_EQ(key_entries(f, Style::kDashedLine).size(), lines ? 1u : 0u) << theorem << " " << f.title;
      EXPECT_EQ(f.caption.find("fitted power law") != std::string::npos, lines) << f.caption;
    }
    const auto ratio = rows_starting(page, "M / rate");
    ASSERT_EQ(ratio.size(), 1u) << theorem;
    const auto d = rows_starting(page, "d");
    ASSERT_FALSE(d.empty()) << theorem;
    EXPECT_EQ(d.back()[1], analysis::format_short(v.families[0].ratio_fit.d->estimate)) << theorem;
  }
}

}  // namespace
}  // namespace signrate
