#include "signrate/frontend/progress_bar.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace signrate::cli {

namespace {

// 1234567 -> "1.2 M" (SI prefixes up to T); below 1000 as it is.
std::string si(double v) {
  static const char* const kPrefix[] = {"", " k", " M", " G", " T"};
  int k = 0;
  while (v >= 999.5 && k < 4) v /= 1000, ++k;
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 9.95 && k > 0 ? "%.1f%s" : "%.0f%s", v, kPrefix[k]);
  return buf;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[48];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%ld s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, s / 60 % 60);
  return buf;
}

std::string progress_text(const std::string& label, const Progress::Snapshot& s) {
  constexpr int kWidth = 20;
  const double share =
      s.steps_total ? std::min(1.0, static_cast<double>(s.steps) / static_cast<double>(s.steps_total)) : 0.0;
  const int filled = static_cast<int>(share * kWidth);
  std::string line = label + " [" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
  line += std::to_string(static_cast<int>(share * 100)) + "%";
  if (s.points_total)
    line += "  " + std::to_string(s.points) + "/" + std::to_string(s.points_total) + " points";
  line += "  " + si(static_cast<double>(s.steps)) + " of " + si(static_cast<double>(s.steps_total)) +
          " coordinate-steps";
  if (s.steps > 0 && s.seconds > 0) {
    const double rate = static_cast<double>(s.steps) / s.seconds;
    line += ", " + si(rate) + "/s, ";
    line += s.steps >= s.steps_total
                ? format_duration(s.seconds) + " in all"
                : format_duration(static_cast<double>(s.steps_total - s.steps) / rate) + " left";
  }
  return line;
}

ProgressBar::ProgressBar(std::string label, bool enabled)
    : label_(std::move(label)), drawing_(enabled && ::isatty(2)) {}

ProgressBar::~ProgressBar() {
  if (!drawn_) return;
  show(snapshot());
  std::fputc('\n', stderr);
}

void ProgressBar::show(const Snapshot& s) {
  if (!drawing_) return;
  // \r back to the start, then the line, then erase what a longer earlier line left (ESC [K).
  std::fprintf(stderr, "\r%s\x1b[K", progress_text(label_, s).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void add_quiet_flag(CLI::App* cmd, bool& quiet) {
  cmd->add_flag("--quiet,-q", quiet, "no progress bar (it is drawn only when standard error is a terminal)");
}

}  // namespace signrate::cli
