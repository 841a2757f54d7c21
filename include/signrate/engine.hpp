#pragma once
// The engines: one entry point, run(experiment, options); the backend is an option and never
// changes a run's numbers (docs/architecture.md's "Design": replicates x d, structure of arrays,
// metrics accumulated on line, memory O(replicates x d + checkpoints), never O(T)).
#include <cstdint>
#include <string>

#include "signrate/experiment.hpp"
#include "signrate/progress.hpp"
#include "signrate/run_result.hpp"

namespace signrate {

// Where a run is computed. Every backend gives the same bits for the same spec.
enum class Backend : std::uint8_t { kCpu, kCuda };
// "cpu" or "cuda"; the JSON's engine.backend.
std::string backend_name(Backend backend);

// How a run is computed; never changes its numbers.
struct EngineOptions {
  unsigned threads = 0;       // CPU: 0 = all hardware threads
  std::uint32_t block = 256;  // CPU: coordinates per tile; a positive multiple of kSumChunk = 32
  Backend backend = Backend::kCpu;
  int device = 0;                    // CUDA: the device index (cuda:N)
  std::uint32_t cuda_blocks = 0;     // CUDA: blocks per replicate, a power of two; 0 = chosen
  std::uint32_t cuda_threads = 256;  // CUDA: threads per block, a multiple of 32, <= 1024
  // Where the run reports its coordinate-steps as it goes (the CPU engines every ~2^22 of them,
  // the CUDA engine when the run ends); null: nowhere. Not owned.
  Progress* progress = nullptr;
};

// A run's coordinate-steps: d x T x replicates x nodes (what Progress counts).
std::uint64_t coordinate_steps(const RunSpec& spec);

// A CUDA device as the run's JSON records it.
struct DeviceInfo {
  std::string name;                // e.g. "NVIDIA H200"
  std::string compute_capability;  // e.g. "9.0"
  std::uint64_t free_bytes = 0, total_bytes = 0;
};

// True when this build has CUDA and device `device` can run kernels; otherwise false with the
// reason (built without CUDA, no device, driver too old, no device `device`) in *why.
bool cuda_usable(int device, std::string* why);
// The device's name, compute capability and memory (cuda_usable must hold).
DeviceInfo cuda_device_info(int device);

// Runs the experiment on the backend the options name: the single-node engine, or the
// in-process simulation of n nodes for a distributed method.
RunResult run(const Experiment& experiment, const EngineOptions& options);

}  // namespace signrate
