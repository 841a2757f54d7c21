#pragma once
// Progress of a command's work, for a front end to show while it runs. The engines add
// coordinate-steps as they go (one coordinate of one replicate, on one node, advanced one step: a
// run is d x T x replicates x nodes of them), from any thread; a sweep counts its points. Progress
// is only ever read: it never changes a number of the run.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "signrate/error.hpp"

namespace signrate {

// Thrown by the engines' next progress report after Progress::stop: the work ends early, on
// request (Ctrl-C in the Python module), and leaves no result.
class Stopped : public RunError {
 public:
  Stopped() : RunError("stopped on request") {}
};

class Progress {
 public:
  struct Snapshot {
    std::uint64_t steps = 0, steps_total = 0;    // coordinate-steps done and expected
    std::uint64_t points = 0, points_total = 0;  // grid points done and expected (0 for one run)
    double seconds = 0;                          // since the Progress was made
  };

  virtual ~Progress() = default;
  // Announces work to come (added to the totals): a run announces its coordinate-steps, a sweep
  // also its points; verify announces every family's sweep before the first runs.
  void expect(std::uint64_t coordinate_steps, std::uint64_t points);
  // Thread-safe. Shown at most every `interval`, by one thread at a time. Both throw Stopped once
  // stop() was called, so that every thread of a run or a sweep ends at its next report.
  void add_steps(std::uint64_t coordinate_steps);
  void point_done();  // always shown
  Snapshot snapshot() const;
  // Asks the work that reports here to end (from any thread).
  void stop() { stop_requested_ = true; }

 protected:
  explicit Progress(std::chrono::milliseconds interval = std::chrono::milliseconds(200))
      : interval_(interval) {}
  // Called with the state; a front end draws it. Never called by two threads at once.
  virtual void show(const Snapshot& s) = 0;

 private:
  void maybe_show(bool force);
  const std::chrono::milliseconds interval_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_shown_{};
  std::atomic<std::uint64_t> steps_{0}, steps_total_{0}, points_{0}, points_total_{0};
  std::atomic<bool> stop_requested_{false};
  std::mutex show_mutex_;
};

}  // namespace signrate
