#pragma once
// Noisy-gradient oracles: g_i = d_i f(x) + xi_i with xi_i = scale_i * (mean of `batch` standard
// draws of a noise law). Each law's sampler is host-device code in signrate/oracles/<law>.hpp; this
// header holds the descriptor the engines pass around and the host-side declarations
// (moments and shape, docs/theory.md "Assumptions" 4-6) that tests and bounds read.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/oracle_law.hpp"
#include "signrate/spec.hpp"

namespace signrate {

// The shape of a law, as docs/theory.md's assumptions ask (Assumption 6 and the heavy tails).
struct NoiseTraits {
  bool symmetric = true;
  bool unimodal = true;
  bool bounded = false;
  double bound = 0.0;  // sup |standard draw| when bounded
  bool finite_variance = true;
  bool finite_mean = true;  // false: the noise has no mean, so E g = grad f (unbiasedness) fails
  bool heavy_tailed = false;
};

// A constructed oracle (host side).
class Oracle {
 public:
  NoiseLaw law;
  NoiseTraits traits;
  std::vector<double> scale;  // per coordinate, for one draw (before batch averaging)
  std::uint32_t batch = 1;
  nlohmann::json resolved;  // {"name": ..., every parameter}

  OracleView view() const { return OracleView{law, scale.data(), batch}; }
  std::size_t dim() const { return scale.size(); }

  // Per-step noise standard deviation sigma_i = scale_i / sqrt(batch) (Assumption 5); only
  // meaningful when traits.finite_variance.
  std::vector<double> sigma() const;
  double sigma_l1() const;  // ||sigma||_1 (Assumption 5)
  double sigma_l2() const;  // ||sigma||_2 = sigma of Assumption 4 (E||xi||^2 = sigma^2)
  // Largest |xi_i| over all coordinates when bounded (for Assumption 9), else +inf.
  double noise_bound() const;

  // Declared values as JSON: variance (total, per coordinate summary), shape flags.
  nlohmann::json declared() const;
};

// Every oracle name with its parameters, for --help and error messages.
const std::vector<ComponentInfo>& oracle_registry();
// Builds the oracle a spec names for dimension d and minibatch size `batch`.
Oracle make_oracle(const ParsedSpec& spec, std::uint32_t d, std::uint32_t batch);

}  // namespace signrate
