// The JSON of a run and the CSV of its checkpoints (the I/O layer).
#include "signrate/io/run_output.hpp"

#include <cmath>
#include <sstream>

#include "signrate/version.hpp"

namespace signrate {

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
  j["engine"] = {{"backend", r.backend}, {"threads", options.threads}, {"block", options.block},
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
