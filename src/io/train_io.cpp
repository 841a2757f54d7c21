#include "signrate/io/train_io.hpp"

#include <cmath>

#include "json_read.hpp"
#include "signrate/spec.hpp"

namespace signrate {

bool is_train_json(const nlohmann::json& j) {
  return j.is_object() && j.contains("spec") && j["spec"].is_object() && j["spec"].contains("model") &&
         j["spec"].contains("optimizer");
}

namespace {

std::string spec_of(const io::Reader& r) {
  if (!r.json().is_object() || !r.json().contains("name")) r.fail("is not a resolved spec");
  (void)r["name"].text();                  // a string, or a SpecError naming the path
  for (const std::string& key : r.keys())  // a list holds numbers only
    for (std::size_t k = 0; r[key].json().is_array() && k < r[key].size(); ++k)
      if (!r[key].at(k).json().is_number()) r[key].at(k).fail("is not a number");
  return spec_text(r.json());
}

analysis::TrainingCurve curve_of(const io::Reader& doc) {
  analysis::TrainingCurve c;
  io::Reader run = doc;
  if (doc.has("points")) {  // a grid: its best point
    const std::uint64_t best = doc["best"]["point"].u64();
    run = doc["points"].at(best);
    c.note = "the best of " + std::to_string(doc["points"].size()) + " grid points by final training loss";
  }
  c.label = spec_of(run.has("optimizer") ? run["optimizer"] : doc["spec"]["optimizer"]);
  if (doc["spec"].has("workers"))  // n workers (signrate train --workers): how many, and their split
    c.label += ", " + std::to_string(doc["spec"]["workers"].u64()) + " workers, " +
               spec_of(doc["spec"]["split"]) + " split";
  std::vector<io::Reader> logs;
  if (run.has("runs")) {
    if (run["runs"].size() == 0) run["runs"].fail("is empty; allowed: at least one run");
    for (std::size_t k = 0; k < run["runs"].size(); ++k) logs.push_back(run["runs"].at(k)["log"]);
  } else {
    logs.push_back(run["log"]);
  }
  c.seeds = logs.size();
  const std::size_t intervals = logs.front().size();
  if (intervals == 0) logs.front().fail("is empty; allowed: at least one logged interval");
  for (const io::Reader& log : logs)
    if (log.size() != intervals)
      log.fail("has " + std::to_string(log.size()) + " intervals, the first seed's " +
               std::to_string(intervals));
  for (std::size_t k = 0; k < intervals; ++k) {
    const double epoch = logs.front().at(k)["epoch"].real();
    for (const io::Reader& log : logs)
      if (log.at(k)["epoch"].real() != epoch) log.at(k)["epoch"].fail("differs from the first seed's");
    c.epoch.push_back(epoch);
  }
  const double n = static_cast<double>(logs.size());
  for (const auto& m : analysis::training_measures()) {
    auto& mean = c.mean[m.key];
    auto& sd = c.stddev[m.key];
    for (std::size_t k = 0; k < intervals; ++k) {
      double sum = 0, sq = 0;
      for (const io::Reader& log : logs) sum += log.at(k)[m.key].real();
      const double mk = sum / n;
      for (const io::Reader& log : logs) sq += std::pow(log.at(k)[m.key].real() - mk, 2);
      mean.push_back(mk);
      sd.push_back(logs.size() > 1 ? std::sqrt(sq / (n - 1)) : 0.0);
    }
  }
  for (const std::string& key : run["final"].keys())
    if (run["final"][key].json().is_number()) c.final_mean[key] = run["final"][key].real();
  if (run.has("final_std"))
    for (const std::string& key : run["final_std"].keys())
      if (run["final_std"][key].json().is_number()) c.final_std[key] = run["final_std"][key].real();
  if (doc.has("command")) c.command = doc["command"].text();
  return c;
}

}  // namespace

analysis::TrainingReport training_report_from_json(const std::vector<nlohmann::json>& inputs,
                                                   const std::vector<std::string>& names) {
  analysis::TrainingReport report;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const io::Reader doc(inputs[k], names.at(k));
    if (!is_train_json(inputs[k]))
      doc.fail("is not a JSON of signrate train (its spec names no model and optimizer)");
    if (k == 0) {
      report.model = spec_of(doc["spec"]["model"]);
      report.data = spec_of(doc["spec"]["data"]);
      if (doc.has("version")) report.version = doc["version"].text();
    }
    report.curves.push_back(curve_of(doc));
  }
  return report;
}

}  // namespace signrate
