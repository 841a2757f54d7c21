#include "signrate/sweep.hpp"

#include <sstream>

#include "signrate/error.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/version.hpp"

namespace signrate {

namespace {

std::uint32_t grid_value(const std::string& item, const std::string& what, const std::string& text) {
  try {
    return static_cast<std::uint32_t>(parse_count(what, item, 1, 0xffffffffULL));
  } catch (const SpecError&) {
    throw SpecError(what + " grid '" + text + "': '" + item +
                    "' is not allowed; allowed: integers >= 1 as a list a,b,c or a range lo:hi:xF or lo:hi:+S");
  }
}

}  // namespace

std::vector<std::uint32_t> parse_grid(const std::string& text, const std::string& what) {
  std::vector<std::uint32_t> out;
  if (text.find(':') != std::string::npos) {
    std::stringstream ss(text);
    std::string lo_s, hi_s, step;
    std::getline(ss, lo_s, ':');
    std::getline(ss, hi_s, ':');
    std::getline(ss, step);
    const std::uint64_t lo = grid_value(lo_s, what, text), hi = grid_value(hi_s, what, text);
    const auto bad = [&] {
      return SpecError(what + " grid '" + text + "': allowed: lo:hi:xF (factor F >= 2) or lo:hi:+S (step S >= 1), lo <= hi");
    };
    if (lo > hi || step.size() < 2 || (step[0] != 'x' && step[0] != '+')) throw bad();
    const std::uint64_t s = grid_value(step.substr(1), what, text);
    if (step[0] == 'x' && s < 2) throw bad();
    for (std::uint64_t v = lo; v <= hi; v = step[0] == 'x' ? v * s : v + s) out.push_back(static_cast<std::uint32_t>(v));
  } else {
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(grid_value(item, what, text));
  }
  if (out.empty()) throw SpecError(what + " grid '" + text + "' is empty");
  return out;
}

std::uint64_t point_seed(std::uint64_t sweep_seed, std::uint32_t k) {
  const RngKey key = derive_key(sweep_seed, k, 0, Stream::kSweep);
  return (static_cast<std::uint64_t>(key.k1) << 32) | key.k0;
}

nlohmann::json run_sweep(const SweepSpec& sweep, const EngineOptions& engine,
                         const std::function<void(std::size_t, std::size_t)>& progress) {
  // Validate every point before running any, so bad input fails at once.
  std::vector<Experiment> experiments;
  for (std::uint32_t d : sweep.d)
    for (std::uint32_t T : sweep.T) {
      RunSpec spec = sweep.base;
      spec.d = d;
      spec.T = T;
      spec.seed = point_seed(sweep.base.seed, static_cast<std::uint32_t>(experiments.size()));
      experiments.push_back(make_experiment(spec));
    }
  nlohmann::json j;
  j["version"] = kVersion;
  j["kind"] = "sweep";
  j["seed"] = sweep.base.seed;
  nlohmann::json base = experiments.front().resolved_spec();
  base.erase("d");
  base.erase("T");
  base["seed"] = sweep.base.seed;
  j["spec"] = base;
  j["grid"] = {{"d", sweep.d}, {"T", sweep.T}};
  j["points"] = nlohmann::json::array();
  for (std::size_t k = 0; k < experiments.size(); ++k) {
    const Experiment& e = experiments[k];
    nlohmann::json r = run_json(e, run_cpu(e, engine), engine);
    nlohmann::json point = {{"d", e.spec.d}, {"T", e.spec.T}, {"seed", e.spec.seed}};
    for (const char* key : {"spec", "schedule", "metrics", "per_replicate", "checkpoints", "problem_declared",
                            "oracle_declared"})
      point[key] = r[key];
    j["points"].push_back(point);
    if (progress) progress(k + 1, experiments.size());
  }
  return j;
}

}  // namespace signrate
