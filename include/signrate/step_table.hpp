#pragma once
// A run's per-step method coefficients, computed once on the host before the step loop (every
// engine reads the same table, so every backend uses the same bits). Only AdamW's bias
// corrections change with t; they come from Method::coeffs_at, whose powers are correctly rounded.
#include <cstdint>
#include <vector>

#include "signrate/method.hpp"

namespace signrate {

class MethodStepTable {
 public:
  MethodStepTable(const Method& method, std::uint32_t T) : base_(method.base) {
    if (method.kind != MethodKind::kAdamw) return;
    adam_step_.resize(T);
    adam_sqrt_bc2_.resize(T);
    for (std::uint32_t t = 1; t <= T; ++t) {
      const MethodCoeffs c = method.coeffs_at(t);
      adam_step_[t - 1] = c.adam_step;
      adam_sqrt_bc2_[t - 1] = c.adam_sqrt_bc2;
    }
  }
  // The coefficients of step t (1 <= t <= T).
  MethodCoeffs at(std::uint32_t t) const {
    MethodCoeffs c = base_;
    c.t = t;
    if (!adam_step_.empty()) c.adam_step = adam_step_[t - 1], c.adam_sqrt_bc2 = adam_sqrt_bc2_[t - 1];
    return c;
  }

 private:
  MethodCoeffs base_;
  std::vector<double> adam_step_, adam_sqrt_bc2_;  // [t - 1]
};

}  // namespace signrate
