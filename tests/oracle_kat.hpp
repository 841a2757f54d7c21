#pragma once
// The known answers of the noise samplers (tests/data/oracle_kat.json): the case list and the
// file's content, shared by the test that reads the file (tests/test_oracles.cpp) and the tool
// that writes it (tests/tools/write_oracle_kat.cpp). The test never writes the file, so a run
// cannot pass by rewriting what it checks.
//
// To regenerate after an intended change of a sampler (the diff of the file is then part of the
// change, for review):
//   cmake --build build --target signrate_write_kat && build/tests/signrate_write_kat
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/hd_math.hpp"
#include "signrate/oracle.hpp"
#include "signrate/oracle_law.hpp"
#include "signrate/rng.hpp"
#include "signrate/spec.hpp"

namespace signrate::kat {

// The draws are standard_draw(law, derive_key(kSeed, kReplicate, 0, kOracleNoise), t, i, b).
constexpr std::uint64_t kSeed = 42;
constexpr std::uint32_t kReplicate = 3;

inline RngKey key() { return derive_key(kSeed, kReplicate, 0, Stream::kOracleNoise); }

// The laws of the file, one or more per registry name.
inline const std::vector<std::string>& specs() {
  static const std::vector<std::string> list = {"gaussian",        "separable-gaussian", "student-t:nu=3",
                                                "student-t:nu=1",  "lomax:alpha=3",      "lomax:alpha=1.5",
                                                "two-point:p=0.2", "lognormal:s=1",      "bimodal:m=0.95",
                                                "uniform",         "rademacher"};
  return list;
}

struct Counter {
  std::uint32_t t, i, b;
};

// The counters drawn for every law: small, mixed, and the largest words.
inline const std::vector<Counter>& counters() {
  static const std::vector<Counter> list = {
      {0, 0, 0}, {1, 0, 0},      {0, 1, 0},       {0, 0, 1},
      {7, 3, 2}, {1000, 999, 0}, {123456, 42, 3}, {0xffffffffu, 0xfffffffeu, 7}};
  return list;
}

inline NoiseLaw law_of(const std::string& spec) { return make_oracle(parse_spec(spec, "oracle"), 1, 1).law; }

// The file's content as the samplers compute it now: per law its shape, the parameter and unit
// as IEEE 754 bit patterns, and the draws as bit patterns (decimal strings) with their values.
inline nlohmann::json make_file() {
  const RngKey k = key();
  nlohmann::json j;
  j["description"] =
      "Known answers of signrate's noise samplers: standard_draw(law, derive_key(seed, replicate, "
      "node, stream), t, i, b); bits are the IEEE 754 uint64 patterns in decimal. Written by "
      "tests/tools/write_oracle_kat.cpp (target signrate_write_kat); checked by tests/test_oracles.cpp.";
  j["seed"] = kSeed;
  j["replicate"] = kReplicate;
  j["node"] = 0;
  j["stream"] = static_cast<std::uint32_t>(Stream::kOracleNoise);
  j["key"] = {k.k0, k.k1};
  j["laws"] = nlohmann::json::array();
  for (const auto& spec : specs()) {
    const NoiseLaw law = law_of(spec);
    nlohmann::json entry;
    entry["spec"] = spec;
    entry["shape"] = static_cast<int>(law.shape);
    entry["param_bits"] = std::to_string(hdm::bits_of(law.param));
    entry["unit_bits"] = std::to_string(hdm::bits_of(law.unit));
    entry["draws"] = nlohmann::json::array();
    for (const auto& c : counters()) {
      const double v = standard_draw(law, k, c.t, c.i, c.b);
      char text[40];
      std::snprintf(text, sizeof text, "%.17g", v);
      entry["draws"].push_back(
          {{"t", c.t}, {"i", c.i}, {"b", c.b}, {"bits", std::to_string(hdm::bits_of(v))}, {"value", text}});
    }
    j["laws"].push_back(entry);
  }
  return j;
}

}  // namespace signrate::kat
