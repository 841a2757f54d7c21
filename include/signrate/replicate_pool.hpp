#pragma once
// Threads over replicates: each replicate runs whole on one thread, so its numbers never depend on
// which thread ran it or how many there are. The error reported is the lowest failing replicate's,
// the same for any thread count. A thread that cannot start (the system's limit on threads) is a
// RunError naming it, after the started ones have stopped, never an abort.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "signrate/error.hpp"

namespace signrate::cpu {

// Returns the threads that ran (0 asks for all hardware threads; never more than the replicates).
template <class F>
unsigned for_each_replicate(std::uint32_t replicates, unsigned threads, F&& run_one) {
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
  try {
    pool.reserve(threads);
    for (unsigned k = 1; k < threads; ++k) pool.emplace_back(worker);
  } catch (const std::system_error& e) {
    next = replicates;  // the started workers stop after the replicate they run
    for (auto& th : pool) th.join();
    throw RunError("cannot start worker thread " + std::to_string(pool.size() + 2) + " of " +
                   std::to_string(threads) + " (" + e.what() + "); run with fewer --threads");
  }
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  return threads;
}

}  // namespace signrate::cpu
