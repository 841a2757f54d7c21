#pragma once
// The progress bar of run, sweep and verify on standard error: a bar, the share of the
// coordinate-steps done, the points of a sweep, the rate and the time left, redrawn in place at
// most five times a second. Drawn only when standard error is a terminal and --quiet is not given.
#include <CLI/CLI.hpp>
#include <string>

#include "signrate/progress.hpp"

namespace signrate::cli {

// The bar's line for a snapshot, e.g.
// "sweep [#########...........] 45%  3/12 points  450 M of 1.0 G coordinate-steps, 50 M/s, 11 s left".
std::string progress_text(const std::string& label, const Progress::Snapshot& s);
// "12 s", "4 min 05 s", "2 h 07 min"; "?" when not finite or negative.
std::string format_duration(double seconds);

class ProgressBar : public Progress {
 public:
  // Draws only when `enabled` (false under --quiet) and standard error is a terminal.
  ProgressBar(std::string label, bool enabled);
  ~ProgressBar() override;  // ends the line (a finished bar stays on screen)
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // This bar for EngineOptions::progress, or null when it does not draw (nothing to count).
  Progress* meter() { return drawing_ ? this : nullptr; }

 protected:
  void show(const Snapshot& s) override;

 private:
  const std::string label_;
  const bool drawing_;
  bool drawn_ = false;
};

// Adds --quiet (no progress bar) to a command.
void add_quiet_flag(CLI::App* cmd, bool& quiet);

}  // namespace signrate::cli
