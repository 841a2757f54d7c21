#pragma once
// A method is a recipe of stages (docs/components.md, "Methods as recipes"): what a node keeps
// (its state update), what it sends (its encoder), what the server does with the messages, and
// whether the step needs a second pass. One constexpr row per method; every engine (CPU, CUDA,
// MPI) and the LibTorch optimizers ask the recipe instead of naming methods, and the kinds the
// engines instantiate their loops for are read from these rows. The stages' arithmetic is in
// stages.hpp; the names, parameters and default schedules in src/method.cpp and
// src/distributed_method.cpp.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "signrate/hd.hpp"

namespace signrate {

// What a node keeps between steps, and how it folds in the new gradient g (stages.hpp).
enum class StateUpdate : std::uint8_t {
  kNone,           // nothing: the gradient itself is encoded
  kEmaNew,         // m = (1-beta) m + beta g, m_0 = 0 (beta weighs the NEW gradient)
  kEmaNewFromG1,   // the same with v_1 = g_1 (Algorithms 1 and 2)
  kEmaOld,         // Signum: m = mu m + (1-mu) g, m_0 = 0 (mu weighs the OLD momentum)
  kHeavyBall,      // PyTorch SGD momentum: buf = mu buf + g, buf_1 = g_1
  kAdamMoments,    // AdamW: two moments, bias corrections, decoupled decay (a whole step)
  kLion,           // Lion: sign of an interpolation, then the EMA (a whole step)
  kErrorFeedback,  // p = eta g + e, then D = (||p||_1 / d) sign(p) in a second pass
};

// What a node sends (or, single-node, what the step moves along).
enum class Encoder : std::uint8_t {
  kValue,           // the state itself (float32 on a wire)
  kSign,            // sign(state), sign(0) = 0
  kUnbiasedSign,    // S_R(state): +1 with probability 1/2 + state / (2R); needs |state| <= R
  kNormalizedSign,  // SSDM: S_R(state) with R = ||state||_2 over the node's d coordinates, times R
};

// What the server does with the nodes' messages (kNone: a single-node method).
enum class ServerRule : std::uint8_t {
  kNone,
  kMean,          // the mean of the messages, sent as float32
  kMomentum,      // buf = mu buf + mean (buf_1 = mean), sent as float32
  kMajorityVote,  // sign(sum of signs), 0 on a tie
  kUnbiasedVote,  // S_1(sum of signs / n), never 0
};

struct Recipe {
  StateUpdate state = StateUpdate::kNone;
  Encoder encoder = Encoder::kValue;
  ServerRule server = ServerRule::kNone;
  bool keeps_previous_x = false;  // signSGD-SIM: the gradient may be taken at an extrapolated point
};

// --- What engines ask of a recipe ---------------------------------------------------------------

// The method keeps a state per coordinate (per node).
SIGNRATE_HD constexpr bool keeps_state(Recipe r) { return r.state != StateUpdate::kNone; }
// The state update reads beta (the schedule's weight of the new gradient).
SIGNRATE_HD constexpr bool reads_beta(Recipe r) {
  return r.state == StateUpdate::kEmaNew || r.state == StateUpdate::kEmaNewFromG1;
}
// The state update or the server reads mu (the weight of the old momentum).
SIGNRATE_HD constexpr bool reads_mu(Recipe r) {
  return r.state == StateUpdate::kEmaOld || r.state == StateUpdate::kHeavyBall ||
         r.server == ServerRule::kMomentum;
}
// The step needs a quantity over all coordinates before it can move x: a second pass.
SIGNRATE_HD constexpr bool two_phase(Recipe r) { return r.state == StateUpdate::kErrorFeedback; }
// The encoder needs the node's whole state (a norm) before it can send any coordinate.
SIGNRATE_HD constexpr bool encodes_whole_state(Recipe r) { return r.encoder == Encoder::kNormalizedSign; }
// Nodes send S_R of their state, which needs a bound R with |state| <= R.
SIGNRATE_HD constexpr bool needs_bound_R(Recipe r) { return r.encoder == Encoder::kUnbiasedSign; }
// The messages are signs the server votes on (one bit each way); otherwise float32 values.
SIGNRATE_HD constexpr bool sends_signs(Recipe r) {
  return r.server == ServerRule::kMajorityVote || r.server == ServerRule::kUnbiasedVote;
}
// The step moves along a sign (or a scaled sign): LibTorch has no such optimizer.
SIGNRATE_HD constexpr bool moves_along_signs(Recipe r) { return r.encoder != Encoder::kValue; }

// --- The rows -----------------------------------------------------------------------------------

// Single-node methods (the server is kNone). The order of the enumerators is the order of the rows.
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

struct MethodRecipe {
  MethodKind kind;
  Recipe recipe;
};

// Plain arrays, not std::array: device code may read a constexpr array's elements only inside a
// constant expression (recipe_of below), and std::array's operator[] is host code.
inline constexpr MethodRecipe kMethodRecipes[] = {
    {MethodKind::kSgd, {StateUpdate::kNone, Encoder::kValue}},
    {MethodKind::kSgdm, {StateUpdate::kHeavyBall, Encoder::kValue}},
    {MethodKind::kAdamw, {StateUpdate::kAdamMoments, Encoder::kValue}},
    {MethodKind::kSignSgd, {StateUpdate::kNone, Encoder::kSign}},
    {MethodKind::kSignum, {StateUpdate::kEmaOld, Encoder::kSign}},
    {MethodKind::kSmm, {StateUpdate::kEmaNewFromG1, Encoder::kSign}},
    {MethodKind::kSignSgdSim, {StateUpdate::kEmaNew, Encoder::kSign, ServerRule::kNone, true}},
    {MethodKind::kEfSignSgd, {StateUpdate::kErrorFeedback, Encoder::kSign}},
    {MethodKind::kLion, {StateUpdate::kLion, Encoder::kSign}},
};
inline constexpr std::size_t kMethodKinds = sizeof(kMethodRecipes) / sizeof(kMethodRecipes[0]);

// n nodes with a server.
enum class DistKind : std::uint8_t {
  kSgdDist,
  kSgdmDist,
  kSignSgdMv,
  kSignumMv,
  kStoSignSgd,
  kMvSignSgdSim,
  kMvStoSignSgdSim,
  kMvsmV1,
  kMvsmV2,
  kSsdm,
};

struct DistRecipe {
  DistKind kind;
  Recipe recipe;
};

inline constexpr DistRecipe kDistRecipes[] = {
    {DistKind::kSgdDist, {StateUpdate::kNone, Encoder::kValue, ServerRule::kMean}},
    {DistKind::kSgdmDist, {StateUpdate::kNone, Encoder::kValue, ServerRule::kMomentum}},
    {DistKind::kSignSgdMv, {StateUpdate::kNone, Encoder::kSign, ServerRule::kMajorityVote}},
    {DistKind::kSignumMv, {StateUpdate::kEmaOld, Encoder::kSign, ServerRule::kMajorityVote}},
    {DistKind::kStoSignSgd, {StateUpdate::kNone, Encoder::kUnbiasedSign, ServerRule::kMajorityVote}},
    {DistKind::kMvSignSgdSim, {StateUpdate::kEmaNew, Encoder::kSign, ServerRule::kMajorityVote}},
    {DistKind::kMvStoSignSgdSim, {StateUpdate::kEmaNew, Encoder::kUnbiasedSign, ServerRule::kMajorityVote}},
    {DistKind::kMvsmV1, {StateUpdate::kEmaNewFromG1, Encoder::kUnbiasedSign, ServerRule::kMajorityVote}},
    {DistKind::kMvsmV2, {StateUpdate::kEmaNewFromG1, Encoder::kUnbiasedSign, ServerRule::kUnbiasedVote}},
    {DistKind::kSsdm, {StateUpdate::kEmaOld, Encoder::kNormalizedSign, ServerRule::kMean}},
};
inline constexpr std::size_t kDistKinds = sizeof(kDistRecipes) / sizeof(kDistRecipes[0]);

namespace recipe_detail {
template <class Row, std::size_t N>
constexpr bool rows_in_enum_order(const Row (&rows)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (static_cast<std::size_t>(rows[i].kind) != i) return false;
  return true;
}
}  // namespace recipe_detail
static_assert(recipe_detail::rows_in_enum_order(kMethodRecipes),
              "kMethodRecipes: one row per kind, in order");
static_assert(recipe_detail::rows_in_enum_order(kDistRecipes), "kDistRecipes: one row per kind, in order");

// A kind's recipe, in a constant expression (constexpr Recipe r = recipe_of(K); if constexpr ...).
// For a kind known only at run time in a header or a .cu file, call recipe_at below: nvcc compiles
// this function for the device too, where it may not read the tables at run time.
SIGNRATE_HD constexpr Recipe recipe_of(MethodKind k) {
  return kMethodRecipes[static_cast<std::size_t>(k)].recipe;
}
SIGNRATE_HD constexpr Recipe recipe_of(DistKind k) {
  return kDistRecipes[static_cast<std::size_t>(k)].recipe;
}
// A kind has a row (the tables' start-up checks tell enumerators from other values with it).
constexpr bool has_recipe(MethodKind k) { return static_cast<std::size_t>(k) < kMethodKinds; }
constexpr bool has_recipe(DistKind k) { return static_cast<std::size_t>(k) < kDistKinds; }

// Calls f(std::integral_constant<Kind, kind>{}) for the row of `kind`: the engines instantiate their
// loops once per row, so the per-coordinate step has no branch on the method (and vectorizes).
#if defined(__CUDACC__)
#pragma nv_exec_check_disable  // f may be a host lambda (the engines' dispatch)
#endif
template <class Kind, class F, std::size_t... I>
SIGNRATE_INLINE void with_kind_of(Kind kind, F&& f, std::index_sequence<I...>) {
  (void)((static_cast<std::size_t>(kind) == I
              ? (f(std::integral_constant<Kind, static_cast<Kind>(I)>{}), true)
              : false) ||
         ...);
}

template <class Kind>
inline constexpr std::size_t kKindCount = std::is_same_v<Kind, MethodKind> ? kMethodKinds : kDistKinds;

#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <class Kind, class F>
SIGNRATE_INLINE void with_kind(Kind kind, F&& f) {
  with_kind_of(kind, f, std::make_index_sequence<kKindCount<Kind>>{});
}

// A recipe as one integer, and back: device code may read a constexpr variable of scalar type at
// run time (recipe_at), but not a row of the tables.
SIGNRATE_HD constexpr std::uint32_t pack_recipe(Recipe r) {
  return static_cast<std::uint32_t>(r.state) | static_cast<std::uint32_t>(r.encoder) << 8 |
         static_cast<std::uint32_t>(r.server) << 16 | static_cast<std::uint32_t>(r.keeps_previous_x) << 24;
}
SIGNRATE_HD constexpr Recipe unpack_recipe(std::uint32_t v) {
  return Recipe{static_cast<StateUpdate>(v & 0xff), static_cast<Encoder>(v >> 8 & 0xff),
                static_cast<ServerRule>(v >> 16 & 0xff), (v >> 24 & 1) != 0};
}
template <class Kind, Kind K>
inline constexpr std::uint32_t kPackedRecipe = pack_recipe(recipe_of(K));

// recipe_of for a kind known only at run time, in host or device code.
template <class Kind>
SIGNRATE_INLINE Recipe recipe_at(Kind kind) {
  std::uint32_t packed = 0;
  with_kind(kind, [&](auto k) { packed = kPackedRecipe<Kind, decltype(k)::value>; });
  return unpack_recipe(packed);
}

}  // namespace signrate
