#pragma once
// The batched CPU engine: replicates x d, structure of arrays, metrics accumulated on line
// (memory O(replicates x d + checkpoints), never O(T)); ARCHITECTURE.md principles 2-5.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "signrate/distributed.hpp"
#include "signrate/method.hpp"
#include "signrate/oracle.hpp"
#include "signrate/problem.hpp"
#include "signrate/schedule.hpp"
#include "signrate/spec.hpp"

namespace signrate {

// Everything that determines a run's numbers.
struct RunSpec {
  ParsedSpec problem{"quadratic", {}};
  ParsedSpec oracle{"gaussian", {}};
  ParsedSpec method{"smm", {}};
  ParsedSpec schedule{"", {}};  // empty name: the method's default schedule
  std::uint32_t d = 256;
  std::uint32_t T = 4096;
  std::uint32_t replicates = 16;
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  std::uint32_t checkpoints_per_decade = 8;
  std::uint32_t nodes = 1;      // n: simulated nodes (a distributed method is needed when n > 1)
  std::uint32_t byzantine = 0;  // K: nodes 0..K-1 send the negation of an honest message
};

// A RunSpec from SPEC strings (parse_spec each), for code that builds runs itself.
RunSpec make_run_spec(const std::string& problem, const std::string& oracle, const std::string& method,
                      const std::string& schedule, std::uint32_t d, std::uint32_t T, std::uint32_t replicates,
                      std::uint64_t seed);

// How a run is computed; never changes its numbers.
struct EngineOptions {
  unsigned threads = 0;     // 0: all hardware threads
  std::uint32_t block = 256;  // coordinates per tile; a positive multiple of 8
};

// The components a RunSpec names, built and validated (every SpecError is raised here).
struct Experiment {
  RunSpec spec;
  Problem problem;
  Oracle oracle;
  ScheduleValues schedule;
  Method method;         // single-node methods; for a distributed one only name and resolved
  bool distributed = false;
  DistMethod dist;       // distributed methods (is_distributed_method)
  std::vector<std::uint32_t> checkpoints;  // increasing, last = T
  nlohmann::json resolved_spec() const;
};
Experiment make_experiment(const RunSpec& spec);
// 1, then about `per_decade` points per factor 10 of t, then T.
std::vector<std::uint32_t> log_checkpoints(std::uint32_t T, std::uint32_t per_decade);

// Per-replicate results; index [r] or [r][k] for checkpoint k.
struct RunResult {
  std::vector<double> M1, M2;  // (1/T) sum_t ||grad f(x_t)||_1 (resp. _2)
  std::vector<double> final_grad_l1, final_grad_l2, final_gap;  // at x_{T+1}
  std::vector<double> final_x_mean;  // (1/d) sum_i x_{T+1,i}: where the run settled
  struct Trace {
    std::vector<double> M1, M2, grad_l1, grad_l2, gap;  // at each checkpoint t: M1(t), ||grad f(x_t)||, f(x_t)-f*
  };
  std::vector<Trace> traces;
  // Distributed runs, per replicate: coordinate-steps clipped to [-R, R] (clip=1 only), signs of 0
  // sent up (sign(0) = 0; one bit cannot carry it, the MPI transport sends them as exceptions), and
  // ties sent down as 0.
  std::vector<std::uint64_t> clipped, zeros_up, ties_down;
  double elapsed_seconds = 0.0;
  // Sizes every per-replicate vector for `replicates` (zeros); every engine starts from this.
  void allocate(std::uint32_t replicates);
};

// Runs the experiment on the CPU: the single-node engine, or run_distributed for a distributed method.
RunResult run_cpu(const Experiment& experiment, const EngineOptions& options);

// Mean and standard error (sample standard deviation / sqrt(n); NaN for n < 2).
struct MeanStderr {
  double mean = 0.0, stderr_ = 0.0;
};
MeanStderr mean_stderr(const std::vector<double>& values);

// The public JSON of a run (README "JSON fields"): spec, version, seed, metrics, checkpoints...
nlohmann::json run_json(const Experiment& experiment, const RunResult& result, const EngineOptions& options);
// A distributed run's communication: bits per coordinate each way, bytes per node and step (signs
// packed in 64-bit words), totals, zeros sent up, ties sent down, and R and clipping for S_R methods.
nlohmann::json communication_json(const Experiment& experiment, const RunResult& result);
// The checkpoint table as CSV, one row per checkpoint.
std::string checkpoints_csv(const Experiment& experiment, const RunResult& result);

}  // namespace signrate
