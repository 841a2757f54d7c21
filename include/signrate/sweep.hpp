#pragma once
// Sweeps: one run per point of a (d, T, n) grid, each with its own seed derived from the sweep's
// seed and the point's index, so points are independent and any point can be re-run alone with
// `signrate run` and the seed the sweep JSON records for it.
#include <cstdint>
#include <string>
#include <vector>

#include "signrate/engine.hpp"
#include "signrate/experiment.hpp"
#include "signrate/sweep_result.hpp"

namespace signrate {

// The most values one grid may hold; a longer grid is a SpecError naming its size (never cut).
constexpr int kMaxGridValues = 10000;

// "64,256,1024" (a list), "1024:65536:x4" (geometric: 1024, 4096, ... up to 65536) or
// "10:50:+10" (arithmetic). Values must be integers >= 1; SpecError otherwise.
std::vector<std::uint32_t> parse_grid(const std::string& text, const std::string& what);

// Real-valued grid of a spec parameter: "0.5,1,2" or "0.25:4:x2" (geometric) or "0:1:+0.25".
std::vector<double> parse_real_grid(const std::string& text, const std::string& what);

// A swept spec parameter: "oracle.sigma", "schedule.eta_scale", "method.mu", "problem.L"...
struct VariedParameter {
  std::string component, key;  // "oracle", "sigma"
  std::vector<double> values;
};
// Parses "oracle.sigma=0.5,1,2" (the --vary flag); SpecError naming what is allowed otherwise.
VariedParameter parse_varied(const std::string& text);
// The same over other components (`signrate train --vary optimizer.lr=1e-3,1e-2`); `example` is
// the form the error message shows.
VariedParameter parse_varied(const std::string& text, const std::vector<std::string>& components,
                             const std::string& example);

struct SweepSpec {
  RunSpec base;  // d, T and nodes are taken from the grid
  std::vector<std::uint32_t> d, T;
  std::vector<std::uint32_t> n;       // simulated nodes; empty: {base.nodes}
  std::vector<VariedParameter> vary;  // the grid is every combination x n x d x T
};

// The seed of grid point k (a Philox hash of the sweep seed and k).
std::uint64_t point_seed(std::uint64_t sweep_seed, std::uint32_t k);

// Runs every point (varied parameters, then n, then d, then T) and returns the sweep: version,
// seed, base spec, grid {d, T, n, vary}, and the points, each with its coordinates, varied values,
// seed and run summary (resolved spec, eta and beta, declared constants, metrics, checkpoints, and
// communication for a distributed method). The engine's progress, if any, counts each point
// (expected with sweep_size, announced by the caller). A
// heterogeneous problem given a list of centres fits one n only; an n grid needs drawn centres
// (spread=...). signrate/io/sweep_io.hpp writes the result as the sweep JSON.
SweepResult run_sweep(const SweepSpec& sweep, const EngineOptions& engine);

// What a sweep will compute: its points and their coordinate-steps (Progress::expect).
struct SweepSize {
  std::uint64_t points = 0, coordinate_steps = 0;
};
SweepSize sweep_size(const SweepSpec& sweep);

// The memory a sweep takes (every point's experiment is made before the first runs, each point's
// results are kept, and the points run one at a time, each with `threads` threads' state), and a
// description of its size for messages ("the sweep (12 points per n, d up to 1024, replicates=16)").
struct SweepPlan {
  double bytes = 0;
  std::string description;
};
SweepPlan plan_sweep_memory(const SweepSpec& sweep, unsigned threads);

}  // namespace signrate
