#pragma once
// The host-device part of the distributed methods (docs/components.md's "Distributed methods" table;
// docs/theory.md, "MVSM"): what node j sends for one coordinate, and what the server sends back. Shared by
// the in-process simulation (src/cpu/distributed_engine.cpp) and the MPI transport (src/mpi/), so both
// compute every message with the same operations.
//
// Conventions: sign(0) = 0; the vote sum_j s_j is an exact integer; a tie sends 0 down. In
// `mvsm-v1`/`mvsm-v2` beta weighs the NEW gradient and v_1 = g_1 (Algorithm 2); `signum-mv` and
// `mv-signsgd-sim` keep a Signum-type EMA with m_0 = 0.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "signrate/hd.hpp"
#include "signrate/recipe.hpp"
#include "signrate/rng.hpp"
#include "signrate/stages.hpp"
#include "signrate/unbiased_sign.hpp"

namespace signrate {

// True when the nodes send signs the server votes on (one bit each way); false for float32 messages.
SIGNRATE_INLINE bool sends_signs(DistKind k) { return sends_signs(recipe_at(k)); }

struct DistCoeffs {
  DistKind kind = DistKind::kMvsmV2;
  double eta = 0.0;
  double beta = 1.0;  // weight of the new gradient (mvsm-*, mv-*-sim)
  double mu = 0.0;    // weight of the old momentum (signum-mv, sgdm-dist)
  double R = 1.0;     // S_R's bound
  bool clip = false;  // clip the state to [-R, R] before S_R (explicitly asked for)
  std::uint32_t t = 1;
};

// The node's state update at one coordinate (its recipe's stage); returns the value the node
// encodes (g, m or v).
template <DistKind K>
SIGNRATE_INLINE double node_state_update_k(const DistCoeffs& c, double g, double& m) {
  constexpr Recipe r = recipe_of(K);
  return update_state<r.state>(StateWeights{c.beta, c.mu, c.t}, g, m);
}

SIGNRATE_INLINE double node_state_update(const DistCoeffs& c, double g, double& m) {
  double out = 0.0;
  with_kind(c.kind, [&](auto kind) { out = node_state_update_k<decltype(kind)::value>(c, g, m); });
  return out;
}

// A node's S_R message at (t, i) under its kUnbiasedSign key (unbiased_sign.hpp's draw).
SIGNRATE_INLINE double node_unbiased_sign(double v, double R, RngKey key, std::uint32_t t, std::uint32_t i) {
  return unbiased_sign_at(v, R, key, t, i);
}

// The server's one bit for a vote (the exact integer sum of the nodes' signs) at (t, i).
// kUnbiasedVote: S_1(vote / n), drawn under the server's key, never 0.
SIGNRATE_INLINE std::int8_t unbiased_vote(std::int32_t vote, std::uint32_t n, RngKey server_key,
                                          std::uint32_t t, std::uint32_t i) {
  return unbiased_sign_at(static_cast<double>(vote) / static_cast<double>(n), 1.0, server_key, t, i) > 0 ? 1
                                                                                                         : -1;
}
// kMajorityVote: sign(vote), 0 on a tie.
SIGNRATE_INLINE std::int8_t server_sign(DistKind k, std::int32_t vote, std::uint32_t n, RngKey server_key,
                                        std::uint32_t t, std::uint32_t i) {
  if (recipe_at(k).server == ServerRule::kUnbiasedVote) return unbiased_vote(vote, n, server_key, t, i);
  return static_cast<std::int8_t>((vote > 0) - (vote < 0));
}

// What a node's tile of messages reports besides the messages: S_R's domain. A state with
// |v| > R (or NaN) has no valid S_R; with clip it is clipped to [-R, R] and counted, without it
// the first such coordinate is reported (the host raises the error after the tile).
struct NodeTileStatus {
  std::uint64_t clipped = 0;
  std::uint32_t bad = 0xffffffffu;  // offset in the tile of the first state outside [-R, R]
  double bad_value = 0.0;
};

// Node messages of one tile: from g_true (grad f_j at x_t) and the node's noise, the state update
// and one sign per coordinate (sign or S_R), negated by a Byzantine node. Coordinates i0 + j.
// Branch-free over j (so it vectorizes): S_R's domain is checked by flags, and only a tile with a
// violation is scanned again for its first offending coordinate.
template <DistKind K>
SIGNRATE_INLINE NodeTileStatus node_sign_tile(const DistCoeffs& c, RngKey sign_key, std::uint32_t t,
                                              std::uint32_t i0, std::uint32_t n,
                                              const double* __restrict__ g_true,
                                              const double* __restrict__ noise, double* __restrict__ m,
                                              bool byzantine, std::int8_t* __restrict__ out,
                                              double* __restrict__ encoded) {
  NodeTileStatus st;
  const std::int32_t flip = byzantine ? -1 : 1;
  if constexpr (!needs_bound_R(recipe_of(K))) {
    for (std::uint32_t j = 0; j < n; ++j) {
      const double s = node_state_update_k<K>(c, g_true[j] + noise[j], m[j]);
      out[j] = static_cast<std::int8_t>(flip * ((s > 0.0) - (s < 0.0)));
    }
    return st;
  } else {
    // 1. The states, clipped where clip=1 asks; flags for S_R's domain (bitwise, not &&, which
    //    branches: outside [-R, R], NaN included).
    std::uint64_t outside_count = 0, any_bad = 0;
    const std::uint64_t no_clip = !c.clip;
    for (std::uint32_t j = 0; j < n; ++j) {
      const double s = node_state_update_k<K>(c, g_true[j] + noise[j], m[j]);
      const std::uint64_t outside =
          static_cast<std::uint64_t>(!(s >= -c.R)) | static_cast<std::uint64_t>(!(s <= c.R));
      outside_count += outside;
      any_bad |= outside & (no_clip | static_cast<std::uint64_t>(s != s));
      encoded[j] = outside ? (s > 0 ? c.R : -c.R) : s;
    }
    st.clipped = outside_count;
    if (any_bad) {  // the first offending coordinate, for the error message
      for (std::uint32_t j = 0; j < n; ++j) {
        double v = g_true[j] + noise[j];  // the state of a stateless method
        if constexpr (keeps_state(recipe_of(K))) v = m[j];
        if (!(v >= -c.R && v <= c.R) && (!c.clip || v != v)) {
          st.bad = j;
          st.bad_value = v;
          break;
        }
      }
      return st;
    }
    // 2. S_R, a Philox call per pair of coordinates (unbiased_sign_uniform's layout; i0 is even).
    const double two_R = 2.0 * c.R;
    const std::uint32_t pairs = n / 2, base = i0 >> 1;
    for (std::uint32_t p = 0; p < pairs; ++p) {
      const Bits4 b = philox(sign_key, t, base + p, 0, 0);
      const double u0 = uniform_open52(b.v[0], b.v[1]), u1 = uniform_open52(b.v[2], b.v[3]);
      out[2 * p] = static_cast<std::int8_t>(flip * (u0 < 0.5 + encoded[2 * p] / two_R ? 1 : -1));
      out[2 * p + 1] = static_cast<std::int8_t>(flip * (u1 < 0.5 + encoded[2 * p + 1] / two_R ? 1 : -1));
    }
    if (n % 2)
      out[n - 1] =
          static_cast<std::int8_t>(flip * node_unbiased_sign(encoded[n - 1], c.R, sign_key, t, i0 + n - 1));
    return st;
  }
}

// The full-precision references' messages: g (float32 as sent), negated by a Byzantine node.
SIGNRATE_INLINE void node_value_tile(std::uint32_t n, const double* __restrict__ g_true,
                                     const double* __restrict__ noise, bool byzantine,
                                     float* __restrict__ out) {
  for (std::uint32_t j = 0; j < n; ++j) {
    const double s = g_true[j] + noise[j];
    out[j] = static_cast<float>(byzantine ? -s : s);
  }
}

// Encoder::kNormalizedSign (SSDM) over a node's whole state m[0 .. d) after its update, given
// l2_squared = sum_i m_i^2 in the canonical order (canonical_sum.hpp): with R = ||m||_2, the node
// sends one bit a coordinate, S_R(m_i) (+1 with probability 1/2 + m_i / (2R)), and R once as
// float32; out[i] = float32(R) S_R(m_i), exact in float32, negated by a Byzantine node. A zero
// state sends zeros; a non-finite R reaches x (the engine stops there).
inline void node_normalized_sign_message(double l2_squared, const double* m, std::uint32_t d, RngKey key,
                                         std::uint32_t t, bool byzantine, float* out) {
  if (l2_squared == 0.0) {
    for (std::uint32_t i = 0; i < d; ++i) out[i] = 0.0f;
    return;
  }
  const double R = std::sqrt(l2_squared);
  const float scale = static_cast<float>(byzantine ? -R : R);
  for (std::uint32_t i = 0; i < d; ++i)
    out[i] = scale * static_cast<float>(unbiased_sign_at(m[i], R, key, t, i));
}

// The server's reply to a tile of votes; returns the ties sent down as 0.
SIGNRATE_INLINE std::uint64_t server_sign_tile(DistKind k, const std::int32_t* __restrict__ votes,
                                               std::uint32_t nodes, RngKey key, std::uint32_t t,
                                               std::uint32_t i0, std::uint32_t n,
                                               std::int8_t* __restrict__ down) {
  std::uint64_t ties = 0;
  if (recipe_at(k).server ==
      ServerRule::kUnbiasedVote) {  // S_1(vote / n), a Philox call per pair (i0 is even); never 0
    const double nn = static_cast<double>(nodes);
    const std::uint32_t pairs = n / 2, base = i0 >> 1;
    for (std::uint32_t p = 0; p < pairs; ++p) {
      const Bits4 b = philox(key, t, base + p, 0, 0);
      const double u0 = uniform_open52(b.v[0], b.v[1]), u1 = uniform_open52(b.v[2], b.v[3]);
      down[2 * p] = u0 < 0.5 + (static_cast<double>(votes[2 * p]) / nn) / 2.0 ? 1 : -1;
      down[2 * p + 1] = u1 < 0.5 + (static_cast<double>(votes[2 * p + 1]) / nn) / 2.0 ? 1 : -1;
    }
    if (n % 2) down[n - 1] = unbiased_vote(votes[n - 1], nodes, key, t, i0 + n - 1);
    return 0;
  }
  for (std::uint32_t j = 0; j < n; ++j) {
    down[j] = static_cast<std::int8_t>((votes[j] > 0) - (votes[j] < 0));
    ties += down[j] == 0;
  }
  return ties;
}

// The references' reply from the float sums (node order): the mean, or SGDM's buf = mu buf + mean
// (PyTorch's convention on the mean: buf_1 = mean_1), as float32.
SIGNRATE_INLINE void server_value_tile(const DistCoeffs& c, std::uint32_t nodes,
                                       const double* __restrict__ sums, std::uint32_t n,
                                       double* __restrict__ buf, float* __restrict__ down) {
  const double nn = static_cast<double>(nodes);
  const bool momentum = recipe_at(c.kind).server == ServerRule::kMomentum;
  for (std::uint32_t j = 0; j < n; ++j) {
    const double mean = sums[j] / nn;
    if (momentum) {
      buf[j] = (c.t == 1 ? 0.0 : c.mu) * buf[j] + mean;
      down[j] = static_cast<float>(buf[j]);
    } else {
      down[j] = static_cast<float>(mean);
    }
  }
}

// x_{t+1} = x_t - eta * down, the step every node applies.
template <class Down>
SIGNRATE_INLINE void apply_down_tile(double eta, const Down* __restrict__ down, std::uint32_t n,
                                     double* __restrict__ x) {
  for (std::uint32_t j = 0; j < n; ++j) x[j] -= eta * static_cast<double>(down[j]);
}

}  // namespace signrate
