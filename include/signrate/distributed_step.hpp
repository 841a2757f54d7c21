#pragma once
// The host-device part of the distributed methods (ALGORITHMS.md, "Distributed"; THEORY.md,
// "MVSM"): what node j sends for one coordinate, and what the server sends back. Shared by the
// in-process simulation (src/cpu/distributed_engine.cpp) and the MPI transport (src/mpi/), so
// both compute every message with the same operations.
//
// Conventions: sign(0) = 0; the vote sum_j s_j is an exact integer; a tie sends 0 down. In
// `mvsm-v1`/`mvsm-v2` beta weighs the NEW gradient and v_1 = g_1 (Algorithm 2); `signum-mv` and
// `mv-signsgd-sim` keep a Signum-type EMA with m_0 = 0.
#include <cstdint>

#include "signrate/hd.hpp"
#include "signrate/method_step.hpp"
#include "signrate/rng.hpp"
#include "signrate/unbiased_sign.hpp"

namespace signrate {

enum class DistKind : std::uint8_t {
  kSgdDist,         // node sends g (float32); server sends the mean
  kSgdmDist,        // node sends g (float32); server keeps buf = mu buf + mean, sends buf
  kSignSgdMv,       // sign(g) up, sign(sum) down
  kSignumMv,        // sign(m) up (m = mu m + (1-mu) g, m_0 = 0), sign(sum) down
  kStoSignSgd,      // S_R(g) up, sign(sum) down (Jin et al. 2021; their B is R here)
  kMvSignSgdSim,    // sign(m) up (m = (1-beta) m + beta g, m_0 = 0), sign(sum) down (Sun et al. 2023)
  kMvStoSignSgdSim, // S_R(m) up, same m, sign(sum) down
  kMvsmV1,          // S_R(v) up (v_1 = g_1, v = (1-beta) v + beta g), sign(sum) down (Algorithm 2, v1)
  kMvsmV2,          // S_R(v) up, S_1(sum / n) down (Algorithm 2, v2)
};

// True when the method sends one bit (a sign) each way; false for the full-precision references.
SIGNRATE_INLINE bool sends_signs(DistKind k) { return k != DistKind::kSgdDist && k != DistKind::kSgdmDist; }
// True when nodes send S_R of their state, which needs |state| <= R.
SIGNRATE_INLINE bool uses_unbiased_sign(DistKind k) {
  return k == DistKind::kStoSignSgd || k == DistKind::kMvStoSignSgdSim || k == DistKind::kMvsmV1 ||
         k == DistKind::kMvsmV2;
}

struct DistCoeffs {
  DistKind kind = DistKind::kMvsmV2;
  double eta = 0.0;
  double beta = 1.0;  // weight of the new gradient (mvsm-*, mv-*-sim)
  double mu = 0.0;    // weight of the old momentum (signum-mv, sgdm-dist)
  double R = 1.0;     // S_R's bound
  bool clip = false;  // clip the state to [-R, R] before S_R (explicitly asked for)
  std::uint32_t t = 1;
};

// The node's state update at one coordinate; returns the value the node encodes (g, m or v).
SIGNRATE_INLINE double node_state_update(const DistCoeffs& c, double g, double& m) {
  switch (c.kind) {
    case DistKind::kSignumMv:
      m = c.mu * m + (1.0 - c.mu) * g;
      return m;
    case DistKind::kMvSignSgdSim:
    case DistKind::kMvStoSignSgdSim:
      m = (1.0 - c.beta) * m + c.beta * g;
      return m;
    case DistKind::kMvsmV1:
    case DistKind::kMvsmV2: {
      const double beta = (c.t == 1) ? 1.0 : c.beta;  // v_1 = g_1 (as in method_step_k<kSmm>)
      m = (1.0 - beta) * m + beta * g;
      return m;
    }
    default:
      return g;
  }
}

// What a node's S_R draw needs: the Philox words for (t, i) under the node's kUnbiasedSign key.
SIGNRATE_INLINE double node_unbiased_sign(double v, double R, RngKey key, std::uint32_t t, std::uint32_t i) {
  const Bits4 b = philox(key, t, i, 0, 0);
  return unbiased_sign_bits(v, R, b.v[0], b.v[1]);
}

// The server's one bit for a vote (the exact integer sum of the nodes' signs) at (t, i).
// v1-type: sign(vote), 0 on a tie. v2: S_1(vote / n), drawn under the server's key.
SIGNRATE_INLINE std::int8_t server_sign(DistKind k, std::int32_t vote, std::uint32_t n, RngKey server_key,
                                        std::uint32_t t, std::uint32_t i) {
  if (k == DistKind::kMvsmV2) {
    const Bits4 b = philox(server_key, t, i, 0, 0);
    return unbiased_sign_bits(static_cast<double>(vote) / static_cast<double>(n), 1.0, b.v[0], b.v[1]) > 0 ? 1 : -1;
  }
  return static_cast<std::int8_t>((vote > 0) - (vote < 0));
}

}  // namespace signrate
