#pragma once
// Sweeps: one run per point of a (d, T) grid, each with its own seed derived from the sweep's
// seed and the point's index, so points are independent and any point can be re-run alone with
// `signrate run` and the seed the sweep JSON records for it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "signrate/engine.hpp"

namespace signrate {

// "64,256,1024" (a list), "1024:65536:x4" (geometric: 1024, 4096, ... up to 65536) or
// "10:50:+10" (arithmetic). Values must be integers >= 1; SpecError otherwise.
std::vector<std::uint32_t> parse_grid(const std::string& text, const std::string& what);

struct SweepSpec {
  RunSpec base;  // d and T are taken from the grid
  std::vector<std::uint32_t> d, T;
};

// The seed of grid point k (a Philox hash of the sweep seed and k).
std::uint64_t point_seed(std::uint64_t sweep_seed, std::uint32_t k);

// Runs every point (d-major, then T) and returns the sweep JSON: version, seed, base spec, grid,
// and "points", each {d, T, seed, spec, schedule, metrics, per_replicate, checkpoints,
// problem_declared, oracle_declared}. `progress(done, total)` is called after each point.
nlohmann::json run_sweep(const SweepSpec& sweep, const EngineOptions& engine,
                         const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace signrate
