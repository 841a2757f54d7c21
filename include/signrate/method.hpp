#pragma once
// Single-node methods resolved against a schedule (host side); the step itself is in
// method_step.hpp.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/method_step.hpp"
#include "signrate/spec.hpp"

namespace signrate {

// A method with its hyper-parameters resolved against a schedule's eta and beta.
class Method {
 public:
  std::string name;
  MethodKind kind = MethodKind::kSmm;
  MethodCoeffs base;
  bool extrapolate = false;  // signsgd-sim:extrapolate=1
  nlohmann::json resolved;

  bool two_phase() const { return signrate::two_phase(recipe_at(kind)); }
  MethodCoeffs coeffs_at(std::uint32_t t) const;
  // Computes AdamW's bias corrections for t = 1..T once (a correctly rounded pow costs microseconds,
  // too much for every step of every replicate); coeffs_at gives the same bits with or without it.
  void tabulate(std::uint32_t T);

  // AdamW: from these steps on, 1 - b1^t and 1 - b2^t round to 1 (set by make_method).
  std::uint32_t b1_settled_from = 1, b2_settled_from = 1;

 private:
  struct BiasCorrection {
    double adam_step, adam_sqrt_bc2;
  };
  BiasCorrection bias_correction(std::uint32_t t) const;
  std::shared_ptr<const std::vector<BiasCorrection>> bias_table_;  // entry t-1 for step t
};

const std::vector<ComponentInfo>& method_registry();
// The schedule a method uses when none is given (theorem1, or theorem2 for signsgd-sim).
std::string default_schedule(const std::string& method_name);
// Resolves a method spec; eta and beta come from the schedule (docs/theory.md convention for beta).
Method make_method(const ParsedSpec& spec, double eta, double beta);

}  // namespace signrate
