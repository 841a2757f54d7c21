// Building a run from its spec, and writing its results (JSON and CSV).
#include <cmath>
#include <sstream>

#include "signrate/engine.hpp"
#include "signrate/error.hpp"
#include "signrate/version.hpp"

namespace signrate {

std::vector<std::uint32_t> log_checkpoints(std::uint32_t T, std::uint32_t per_decade) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t k = 0;; ++k) {
    const double t = std::round(std::pow(10.0, static_cast<double>(k) / per_decade));
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
    if (v < 1) throw SpecError(std::string(name) + "=" + std::to_string(v) + " is not allowed; allowed: an integer >= 1");
  };
  need(spec.d, "d");
  need(spec.T, "T");
  need(spec.replicates, "replicates");
  need(spec.batch, "batch");
  need(spec.checkpoints_per_decade, "checkpoints_per_decade");
  need(spec.nodes, "nodes");
  if (spec.byzantine > spec.nodes)
    throw SpecError("byzantine=" + std::to_string(spec.byzantine) + " is not allowed; allowed: 0 to nodes=" +
                    std::to_string(spec.nodes));
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
      throw SpecError("unknown method '" + spec.method.name + "'; allowed: " + single + "; distributed: " + names);
    }
    if (spec.nodes > 1 || spec.byzantine > 0)
      throw SpecError("method " + spec.method.name + " is single-node; with nodes=" + std::to_string(spec.nodes) +
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
    e.method.name = e.dist.name;
    e.method.resolved = e.dist.resolved;
  } else {
    e.method = make_method(spec.method, e.schedule.eta, e.schedule.beta);
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

void RunResult::allocate(std::uint32_t replicates) {
  for (auto* v : {&M1, &M2, &final_grad_l1, &final_grad_l2, &final_gap, &final_x_mean}) v->assign(replicates, 0.0);
  for (auto* v : {&clipped, &zeros_up, &ties_down}) v->assign(replicates, 0);
  traces.assign(replicates, Trace{});
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

namespace {

// JSON has no NaN or infinity: a missing value (no f*, one replicate's stderr) is null.
nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json stat_json(const std::vector<double>& values) {
  const MeanStderr s = mean_stderr(values);
  return {{"mean", number_or_null(s.mean)}, {"stderr", number_or_null(s.stderr_)}};
}

// The replicates' values of one checkpoint quantity.
std::vector<double> column(const RunResult& r, std::size_t k, std::vector<double> RunResult::Trace::*field) {
  std::vector<double> out;
  out.reserve(r.traces.size());
  for (const auto& tr : r.traces) out.push_back((tr.*field)[k]);
  return out;
}

const std::vector<std::pair<const char*, std::vector<double> RunResult::Trace::*>> kTraceFields = {
    {"M1", &RunResult::Trace::M1},           {"M2", &RunResult::Trace::M2},
    {"grad_l1", &RunResult::Trace::grad_l1}, {"grad_l2", &RunResult::Trace::grad_l2},
    {"gap", &RunResult::Trace::gap}};

std::uint64_t total(const std::vector<std::uint64_t>& v) {
  std::uint64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

}  // namespace

nlohmann::json communication_json(const Experiment& e, const RunResult& r) {
  const std::uint64_t d = e.spec.d, n = e.spec.nodes, T = e.spec.T;
  const std::uint32_t up = e.dist.bits_up(), down = e.dist.bits_down();
  // A sign message is packed in 64-bit words; a float32 message is 4 bytes a coordinate.
  const auto bytes = [d](std::uint32_t bits) { return bits == 1 ? (d + 63) / 64 * 8 : d * bits / 8; };
  const std::uint64_t per_replicate = T * n * (bytes(up) + bytes(down));
  nlohmann::json j = {{"nodes", n},
                      {"byzantine", e.spec.byzantine},
                      {"bits_up_per_coordinate", up},
                      {"bits_down_per_coordinate", down},
                      {"bytes_up_per_node_per_step", bytes(up)},
                      {"bytes_down_per_node_per_step", bytes(down)},
                      {"total_bytes_per_replicate", per_replicate},
                      {"total_bytes", per_replicate * e.spec.replicates},
                      {"zero_signs_up", total(r.zeros_up)},
                      {"ties_down", total(r.ties_down)}};
  if (e.dist.has_R) {
    const double steps = static_cast<double>(T) * n * d * e.spec.replicates;
    j["R"] = e.dist.base.R;
    j["R_source"] = e.dist.R_source;
    j["clip"] = e.dist.base.clip;
    j["clipped"] = total(r.clipped);
    j["clipped_fraction"] = static_cast<double>(total(r.clipped)) / steps;
  }
  return j;
}

nlohmann::json run_json(const Experiment& e, const RunResult& r, const EngineOptions& options) {
  nlohmann::json j;
  j["version"] = kVersion;
  j["seed"] = e.spec.seed;
  j["spec"] = e.resolved_spec();
  nlohmann::json text;
  for (const char* part : {"problem", "oracle", "method", "schedule"}) text[part] = spec_text(j["spec"][part]);
  j["spec_text"] = text;
  j["schedule"] = {{"eta", e.schedule.eta}, {"beta", e.schedule.beta}};
  j["problem_declared"] = e.problem.declared();
  j["oracle_declared"] = e.oracle.declared();
  j["metrics"] = {{"M1", stat_json(r.M1)},
                  {"M2", stat_json(r.M2)},
                  {"final_grad_l1", stat_json(r.final_grad_l1)},
                  {"final_grad_l2", stat_json(r.final_grad_l2)},
                  {"final_gap", stat_json(r.final_gap)},
                  {"final_x_mean", stat_json(r.final_x_mean)}};
  const auto list = [](const std::vector<double>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (double x : v) a.push_back(number_or_null(x));
    return a;
  };
  j["per_replicate"] = {{"M1", list(r.M1)}, {"M2", list(r.M2)}, {"final_grad_l1", list(r.final_grad_l1)},
                        {"final_grad_l2", list(r.final_grad_l2)}, {"final_gap", list(r.final_gap)},
                        {"final_x_mean", list(r.final_x_mean)}};
  nlohmann::json cps = nlohmann::json::array();
  for (std::size_t k = 0; k < e.checkpoints.size(); ++k) {
    nlohmann::json row = {{"t", e.checkpoints[k]}};
    for (const auto& [name, field] : kTraceFields) {
      const MeanStderr s = mean_stderr(column(r, k, field));
      row[name] = number_or_null(s.mean);
      row[std::string(name) + "_stderr"] = number_or_null(s.stderr_);
    }
    cps.push_back(row);
  }
  j["checkpoints"] = cps;
  if (e.distributed) j["communication"] = communication_json(e, r);
  j["engine"] = {{"backend", "cpu"}, {"threads", options.threads}, {"block", options.block},
                 {"elapsed_s", r.elapsed_seconds}};
  return j;
}

std::string checkpoints_csv(const Experiment& e, const RunResult& r) {
  std::ostringstream out;
  out.precision(17);
  out << "t";
  for (const auto& [name, field] : kTraceFields) out << ',' << name << ',' << name << "_stderr";
  out << '\n';
  for (std::size_t k = 0; k < e.checkpoints.size(); ++k) {
    out << e.checkpoints[k];
    for (const auto& [name, field] : kTraceFields) {
      const MeanStderr s = mean_stderr(column(r, k, field));
      out << ',' << s.mean << ',' << s.stderr_;
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace signrate
