#pragma once
// The host-device part of the single-node methods (docs/components.md, "Methods"): one step at one
// coordinate, shared by every engine, composed from the method's recipe (recipe.hpp) of stages
// (stages.hpp).
#include <cstdint>
#include <type_traits>

#include "signrate/hd.hpp"
#include "signrate/recipe.hpp"
#include "signrate/stages.hpp"

namespace signrate {

// The constants of one step. eta, beta, mu, b1, b2, eps, wd are fixed for a run; t and the
// AdamW bias corrections change every step (set by Method::coeffs_at).
struct MethodCoeffs {
  MethodKind kind = MethodKind::kSmm;
  double eta = 0.0;
  double beta = 1.0;                                  // weight of the new gradient (smm, signsgd-sim)
  double mu = 0.0;                                    // weight of the old momentum (sgdm, signum)
  double b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.0;  // adamw, lion
  std::uint32_t t = 1;                                // the step, from 1
  double adam_step = 0.0;                             // eta / (1 - b1^t)
  double adam_sqrt_bc2 = 1.0;                         // sqrt(1 - b2^t)
};

// One step at one coordinate: x, and the method's two state slots m and s, from the stochastic
// gradient g at step c.t, as the composition of its recipe's stages (stages.hpp). Error feedback
// is two-phase (it needs ||p||_1 over all coordinates): see ef_accumulate and ef_apply.
template <MethodKind K>
SIGNRATE_INLINE void method_step_k(const MethodCoeffs& c, double g, double& x, double& m, double& s) {
  constexpr Recipe r = recipe_of(K);
  static_assert(r.server == ServerRule::kNone, "a single-node method has no server");
  if constexpr (r.state == StateUpdate::kAdamMoments) {
    adamw_step(c.eta, c.b1, c.b2, c.eps, c.wd, c.adam_step, c.adam_sqrt_bc2, g, x, m, s);
  } else if constexpr (r.state == StateUpdate::kLion) {
    lion_step(c.eta, c.b1, c.b2, c.wd, g, x, m);
  } else if constexpr (r.state != StateUpdate::kErrorFeedback) {
    if constexpr (r.keeps_previous_x) s = x;  // x_{t-1} for the extrapolated variant
    x -= c.eta * encode<r.encoder>(update_state<r.state>(StateWeights{c.beta, c.mu, c.t}, g, m));
  }
}

SIGNRATE_INLINE void method_step(const MethodCoeffs& c, double g, double& x, double& m, double& s) {
  with_kind(c.kind, [&](auto kind) { method_step_k<decltype(kind)::value>(c, g, x, m, s); });
}

// Error feedback's phase 1 with the step's eta (stages.hpp).
SIGNRATE_INLINE double ef_accumulate(const MethodCoeffs& c, double g, double& e) {
  return ef_accumulate(c.eta, g, e);
}

}  // namespace signrate
