#pragma once
// What a run is: the RunSpec that determines its numbers, and the Experiment its components build.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// The components a RunSpec names, built and validated (every SpecError is raised here).
struct Experiment {
  RunSpec spec;
  Problem problem;
  Oracle oracle;
  ScheduleValues schedule;
  Method method;  // single-node methods; for a distributed one only name and resolved
  bool distributed = false;
  DistMethod dist;                         // distributed methods (is_distributed_method)
  std::vector<std::uint32_t> checkpoints;  // increasing, last = T
  nlohmann::json resolved_spec() const;
};
Experiment make_experiment(const RunSpec& spec);
// 1, then about `per_decade` points per factor 10 of t, then T.
std::vector<std::uint32_t> log_checkpoints(std::uint32_t T, std::uint32_t per_decade);

}  // namespace signrate
