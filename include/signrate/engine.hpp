#pragma once
// The engines: one entry point, run(experiment, options); the backend is an option and never
// changes a run's numbers (ARCHITECTURE.md principles 2-5: replicates x d, structure of arrays,
// metrics accumulated on line, memory O(replicates x d + checkpoints), never O(T)).
#include <cstdint>
#include <string>

#include "signrate/experiment.hpp"
#include "signrate/run_result.hpp"

namespace signrate {

// Where a run is computed. Every backend gives the same bits for the same spec.
enum class Backend : std::uint8_t { kCpu };
// "cpu"; the JSON's engine.backend.
std::string backend_name(Backend backend);

// How a run is computed; never changes its numbers.
struct EngineOptions {
  unsigned threads = 0;       // 0: all hardware threads
  std::uint32_t block = 256;  // coordinates per tile; a positive multiple of kSumChunk = 32
  Backend backend = Backend::kCpu;
};

// Runs the experiment on the backend the options name: the single-node engine, or the
// in-process simulation of n nodes for a distributed method.
RunResult run(const Experiment& experiment, const EngineOptions& options);

}  // namespace signrate
