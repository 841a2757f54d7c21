#pragma once
// n nodes with a server (docs/theory.md "MVSM", docs/components.md's "Distributed methods" table), host side:
// the methods' registry and DistMethod (core layer). The three parts every transport runs each step
// (NodeWorker, Server, apply_down) are in distributed_nodes.hpp (engine layer).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/distributed_step.hpp"
#include "signrate/spec.hpp"

namespace signrate {

// A distributed method resolved against a schedule (eta, beta) and a bound R for S_R.
struct DistMethod {
  std::string name;
  DistCoeffs base;
  bool has_R = false;    // the method uses S_R
  std::string R_source;  // "user", or "problem G + oracle bound" (Assumption 9)
  nlohmann::json resolved;

  DistCoeffs coeffs_at(std::uint32_t t) const {
    DistCoeffs c = base;
    c.t = t;
    return c;
  }
  bool homogeneous_only = false;  // the method's analysis needs every node to have f (its table row)

  // A value is sent as float32; a sign, S_R or a normalized sign as one bit.
  std::uint32_t bits_up() const { return recipe_at(base.kind).encoder == Encoder::kValue ? 32 : 1; }
  std::uint32_t bits_down() const { return sends_signs(base.kind) ? 1 : 32; }
  // What a node sends once a step besides its coordinates: a normalized sign's scale, as float32.
  std::uint32_t scale_bytes_up() const { return encodes_whole_state(recipe_at(base.kind)) ? 4 : 0; }
};

const std::vector<ComponentInfo>& distributed_method_registry();
bool is_distributed_method(const std::string& name);
// The schedule a distributed method uses when none is given (its table row); SpecError otherwise.
std::string default_dist_schedule(const std::string& name);
// stochastic_bound: sup |g_i| of a stochastic gradient (the problem's G plus the oracle's noise
// bound; +inf when either is unbounded), the default R of the S_R methods.
DistMethod make_dist_method(const ParsedSpec& spec, double eta, double beta, double stochastic_bound);

}  // namespace signrate
