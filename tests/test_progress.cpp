// Progress (include/signrate/progress.hpp) and the progress bar of run, sweep and verify: the
// engines count every coordinate-step exactly once, whatever the thread count, without changing a
// number; the bar's text; and the bar drawn on a terminal only, never with --quiet.
#include <gtest/gtest.h>

#include <mutex>

#include "cli_process.hpp"
#include "signrate/analysis/verify.hpp"
#include "signrate/engine.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/progress_bar.hpp"
#include "signrate/io/run_output.hpp"
#include "signrate/sweep.hpp"

namespace signrate {
namespace {

// Keeps every snapshot it is shown (never two threads at once: Progress serializes show).
class Recording : public Progress {
 public:
  Recording() : Progress(std::chrono::milliseconds(0)) {}
  std::vector<Snapshot> shown;

 protected:
  void show(const Snapshot& s) override { shown.push_back(s); }
};

std::string numbers(const Experiment& e, const RunResult& r) {
  const nlohmann::json j = run_json(e, r, {});
  return j["metrics"].dump() + j["per_replicate"].dump() + j["checkpoints"].dump();
}

// d x T x replicates x nodes coordinate-steps, told in strides (several per replicate here:
// 2^22 / d = 4096 steps) plus the rest, for one node and for n nodes, one thread and two; the
// numbers are those of a run without progress.
TEST(Progress, EveryCoordinateStepIsCountedOnceAndNoNumberChanges) {
  struct Case {
    const char* method;
    std::uint32_t nodes;
  };
  for (const Case c : {Case{"smm", 1}, Case{"signsgd-mv", 3}}) {
    SCOPED_TRACE(c.method);
    RunSpec spec = make_run_spec("quadratic", "uniform", c.method, "theorem1", 1024, 10000, 3, 5);
    if (c.nodes > 1) spec = make_run_spec("quadratic", "uniform", c.method, "theorem3", 1024, 10000, 3, 5);
    spec.nodes = c.nodes;
    const Experiment e = make_experiment(spec);
    const std::string plain = numbers(e, run(e, {}));
    for (unsigned threads : {1u, 2u}) {
      Recording progress;
      EngineOptions o;
      o.threads = threads;
      o.progress = &progress;
      const RunResult r = run(e, o);
      EXPECT_EQ(progress.snapshot().steps, std::uint64_t{1024} * 10000 * 3 * c.nodes);
      EXPECT_EQ(coordinate_steps(spec), std::uint64_t{1024} * 10000 * 3 * c.nodes);
      EXPECT_GT(progress.shown.size(), 3u);  // told while running, not only at the end
      EXPECT_EQ(numbers(e, r), plain);
    }
  }
}

// A stopped Progress ends a run (one node and n nodes, any thread count) and a sweep at their next
// report with Stopped, whichever thread reports (the Python module's Ctrl-C).
TEST(Progress, AStoppedProgressEndsTheWorkWithStopped) {
  for (const char* method : {"smm", "signsgd-mv"}) {
    RunSpec spec = make_run_spec("quadratic", "uniform", method,
                                 method == std::string("smm") ? "theorem1" : "theorem3", 1024, 10000, 4, 5);
    spec.nodes = method == std::string("smm") ? 1 : 3;
    const Experiment e = make_experiment(spec);
    for (unsigned threads : {1u, 2u}) {
      Recording progress;
      progress.stop();
      EngineOptions o;
      o.threads = threads;
      o.progress = &progress;
      EXPECT_THROW(run(e, o), Stopped) << method << " " << threads;
      EXPECT_EQ(progress.snapshot().steps, 0u);  // nothing counted after the stop
    }
  }
  SweepSpec s;
  s.base = make_run_spec("quadratic", "gaussian", "smm", "theorem1", 1, 1, 2, 1);
  s.d = {4, 8};
  s.T = {16};
  Recording progress;
  progress.stop();
  EngineOptions o;
  o.progress = &progress;
  EXPECT_THROW(run_sweep(s, o), Stopped);
}

// A sweep counts its points and their coordinate-steps: what sweep_size announced.
TEST(Progress, SweepCountsWhatItsSizeAnnounced) {
  SweepSpec s;
  s.base = make_run_spec("quadratic", "gaussian", "smm", "theorem1", 0, 0, 2, 3);
  s.d = {16, 64};
  s.T = {100, 300};
  s.vary.push_back(parse_varied("oracle.sigma=0.5,1"));
  const SweepSize size = sweep_size(s);
  EXPECT_EQ(size.points, 8u);
  EXPECT_EQ(size.coordinate_steps, 2u * 2 * (16 + 64) * (100 + 300));
  Recording progress;
  progress.expect(size.coordinate_steps, size.points);
  EngineOptions o;
  o.progress = &progress;
  run_sweep(s, o);
  const Progress::Snapshot end = progress.snapshot();
  EXPECT_EQ(end.points, 8u);
  EXPECT_EQ(end.steps, end.steps_total);
  EXPECT_EQ(end.points_total, 8u);
}

// verify announces every family's work before the first run, and does all of it.
TEST(Progress, VerifyAnnouncesEveryFamilyBeforeRunning) {
  analysis::VerifyOptions o;
  o.theorem = "thm1";
  o.d = {16, 32, 64};
  o.T = {256, 512, 1024, 2048};
  o.replicates = 4;
  o.bootstrap = 100;
  o.compare = {"signsgd"};  // two families
  Recording progress;
  o.engine.progress = &progress;
  const analysis::VerifyReport r = analysis::verify(o);
  ASSERT_EQ(r.families.size(), 2u);
  const Progress::Snapshot end = progress.snapshot();
  EXPECT_EQ(end.points_total, 24u);
  EXPECT_EQ(end.points, 24u);
  EXPECT_EQ(end.steps_total, 2u * 4 * (16 + 32 + 64) * (256 + 512 + 1024 + 2048));
  EXPECT_EQ(end.steps, end.steps_total);
  ASSERT_FALSE(progress.shown.empty());
  EXPECT_EQ(progress.shown.front().points_total, 24u);  // the whole work known from the first point
}

TEST(ProgressBar, Text) {
  Progress::Snapshot s;
  s.steps = 450'000'000;
  s.steps_total = 1'000'000'000;
  s.points = 3;
  s.points_total = 12;
  s.seconds = 9;
  EXPECT_EQ(
      cli::progress_text("sweep", s),
      "sweep [#########...........] 45%  3/12 points  450 M of 1.0 G coordinate-steps, 50 M/s, 11 s left");
  s.points_total = 0;
  s.steps = s.steps_total;
  s.seconds = 125;
  EXPECT_EQ(cli::progress_text("run", s),
            "run [####################] 100%  1.0 G of 1.0 G coordinate-steps, 8.0 M/s, 2 min 05 s in all");
  s.steps = 0;
  EXPECT_EQ(cli::progress_text("run", s), "run [....................] 0%  0 of 1.0 G coordinate-steps");
  EXPECT_EQ(cli::format_duration(7384), "2 h 03 min");
  EXPECT_EQ(cli::format_duration(-1), "?");
}

// The elapsed time on run's and signrate-mpi's summary line: two significant digits, not six.
TEST(SummaryLine, ElapsedTimeWithTwoSignificantDigits) {
  EXPECT_EQ(cli::format_seconds(0.0543363), "0.054 s");
  EXPECT_EQ(cli::format_seconds(3.14159), "3.1 s");
  EXPECT_EQ(cli::format_seconds(12.4), "12 s");
  EXPECT_EQ(cli::format_seconds(1234.4), "1234 s");
}

using testing_cli::cli;

// Under a terminal (script(1) gives the command one) the bar is drawn and ends at 100%; with
// --quiet, or when standard error is not a terminal, nothing is.
TEST(ProgressBar, DrawnOnATerminalOnly) {
  const std::string run =
      std::string(SIGNRATE_CLI_PATH) + " run --d 64 --T 2000 --replicates 2 --out /dev/null";
  const auto under_terminal = [](const std::string& command) {
    return testing_cli::shell("script -qec '" + command + "' /dev/null </dev/null");
  };
  const testing_cli::Outcome drawn = under_terminal(run);
  ASSERT_EQ(drawn.code, 0) << drawn.output;
  EXPECT_NE(drawn.output.find("run [####################] 100%  256 k of 256 k coordinate-steps"),
            std::string::npos)
      << drawn.output;
  const testing_cli::Outcome quiet = under_terminal(run + " --quiet");
  ASSERT_EQ(quiet.code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("coordinate-steps"), std::string::npos) << quiet.output;
  const testing_cli::Outcome piped = cli("run --d 64 --T 2000 --replicates 2 --out /dev/null");
  EXPECT_EQ(piped.output.find("coordinate-steps"), std::string::npos) << piped.output;
  const testing_cli::Outcome sweep = under_terminal(
      std::string(SIGNRATE_CLI_PATH) + " sweep --d 16,32 --T 100 --replicates 2 --out /dev/null");
  ASSERT_EQ(sweep.code, 0) << sweep.output;
  EXPECT_NE(sweep.output.find("] 100%  2/2 points  9.6 k of 9.6 k coordinate-steps"), std::string::npos)
      << sweep.output;
}

}  // namespace
}  // namespace signrate
