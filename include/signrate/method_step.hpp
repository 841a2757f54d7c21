#pragma once
// The host-device part of the single-node methods (the README's "Methods" table): one step at one
// coordinate, shared by every engine. Conventions (docs/theory.md): sign(0) = 0; in `smm` and
// `signsgd-sim` beta weighs the NEW gradient; Signum's and SGDM's mu weighs the OLD momentum.
#include <cstdint>
#include <type_traits>

#include "signrate/hd.hpp"
#include "signrate/hd_math.hpp"

namespace signrate {

enum class MethodKind : std::uint8_t {
  kSgd,
  kSgdm,
  kAdamw,
  kSignSgd,
  kSignum,
  kSmm,
  kSignSgdSim,
  kEfSignSgd,
  kLion
};

// sign(0) = 0 (docs/theory.md, "Notation and measures"). NaN maps to 0 as well; the engine stops on
// non-finite values.
SIGNRATE_INLINE double sign(double v) { return static_cast<double>((v > 0.0) - (v < 0.0)); }

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

template <MethodKind K>
SIGNRATE_INLINE void method_step_k(const MethodCoeffs& c, double g, double& x, double& m, double& s) {
  if constexpr (K == MethodKind::kSgd) {
    x -= c.eta * g;
  } else if constexpr (K == MethodKind::kSgdm) {  // PyTorch SGD(momentum=mu, dampening=0): buf_1 = g_1
    const double mu = (c.t == 1) ? 0.0 : c.mu;    // buf_1 = 0 buf + g_1 = g_1
    m = mu * m + g;
    x -= c.eta * m;
  } else if constexpr (K ==
                       MethodKind::kAdamw) {  // PyTorch AdamW: decoupled decay, then the bias-corrected step
    x *= 1.0 - c.eta * c.wd;
    m = c.b1 * m + (1.0 - c.b1) * g;
    s = c.b2 * s + (1.0 - c.b2) * g * g;
    x -= c.adam_step * m / (hdm::sqrt(s) / c.adam_sqrt_bc2 + c.eps);
  } else if constexpr (K == MethodKind::kSignSgd) {
    x -= c.eta * sign(g);
  } else if constexpr (K == MethodKind::kSignum) {  // m_0 = 0
    m = c.mu * m + (1.0 - c.mu) * g;
    x -= c.eta * sign(m);
  } else if constexpr (K ==
                       MethodKind::kSmm) {  // Algorithm 1: v_1 = g_1, v_t = (1 - beta) v_{t-1} + beta g_t
    // v_1 = g_1 is the t = 1 step with beta_1 = 1: 0 v + 1 g = g. Written as a choice of the
    // coefficient, not of the result, so the step has no branch and vectorizes.
    const double beta = (c.t == 1) ? 1.0 : c.beta;
    m = (1.0 - beta) * m + beta * g;
    x -= c.eta * sign(m);
  } else if constexpr (K ==
                       MethodKind::kSignSgdSim) {  // m_0 = 0; s keeps x_{t-1} for the extrapolated variant
    m = (1.0 - c.beta) * m + c.beta * g;
    s = x;
    x -= c.eta * sign(m);
  } else if constexpr (K == MethodKind::kLion) {  // Chen et al. 2023: interpolate, sign, decay; then update m
    x -= c.eta * (sign(c.b1 * m + (1.0 - c.b1) * g) + c.wd * x);
    m = c.b2 * m + (1.0 - c.b2) * g;
  }
  // kEfSignSgd is two-phase: ef_accumulate and ef_apply below.
}

// Calls f(std::integral_constant<MethodKind, kind>{}): engines instantiate their loop once per
// method, so the per-coordinate step has no branch on the method (and vectorizes).
#if defined(__CUDACC__)
#pragma nv_exec_check_disable  // f may be a host lambda (the engines' dispatch)
#endif
template <class F>
SIGNRATE_INLINE void with_method_kind(MethodKind kind, F&& f) {
  switch (kind) {
    case MethodKind::kSgd:
      f(std::integral_constant<MethodKind, MethodKind::kSgd>{});
      break;
    case MethodKind::kSgdm:
      f(std::integral_constant<MethodKind, MethodKind::kSgdm>{});
      break;
    case MethodKind::kAdamw:
      f(std::integral_constant<MethodKind, MethodKind::kAdamw>{});
      break;
    case MethodKind::kSignSgd:
      f(std::integral_constant<MethodKind, MethodKind::kSignSgd>{});
      break;
    case MethodKind::kSignum:
      f(std::integral_constant<MethodKind, MethodKind::kSignum>{});
      break;
    case MethodKind::kSmm:
      f(std::integral_constant<MethodKind, MethodKind::kSmm>{});
      break;
    case MethodKind::kSignSgdSim:
      f(std::integral_constant<MethodKind, MethodKind::kSignSgdSim>{});
      break;
    case MethodKind::kEfSignSgd:
      f(std::integral_constant<MethodKind, MethodKind::kEfSignSgd>{});
      break;
    case MethodKind::kLion:
      f(std::integral_constant<MethodKind, MethodKind::kLion>{});
      break;
  }
}

// One step at one coordinate: x, and the method's two state slots m and s, from the stochastic
// gradient g at step c.t. Error feedback is two-phase (it needs ||p||_1 over all coordinates):
// see ef_accumulate and ef_apply.
SIGNRATE_INLINE void method_step(const MethodCoeffs& c, double g, double& x, double& m, double& s) {
  with_method_kind(c.kind, [&](auto kind) { method_step_k<decltype(kind)::value>(c, g, x, m, s); });
}

// Error feedback (Karimireddy et al. 2019), phase 1: p = eta g + e, kept in e's slot. Returns |p|.
SIGNRATE_INLINE double ef_accumulate(const MethodCoeffs& c, double g, double& e) {
  e = c.eta * g + e;
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
