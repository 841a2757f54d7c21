// The JSON of a run and the CSV of its checkpoints (the I/O layer).
#include "signrate/io/run_output.hpp"

#include <cmath>
#include <sstream>

#include "signrate/io/sweep_io.hpp"
#include "signrate/run_summary.hpp"
#include "signrate/version.hpp"

namespace signrate {

namespace {

// The replicates' values of one checkpoint quantity.
std::vector<double> column(const RunResult& r, std::size_t k, std::vector<double> RunResult::Trace::*field) {
  std::vector<double> out;
  out.reserve(r.traces.size());
  for (const auto& tr : r.traces) out.push_back((tr.*field)[k]);
  return out;
}

const std::vector<std::pair<const char*, std::vector<double> RunResult::Trace::*>> kTraceFields = {
    {"M1", &RunResult::Trace::M1},
    {"M2", &RunResult::Trace::M2},
    {"grad_l1", &RunResult::Trace::grad_l1},
    {"grad_l2", &RunResult::Trace::grad_l2},
    {"gap", &RunResult::Trace::gap}};

}  // namespace

nlohmann::json communication_json(const Experiment& e, const RunResult& r) {
  return communication_json(communication(e, r));
}

nlohmann::json run_json(const Experiment& e, const RunResult& r, const EngineOptions& options) {
  const RunSummary summary = summarize(e, r);
  nlohmann::json j = run_summary_json(summary);
  j["version"] = kVersion;
  j["seed"] = e.spec.seed;
  j["spec_text"] = {{"problem", spec_text(summary.spec.problem)},
                    {"oracle", spec_text(summary.spec.oracle)},
                    {"method", spec_text(summary.spec.method)},
                    {"schedule", spec_text(summary.spec.schedule)}};
  j["engine"] = {{"backend", r.backend},
                 {"threads", r.threads},
                 {"threads_requested", options.threads},
                 {"block", options.block},
                 {"elapsed_s", r.elapsed_seconds}};
  if (!r.device_name.empty()) {
    j["engine"]["device"] = options.device;
    j["engine"]["device_name"] = r.device_name;
    j["engine"]["compute_capability"] = r.compute_capability;
  }
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
