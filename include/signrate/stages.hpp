#pragma once
// The stages of the recipes (recipe.hpp) at one coordinate, as host-device functions: every
// method's step, single-node or at a node, is a composition of these, so an EMA is written once.
// Conventions (docs/theory.md): sign(0) = 0; kEmaNew's beta weighs the NEW gradient, kEmaOld's
// and kHeavyBall's mu the OLD momentum. The operations and their order are part of the numbers:
// the known-answer files pin them.
#include <cstdint>

#include "signrate/hd.hpp"
#include "signrate/hd_math.hpp"
#include "signrate/recipe.hpp"

namespace signrate {

// sign(0) = 0 (docs/theory.md, "Notation and measures"). NaN maps to 0 as well; the engine stops on
// non-finite values.
SIGNRATE_INLINE double sign(double v) { return static_cast<double>((v > 0.0) - (v < 0.0)); }

// m = (1-beta) m + beta g: an EMA whose beta weighs the new gradient.
SIGNRATE_INLINE double ema_new(double beta, double g, double& m) {
  m = (1.0 - beta) * m + beta * g;
  return m;
}

// m = mu m + (1-mu) g: Signum's EMA, whose mu weighs the old momentum.
SIGNRATE_INLINE double ema_old(double mu, double g, double& m) {
  m = mu * m + (1.0 - mu) * g;
  return m;
}

// The weights a state update reads at step t (from a method's or a node's coefficients).
struct StateWeights {
  double beta = 1.0, mu = 0.0;
  std::uint32_t t = 1;
};

// A state update that feeds an encoder: folds g into m and returns what is encoded (m, or g for
// a method without state). kAdamMoments, kLion and kErrorFeedback are whole steps (method_step.hpp).
template <StateUpdate S>
SIGNRATE_INLINE double update_state(const StateWeights& w, double g, double& m) {
  if constexpr (S == StateUpdate::kNone) {
    return g;
  } else if constexpr (S == StateUpdate::kEmaNew) {  // m_0 = 0
    return ema_new(w.beta, g, m);
  } else if constexpr (S == StateUpdate::kEmaNewFromG1) {
    // v_1 = g_1 is the t = 1 step with beta_1 = 1: 0 v + 1 g = g. Written as a choice of the
    // coefficient, not of the result, so the step has no branch and vectorizes.
    return ema_new(w.t == 1 ? 1.0 : w.beta, g, m);
  } else if constexpr (S == StateUpdate::kEmaOld) {  // m_0 = 0
    return ema_old(w.mu, g, m);
  } else if constexpr (S == StateUpdate::kHeavyBall) {  // PyTorch: buf_1 = 0 buf + g_1 = g_1
    m = (w.t == 1 ? 0.0 : w.mu) * m + g;
    return m;
  } else {
    static_assert(S == StateUpdate::kNone, "a whole-step state update has no separate encoder");
    return g;
  }
}

// The single-node encoders: what x moves along (times eta).
template <Encoder E>
SIGNRATE_INLINE double encode(double u) {
  if constexpr (E == Encoder::kValue) {
    return u;
  } else {
    static_assert(E == Encoder::kSign, "single-node methods move along a value or a sign");
    return sign(u);
  }
}

// AdamW (PyTorch's): decoupled decay, the two moments, then the bias-corrected step
// x -= (eta / (1 - b1^t)) m / (sqrt(s) / sqrt(1 - b2^t) + eps).
SIGNRATE_INLINE void adamw_step(double eta, double b1, double b2, double eps, double wd, double adam_step,
                                double adam_sqrt_bc2, double g, double& x, double& m, double& s) {
  x *= 1.0 - eta * wd;
  m = b1 * m + (1.0 - b1) * g;
  s = b2 * s + (1.0 - b2) * g * g;
  x -= adam_step * m / (hdm::sqrt(s) / adam_sqrt_bc2 + eps);
}

// Lion (Chen et al. 2023): move along the sign of an interpolation, with decoupled decay; then
// the EMA.
SIGNRATE_INLINE void lion_step(double eta, double b1, double b2, double wd, double g, double& x, double& m) {
  x -= eta * (sign(b1 * m + (1.0 - b1) * g) + wd * x);
  m = b2 * m + (1.0 - b2) * g;
}

// Error feedback (Karimireddy et al. 2019), phase 1: p = eta g + e, kept in e's slot. Returns |p|.
SIGNRATE_INLINE double ef_accumulate(double eta, double g, double& e) {
  e = eta * g + e;
  return e < 0 ? -e : e;
}

// Phase 2, with scale = ||p||_1 / d: D = scale sign(p); x -= D; e = p - D.
SIGNRATE_INLINE void ef_apply(double scale, double& x, double& e) {
  const double step = scale * sign(e);
  x -= step;
  e -= step;
}

// The gradient query point of the extrapolated signSGD-SIM variant: x_t + ((1-beta)/beta)(x_t - x_{t-1}).
SIGNRATE_INLINE double extrapolated_point(double beta, double x, double x_prev) {
  return x + ((1.0 - beta) / beta) * (x - x_prev);
}

}  // namespace signrate
