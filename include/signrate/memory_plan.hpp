#pragma once
// Memory planned before it is taken (docs/outputs.md, "Outputs, inputs and memory"): what a run will
// allocate, worked out from its spec alone, before the experiment is made, so that a run too large for the
// machine is refused at once (exit code 2, both numbers) instead of failing after minutes or being killed.
// The figures are upper bounds of the CPU engine's allocations, rounded up, not measurements.
#include <cstdint>
#include <string>

#include "signrate/experiment.hpp"

namespace signrate {

// The problem's and oracle's per-coordinate vectors, the method's tables and the checkpoint grid.
double setup_bytes(const RunSpec& spec);
// The state of the replicates that run at once (one per thread, at most `replicates`): x, the
// method's slots, the gradients of dense problems, and for n > 1 simulated nodes each node's state.
double state_bytes(const RunSpec& spec, unsigned threads);
// What is kept per replicate (metrics, checkpoint traces) and the run's JSON of them.
double result_bytes(const RunSpec& spec);
// The three together: the most one run holds at once.
double planned_run_bytes(const RunSpec& spec, unsigned threads);

// The memory this process may still take: the least of the kernel's MemAvailable, the room left
// under the cgroup's memory.max and the room left under the address-space limit (ulimit -v);
// `source` says which (for messages).
std::uint64_t available_memory(std::string* source);

// A size such as 4G, 512M, 1.5GiB, 800000000 (bytes; K, M, G, T with an optional B or iB are powers
// of 1024); a SpecError naming the option and what is allowed otherwise.
std::uint64_t parse_memory_size(const std::string& option, const std::string& text);
// "1.5 GiB", "512 MiB", "900 B".
std::string format_bytes(double bytes);

// SpecError (exit code 2) "... needs about X of memory (<what>), more than the Y <source>; ..."
// when `needed` exceeds `max_memory` (0: the available memory).
void check_memory(double needed, const std::string& what, std::uint64_t max_memory);

}  // namespace signrate
