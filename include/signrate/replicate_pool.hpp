#pragma once
// Threads over replicates: each replicate runs whole on one thread, so its numbers never depend on
// which thread ran it or how many there are. The error reported is the lowest failing replicate's,
// the same for any thread count.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace signrate::cpu {

template <class F>
void for_each_replicate(std::uint32_t replicates, unsigned threads, F&& run_one) {
  threads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, replicates);
  std::atomic<std::uint32_t> next{0};
  std::mutex error_mutex;
  std::uint32_t error_replicate = std::numeric_limits<std::uint32_t>::max();
  std::exception_ptr error;
  const auto worker = [&] {
    for (std::uint32_t r = next++; r < replicates; r = next++) {
      try {
        run_one(r);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (r < error_replicate) error_replicate = r, error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < threads; ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace signrate::cpu
