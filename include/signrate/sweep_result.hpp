#pragma once
// A sweep's results as typed values: the grid and, for each point, its coordinates, seed and the
// run's summary (resolved spec, eta and beta, declared constants, metrics). run_sweep returns one;
// signrate/io/sweep_io.hpp writes it as the sweep JSON and reads that back.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "signrate/run_summary.hpp"

namespace signrate {

// The value of each varied spec parameter ("oracle.sigma" -> 0.5), ordered by name; empty when
// none vary.
using VariedValues = std::map<std::string, double>;

struct SweepGrid {
  std::vector<std::uint32_t> d, T, n;
  std::map<std::string, std::vector<double>> vary;  // "oracle.sigma" -> its values
};

struct SweepPoint {
  std::uint32_t d = 0, T = 0, n = 1;
  VariedValues vary;
  std::uint64_t seed = 0;  // the point's own (point_seed): `signrate run` with it re-runs the point alone
  RunSummary run;
};

struct SweepResult {
  std::string version;  // of the library that ran it
  std::uint64_t seed = 0;
  ResolvedSpec spec;  // the base: d, T and nodes are 0 (the grid gives them); seed is the sweep's
  SweepGrid grid;
  std::vector<SweepPoint> points;  // varied parameters, then n, then d, then T (T fastest)
  std::string command;             // the command line that wrote it (the CLI's); empty: none recorded
};

// The points of one combination of the varied parameters.
struct VaryGroup {
  VariedValues vary;
  SweepResult sweep;  // a copy of the sweep holding only the combination's points
};
// The groups in order of first appearance (one group, the whole sweep, when none vary).
std::vector<VaryGroup> split_by_vary(const SweepResult& sweep);

}  // namespace signrate
