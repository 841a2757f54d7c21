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
  Experiment e;
  e.spec = spec;
  e.problem = make_problem(spec.problem, spec.d);
  e.oracle = make_oracle(spec.oracle, spec.d, spec.batch);
  ParsedSpec schedule = spec.schedule;
  if (schedule.name.empty()) schedule.name = default_schedule(
      find_component(method_registry(), spec.method.name, "method").name);
  e.schedule = make_schedule(schedule, spec.d, spec.T);
  e.method = make_method(spec.method, e.schedule.eta, e.schedule.beta);
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
          {"checkpoints_per_decade", spec.checkpoints_per_decade}};
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

}  // namespace

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
                  {"final_gap", stat_json(r.final_gap)}};
  const auto list = [](const std::vector<double>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (double x : v) a.push_back(number_or_null(x));
    return a;
  };
  j["per_replicate"] = {{"M1", list(r.M1)}, {"M2", list(r.M2)}, {"final_grad_l1", list(r.final_grad_l1)},
                        {"final_grad_l2", list(r.final_grad_l2)}, {"final_gap", list(r.final_gap)}};
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
