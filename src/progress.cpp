#include "signrate/progress.hpp"

namespace signrate {

void Progress::expect(std::uint64_t coordinate_steps, std::uint64_t points) {
  steps_total_ += coordinate_steps;
  points_total_ += points;
}

void Progress::add_steps(std::uint64_t coordinate_steps) {
  if (stop_requested_.load(std::memory_order_relaxed)) throw Stopped();
  steps_ += coordinate_steps;
  maybe_show(false);
}

void Progress::point_done() {
  if (stop_requested_.load(std::memory_order_relaxed)) throw Stopped();
  ++points_;
  maybe_show(true);
}

Progress::Snapshot Progress::snapshot() const {
  Snapshot s;
  s.steps = steps_;
  s.steps_total = steps_total_;
  s.points = points_;
  s.points_total = points_total_;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return s;
}

void Progress::maybe_show(bool force) {
  std::unique_lock<std::mutex> lock(show_mutex_, std::defer_lock);
  if (force) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return;  // another thread is drawing
  }
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_shown_ < interval_) return;
  last_shown_ = now;
  show(snapshot());
}

}  // namespace signrate
