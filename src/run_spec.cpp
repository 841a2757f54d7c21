#include "signrate/run_spec.hpp"

#include <limits>
#include <stdexcept>

#include "signrate/error.hpp"

namespace signrate {

std::uint64_t parse_count(const std::string& key, const nlohmann::json& value, std::uint64_t lo,
                          std::uint64_t hi) {
  const std::string allowed = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  bool ok = false;
  std::uint64_t v = 0;
  if (value.is_number_unsigned()) {
    v = value.get<std::uint64_t>();
    ok = true;
  } else if (value.is_string() && !text.empty() &&
             text.find_first_not_of("0123456789") == std::string::npos && text.size() <= 20) {
    try {
      v = std::stoull(text);
      ok = true;
    } catch (const std::out_of_range&) {
      ok = false;
    }
  }
  if (!ok || v < lo || v > hi) throw SpecError(key + "=" + text + " is not allowed; allowed: " + allowed);
  return v;
}

RunSpec run_spec_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw SpecError("a run spec must be a JSON object");
  RunSpec spec;
  constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
  for (const auto& [key, value] : j.items()) {
    if (key == "problem")
      spec.problem = parse_spec_json(value, "problem");
    else if (key == "oracle")
      spec.oracle = parse_spec_json(value, "oracle");
    else if (key == "method")
      spec.method = parse_spec_json(value, "method");
    else if (key == "schedule")
      spec.schedule = parse_spec_json(value, "schedule");
    else if (key == "d")
      spec.d = static_cast<std::uint32_t>(parse_count("d", value, 1, kMax32));
    else if (key == "T")
      spec.T = static_cast<std::uint32_t>(parse_count("T", value, 1, kMax32 - 1));
    else if (key == "replicates")
      spec.replicates = static_cast<std::uint32_t>(parse_count("replicates", value, 1, kMax32));
    else if (key == "seed")
      spec.seed = parse_count("seed", value, 0, std::numeric_limits<std::uint64_t>::max());
    else if (key == "batch")
      spec.batch = static_cast<std::uint32_t>(parse_count("batch", value, 1, kMax32));
    else if (key == "checkpoints_per_decade")
      spec.checkpoints_per_decade =
          static_cast<std::uint32_t>(parse_count("checkpoints_per_decade", value, 1, 1000));
    else if (key == "nodes")
      spec.nodes = static_cast<std::uint32_t>(parse_count("nodes", value, 1, 1u << 20));
    else if (key == "byzantine")
      spec.byzantine = static_cast<std::uint32_t>(parse_count("byzantine", value, 0, 1u << 20));
    else
      throw SpecError("unknown spec key '" + key +
                      "'; allowed: problem, oracle, method, schedule, d, T, replicates, seed, batch, "
                      "checkpoints_per_decade, nodes, byzantine");
  }
  return spec;
}

}  // namespace signrate
