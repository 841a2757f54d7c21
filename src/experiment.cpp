// Building a run from its spec.
#include "signrate/experiment.hpp"

#include <cmath>

#include "signrate/error.hpp"
#include "signrate/exact_pow.hpp"
#include "signrate/run_result.hpp"

namespace signrate {

std::vector<std::uint32_t> log_checkpoints(std::uint32_t T, std::uint32_t per_decade) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t k = 0;; ++k) {
    // Correctly rounded, so a checkpoint whose 10^(k/n) lies near a half-integer is the same t on
    // every platform.
    const double t = std::round(exact_pow(10.0, static_cast<double>(k) / per_decade));
    if (t >= T) break;
    const auto ti = static_cast<std::uint32_t>(t);
    if (out.empty() || ti > out.back()) out.push_back(ti);
  }
  out.push_back(T);
  return out;
}

RunSpec make_run_spec(const std::string& problem, const std::string& oracle, const std::string& method,
                      const std::string& schedule, std::uint32_t d, std::uint32_t T, std::uint32_t replicates,
                      std::uint64_t seed) {
  RunSpec s;
  s.problem = parse_spec(problem, "problem");
  s.oracle = parse_spec(oracle, "oracle");
  s.method = parse_spec(method, "method");
  s.schedule = parse_spec(schedule, "schedule");
  s.d = d;
  s.T = T;
  s.replicates = replicates;
  s.seed = seed;
  return s;
}

Experiment make_experiment(const RunSpec& spec) {
  const auto need = [](std::uint64_t v, const char* name) {
    if (v < 1)
      throw SpecError(std::string(name) + "=" + std::to_string(v) +
                      " is not allowed; allowed: an integer >= 1");
  };
  need(spec.d, "d");
  need(spec.T, "T");
  need(spec.replicates, "replicates");
  need(spec.batch, "batch");
  need(spec.checkpoints_per_decade, "checkpoints_per_decade");
  need(spec.nodes, "nodes");
  if (spec.byzantine > spec.nodes)
    throw SpecError("byzantine=" + std::to_string(spec.byzantine) +
                    " is not allowed; allowed: 0 to nodes=" + std::to_string(spec.nodes));
  Experiment e;
  e.spec = spec;
  e.distributed = is_distributed_method(spec.method.name);
  if (!e.distributed) {
    std::string names;
    for (const auto& c : distributed_method_registry()) names += (names.empty() ? "" : ", ") + c.name;
    bool known = false;
    for (const auto& c : method_registry()) known = known || c.name == spec.method.name;
    if (!known) {
      std::string single;
      for (const auto& c : method_registry()) single += (single.empty() ? "" : ", ") + c.name;
      throw SpecError("unknown method '" + spec.method.name + "'; allowed: " + single +
                      "; distributed: " + names);
    }
    if (spec.nodes > 1 || spec.byzantine > 0)
      throw SpecError("method " + spec.method.name +
                      " is single-node; with nodes=" + std::to_string(spec.nodes) +
                      (spec.byzantine ? " and byzantine=" + std::to_string(spec.byzantine) : std::string()) +
                      " allowed: " + names);
  }
  e.problem = make_problem(spec.problem, spec.d, spec.nodes);
  e.oracle = make_oracle(spec.oracle, spec.d, spec.batch);
  ParsedSpec schedule = spec.schedule;
  if (schedule.name.empty()) schedule.name = default_schedule(spec.method.name);
  e.schedule = make_schedule(schedule, spec.d, spec.T);
  if (e.distributed) {
    // Assumption 9: |g_i| <= G + the noise bound for every sample, so |v| <= that too.
    const double bound = e.problem.constants.G + e.oracle.noise_bound();
    e.dist = make_dist_method(spec.method, e.schedule.eta, e.schedule.beta, bound);
    if (e.dist.homogeneous_only && e.problem.heterogeneous())
      throw SpecError("method " + e.dist.name + " is not allowed on the heterogeneous problem '" +
                      e.problem.name +
                      "': its analysis holds for homogeneous nodes only (every node has f); allowed: a "
                      "problem without node centres, or another distributed method");
    e.method.name = e.dist.name;
    e.method.resolved = e.dist.resolved;
  } else {
    e.method = make_method(spec.method, e.schedule.eta, e.schedule.beta);
    e.method.tabulate(spec.T);
  }
  e.checkpoints = log_checkpoints(spec.T, spec.checkpoints_per_decade);
  return e;
}

nlohmann::json Experiment::resolved_spec() const {
  return {{"problem", problem.resolved},
          {"oracle", oracle.resolved},
          {"method", method.resolved},
          {"schedule", schedule.resolved},
          {"d", spec.d},
          {"T", spec.T},
          {"replicates", spec.replicates},
          {"seed", spec.seed},
          {"batch", spec.batch},
          {"checkpoints_per_decade", spec.checkpoints_per_decade},
          {"nodes", spec.nodes},
          {"byzantine", spec.byzantine}};
}

void RunResult::allocate(std::uint32_t replicates, std::size_t checkpoints) {
  for (auto* v : {&M1, &M2, &final_grad_l1, &final_grad_l2, &final_gap, &final_x_mean})
    v->assign(replicates, 0.0);
  for (auto* v : {&clipped, &zeros_up, &ties_down}) v->assign(replicates, 0);
  Trace sized;
  for (auto* v : {&sized.M1, &sized.M2, &sized.grad_l1, &sized.grad_l2, &sized.gap})
    v->assign(checkpoints, 0.0);
  traces.assign(replicates, sized);
}

MeanStderr mean_stderr(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  MeanStderr out;
  out.mean = sum / n;
  if (values.size() < 2) {
    out.stderr_ = std::nan("");
    return out;
  }
  double ss = 0;
  for (double v : values) ss += (v - out.mean) * (v - out.mean);
  out.stderr_ = std::sqrt(ss / (n - 1) / n);
  return out;
}

}  // namespace signrate
