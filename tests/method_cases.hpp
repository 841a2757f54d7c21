#pragma once
// The methods every engine test runs, read from the tables (src/method.cpp,
// src/distributed_method.cpp) and their recipes (recipe.hpp), so a new row is tested by every
// suite that iterates them without editing it.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "signrate/canonical_sum.hpp"
#include "signrate/distributed.hpp"
#include "signrate/method.hpp"

namespace signrate::testing_methods {

// Every single-node method by name, and `extra` variants of some (parameters the bare name does
// not exercise).
inline std::vector<std::string> single_methods(const std::vector<std::string>& extra = {}) {
  std::vector<std::string> out;
  for (const ComponentInfo& info : method_registry()) out.push_back(info.name);
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// A distributed method's row, as the engines see it (R and mu given so that any row resolves).
inline DistMethod dist_method(const std::string& name) {
  return make_dist_method(ParsedSpec{name, {}}, 0.01, 0.5, 1.0);
}

// Every distributed method by name.
inline std::vector<std::string> dist_methods() {
  std::vector<std::string> out;
  for (const ComponentInfo& info : distributed_method_registry()) out.push_back(info.name);
  return out;
}

// The method's SPEC on a problem family: `R_suffix` (":R=...,clip=1") where its nodes send S_R.
inline std::string with_R(const std::string& name, const std::string& R_suffix) {
  return name + (needs_bound_R(recipe_of(dist_method(name).base.kind)) ? R_suffix : "");
}

// Whether the method runs on the family (a method for homogeneous nodes only does not run on a
// heterogeneous one).
inline bool runs_on(const std::string& name, bool heterogeneous) {
  return !(heterogeneous && dist_method(name).homogeneous_only);
}

// SSDM's message from its definition, for the tests' reference loops: R = ||m||_2 (the squares
// summed in the canonical order), then float32(flip R) S_R(m_i), with S_R(v, R, i) = +-1 the
// loop's own draw; added to sum[i] (the server's float32 sums, in node order). A zero state sends 0.
template <class StochasticSign>
void add_ssdm_message(const std::vector<double>& m, double flip, StochasticSign S_R,
                      std::vector<double>& sum) {
  std::vector<double> chunks(sum_chunks(m.size()));
  const double R = std::sqrt(canonical_sum(
      m.size(), [&](std::uint64_t i) { return m[i] * m[i]; }, chunks.data()));
  for (std::uint32_t i = 0; i < m.size(); ++i)
    sum[i] += R == 0 ? 0.0f : static_cast<float>(flip * R) * static_cast<float>(S_R(m[i], R, i));
}

}  // namespace signrate::testing_methods
