#pragma once
// What the CUDA engine's threads compute at one coordinate of one step, as host-device functions
// built from the CPU engine's own per-coordinate and tile functions (method_step.hpp,
// distributed_step.hpp, oracle_law.hpp), so a GPU step is the CPU step. The CPU tests replay the
// kernels with these functions (tests/test_gpu_algorithm.cpp) and compare bits with the CPU engine.
#include <cstdint>

#include "signrate/distributed_step.hpp"
#include "signrate/hd.hpp"
#include "signrate/method_step.hpp"
#include "signrate/oracle_law.hpp"
#include "signrate/problem.hpp"

namespace signrate {

// What a single-node step leaves at coordinate i for the block's sums.
struct SingleTerms {
  double grad = 0.0;   // d_i f(x_t), for ||grad f(x_t)||_1 and _2
  double ef = 0.0;     // EF-signSGD: |p_i| (phase 1); ef_apply follows once ||p||_1 is known
  double value = 0.0;  // f_i(x_t), at checkpoints only
};

// Everything the single-node engine does at coordinate i of step t on a separable problem
// (src/cpu/engine.cpp's fast and general paths, one coordinate): f_i and d_i f at x_t, the noise,
// the gradient at the extrapolated point for signSGD-SIM's extrapolating variant, the update.
template <MethodKind K>
SIGNRATE_INLINE SingleTerms single_coordinate_step(const MethodCoeffs& c, const SeparableView& sv,
                                                   const OracleView& ov, RngKey key, std::uint32_t t,
                                                   std::uint32_t i, bool extrapolate, bool checkpoint,
                                                   double& x, double& m, double& s) {
  SingleTerms out;
  if (checkpoint) out.value = separable_value(sv, x, i);
  out.grad = separable_grad(sv, x, i);
  const double gq = extrapolate ? separable_grad(sv, extrapolated_point(c.beta, x, s), i) : out.grad;
  const double g = gq + oracle_noise(ov, key, t, i);
  if constexpr (two_phase(recipe_of(K))) {
    out.ef = ef_accumulate(c, g, m);
  } else {
    method_step_k<K>(c, g, x, m, s);
  }
  return out;
}

// A replicate's distributed setting as a kernel sees it: per node its noise and S_R keys and (for
// a heterogeneous family) its centre; the server's key.
struct DistView {
  SeparableView sv;
  OracleView ov;
  const RngKey* noise_keys = nullptr;  // [node]
  const RngKey* sign_keys = nullptr;   // [node]
  RngKey server_key;
  const double* centers = nullptr;  // [node]; nullptr: every node has f
  std::uint32_t nodes = 1, byzantine = 0;
};

// What a distributed step leaves at coordinate i.
struct DistTerms {
  double grad = 0.0;   // d_i f(x_t) (a heterogeneous family's node mean)
  double value = 0.0;  // f_i(x_t), at checkpoints only
  std::uint32_t clipped = 0, zeros_up = 0, ties_down = 0;
  bool bad = false;  // some node's state is outside S_R's domain [-R, R] (or NaN)
};

// Everything the in-process n-node engine does at coordinate i of step t
// (src/cpu/distributed_engine.cpp, one coordinate): each node's gradient, noise, state and message
// in node order (the exact integer vote, or the float sum), the server's reply, the update of x.
// Node k's state is m[k * stride]; the SGDM server's buffer is *buf.
template <DistKind K>
SIGNRATE_INLINE DistTerms dist_coordinate_step(const DistCoeffs& c, const DistView& v, std::uint32_t t,
                                               std::uint32_t i, bool checkpoint, double& x, double* m,
                                               std::uint64_t stride, double* buf) {
  DistTerms out;
  const bool hetero = v.centers != nullptr;
  if (checkpoint) {
    out.value = hetero ? heterogeneous_value(v.sv, v.centers, v.nodes, x, i) : separable_value(v.sv, x, i);
  }
  const double g_true = hetero ? 0.0 : separable_grad(v.sv, x, i);
  double grad_sum = 0.0, value_sum = 0.0;
  std::int32_t vote = 0;
  for (std::uint32_t k = 0; k < v.nodes; ++k) {
    double g_node = g_true;
    if (hetero) {
      g_node = separable_grad(v.sv, x - v.centers[k], i);
      grad_sum += g_node;
    }
    const double noise = oracle_noise(v.ov, v.noise_keys[k], t, i);
    const bool byzantine = k < v.byzantine;
    if constexpr (sends_signs(recipe_of(K))) {
      std::int8_t msg = 0;
      double encoded = 0.0;
      const NodeTileStatus st = node_sign_tile<K>(c, v.sign_keys[k], t, i, 1, &g_node, &noise, m + k * stride,
                                                  byzantine, &msg, &encoded);
      out.clipped += static_cast<std::uint32_t>(st.clipped);
      out.bad = out.bad || st.bad != NodeTileStatus{}.bad;
      vote += msg;
      out.zeros_up += msg == 0;
    } else {
      float msg = 0.0f;
      node_value_tile(1, &g_node, &noise, byzantine, &msg);
      value_sum += static_cast<double>(msg);
    }
  }
  out.grad = hetero ? grad_sum / static_cast<double>(v.nodes) : g_true;
  if constexpr (sends_signs(recipe_of(K))) {
    std::int8_t down = 0;
    out.ties_down =
        static_cast<std::uint32_t>(server_sign_tile(K, &vote, v.nodes, v.server_key, t, i, 1, &down));
    apply_down_tile(c.eta, &down, 1, &x);
  } else {
    float down = 0.0f;
    server_value_tile(c, v.nodes, &value_sum, 1, buf, &down);
    apply_down_tile(c.eta, &down, 1, &x);
  }
  return out;
}

}  // namespace signrate
