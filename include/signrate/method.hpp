#pragma once
// Single-node methods resolved against a schedule (host side); the step itself is in
// method_step.hpp.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

  bool two_phase() const { return kind == MethodKind::kEfSignSgd; }
  MethodCoeffs coeffs_at(std::uint32_t t) const;
};

const std::vector<ComponentInfo>& method_registry();
// The schedule a method uses when none is given (theorem1, or theorem2 for signsgd-sim).
std::string default_schedule(const std::string& method_name);
// Resolves a method spec; eta and beta come from the schedule (THEORY.md convention for beta).
Method make_method(const ParsedSpec& spec, double eta, double beta);

}  // namespace signrate
