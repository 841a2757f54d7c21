// n workers and a server over a network's parameters (include/signrate/workloads/vote.hpp).
#include "signrate/workloads/vote.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "signrate/canonical_sum.hpp"
#include "signrate/distributed_step.hpp"
#include "signrate/error.hpp"
#include "signrate/workloads/optimizers.hpp"

namespace signrate::workloads {

namespace {

const ParamInfo kLr{"lr", "", "> 0, at most 3.4e38",
                    "learning rate eta (default 0.05 for sgd-dist, sgdm-dist; 1e-3 otherwise)"};
const ParamInfo kBeta{"beta", "0.1", "in (0, 1]",
                      "weight of the NEW gradient (mvsm-*, mv-*-sim); mu defaults to 1 - beta"};

// Tiles of the message loop: even (S_R draws a Philox call per pair of coordinates from i0 / 2).
constexpr std::uint32_t kTile = 4096;
static_assert(kTile % 2 == 0);

bool has_param(const ComponentInfo& info, const std::string& key) {
  return std::any_of(info.params.begin(), info.params.end(),
                     [&](const ParamInfo& p) { return p.key == key; });
}

}  // namespace

const std::vector<ComponentInfo>& vote_optimizer_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (ComponentInfo info : distributed_method_registry()) {
      info.params.insert(info.params.begin(), {kLr, kBeta});
      r.push_back(std::move(info));
    }
    return r;
  }();
  return registry;
}

bool is_vote_optimizer(const std::string& name) { return is_distributed_method(name); }

std::string vote_optimizer_names() {
  std::string names;
  for (const auto& info : vote_optimizer_registry()) names += (names.empty() ? "" : ", ") + info.name;
  return names;
}

VoteSpec parse_vote_spec(const std::string& text) {
  ParsedSpec parsed = parse_spec(text, "optimizer");
  const ComponentInfo& info = find_component(vote_optimizer_registry(), parsed.name, "optimizer");
  Params params(info, parsed, "optimizer");  // refuses keys neither the method nor lr/beta declare
  VoteSpec s;
  s.name = info.name;
  const DistKind kind = make_dist_method(ParsedSpec{info.name, {}}, 1.0, 1.0, 1.0).base.kind;
  const bool full_precision = !sends_signs(kind);
  s.lr = params.given("lr") ? params.real("lr", learning_rate()) : (full_precision ? 0.05 : 1e-3);
  s.beta = params.real("beta", half_open_unit());
  const bool has_mu = has_param(info, "mu");
  const Recipe recipe = recipe_of(kind);
  const bool uses_beta = reads_beta(recipe) || (has_mu && !params.given("mu"));
  if (params.given("beta") && !uses_beta)
    params.fail("beta=" + parsed.values.at("beta") + " has no effect here; allowed: remove it" +
                (has_mu ? " or mu" : ""));
  if (has_param(info, "R") && !params.given("R"))
    params.fail(
        "R is needed: S_R needs |state| <= R, and a network's gradient has no declared bound; allowed: "
        "R=<value > 0> (the run stops at a state with |state| > R), or with clip=1 (such states are "
        "clipped to [-R, R] and counted)");
  parsed.values.erase("lr");
  parsed.values.erase("beta");
  s.method = make_dist_method(parsed, s.lr, s.beta, std::numeric_limits<double>::infinity());
  s.resolved = {{"name", s.name}, {"lr", s.lr}};
  if (uses_beta) s.resolved["beta"] = s.beta;
  s.resolved.update(s.method.resolved);
  return s;
}

std::uint64_t sign_message_bytes(std::uint64_t d, std::uint64_t zeros) {
  const std::uint64_t words = (d + 63) / 64;
  const std::uint64_t zero_bytes = zeros == 0 ? 0 : std::min<std::uint64_t>(4 * zeros, 8 * words);
  return 16 + 8 * words + zero_bytes;
}

std::uint64_t value_message_bytes(std::uint64_t d) { return 16 + 4 * d; }

namespace {

std::uint32_t checked_params(std::uint64_t params) {
  if (params > std::numeric_limits<std::uint32_t>::max())
    throw SpecError("a network of " + std::to_string(params) +
                    " parameters is not allowed with --workers; allowed: at most 2^32 - 1");
  return static_cast<std::uint32_t>(params);
}

std::size_t tiles(std::uint32_t n) { return (static_cast<std::size_t>(n) + kTile - 1) / kTile; }

// f(k, i0, n) for tile k = [i0, i0 + n) of [0, n_total), on LibTorch's intra-op threads.
template <class F>
void for_each_tile(std::uint32_t n_total, F&& f) {
  at::parallel_for(0, static_cast<std::int64_t>(tiles(n_total)), 16, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t k = b; k < e; ++k) {
      const auto i0 = static_cast<std::uint32_t>(k * kTile);
      f(static_cast<std::size_t>(k), i0, std::min(kTile, n_total - i0));
    }
  });
}

}  // namespace

VoteWorker::VoteWorker(const VoteSpec& spec, std::uint32_t j, bool byzantine, std::uint64_t seed,
                       std::uint64_t params)
    : spec_(spec),
      j_(j),
      byzantine_(byzantine),
      key_(derive_key(seed, 0, j, Stream::kUnbiasedSign)),
      params_(checked_params(params)),
      state_(keeps_state(recipe_of(spec.method.base.kind)) ? params : 0, 0.0) {}

std::uint64_t VoteWorker::encode_signs(std::uint32_t t, const double* g, std::int8_t* signs) {
  const DistCoeffs c = spec_.method.coeffs_at(t);
  static const std::vector<double> zero_noise(kTile, 0.0);  // the network's gradient is the stochastic one
  const auto n_total = static_cast<std::uint32_t>(params_);
  // Tile by tile, in parallel: each tile's messages depend on its coordinates only. The counts are
  // integers and the first bad state is looked for in tile order, so the thread count changes
  // nothing.
  std::vector<NodeTileStatus> status(tiles(n_total));
  std::vector<std::uint64_t> zeros(status.size(), 0);
  with_kind(c.kind, [&](auto kind) {
    constexpr DistKind K = decltype(kind)::value;
    if constexpr (sends_signs(recipe_of(K))) {
      for_each_tile(n_total, [&](std::size_t k, std::uint32_t i0, std::uint32_t n) {
        double scratch[kTile], encoded[kTile];
        double* state = state_.empty() ? scratch : state_.data() + i0;
        status[k] = node_sign_tile<K>(c, key_, t, i0, n, g + i0, zero_noise.data(), state, byzantine_,
                                      signs + i0, encoded);
        std::uint64_t z = 0;
        for (std::uint32_t q = 0; q < n; ++q) z += signs[i0 + q] == 0;
        zeros[k] = z;
      });
    } else {
      throw std::logic_error("VoteWorker::encode_signs: " + spec_.name + " sends float32");
    }
  });
  std::uint64_t zero_count = 0;
  for (std::size_t k = 0; k < status.size(); ++k) {
    const NodeTileStatus& st = status[k];
    if (st.bad != 0xffffffffu)
      throw RunError("worker " + std::to_string(j_) + " at step " + std::to_string(t) + ", parameter " +
                     std::to_string(k * kTile + st.bad) + ": its state " + format_real(st.bad_value) +
                     " is outside [-R, R] = [-" + format_real(c.R) + ", " + format_real(c.R) +
                     "], where S_R is not defined; allowed: a larger R, or clip=1");
    clipped_ += st.clipped;
    zero_count += zeros[k];
  }
  return zero_count;
}

void VoteWorker::encode_values(std::uint32_t t, const double* g, float* values) {
  static const std::vector<double> zero_noise(kTile, 0.0);
  const auto n_total = static_cast<std::uint32_t>(params_);
  const DistCoeffs c = spec_.method.coeffs_at(t);
  if (!encodes_whole_state(recipe_of(c.kind))) {
    for_each_tile(n_total, [&](std::size_t, std::uint32_t i0, std::uint32_t n) {
      node_value_tile(n, g + i0, zero_noise.data(), byzantine_, values + i0);
    });
    return;
  }
  // The state update and ||m||_2's chunk sums tile by tile (kTile is a multiple of kSumChunk, so
  // the chunks are the canonical ones), then the messages over the whole state.
  static_assert(kTile % kSumChunk == 0);
  std::vector<double> chunks(sum_chunks(n_total));
  double* m = state_.data();
  for_each_tile(n_total, [&](std::size_t, std::uint32_t i0, std::uint32_t n) {
    with_kind(c.kind, [&](auto kind) {  // the kind once per tile, not per coordinate
      for (std::uint32_t q = 0; q < n; ++q)
        node_state_update_k<decltype(kind)::value>(c, g[i0 + q], m[i0 + q]);
    });
    tile_chunk_sums(
        n, [&](std::uint32_t q) { return m[i0 + q] * m[i0 + q]; }, chunks.data() + i0 / kSumChunk);
  });
  node_normalized_sign_message(fold_sum(chunks.data(), chunks.size()), m, n_total, key_, t, byzantine_,
                               values);
}

VoteServer::VoteServer(const VoteSpec& spec, std::uint32_t workers, std::uint64_t seed, std::uint64_t params)
    : spec_(spec),
      workers_(workers),
      key_(derive_key(seed, 0, 0, Stream::kServer)),
      params_(checked_params(params)),
      buf_(recipe_of(spec.method.base.kind).server == ServerRule::kMomentum ? params : 0, 0.0) {}

std::uint64_t VoteServer::sign_reply(std::uint32_t t, const std::int32_t* votes, std::int8_t* down) {
  const auto n_total = static_cast<std::uint32_t>(params_);
  std::vector<std::uint64_t> ties(tiles(n_total), 0);
  for_each_tile(n_total, [&](std::size_t k, std::uint32_t i0, std::uint32_t n) {
    ties[k] = server_sign_tile(spec_.method.base.kind, votes + i0, workers_, key_, t, i0, n, down + i0);
  });
  std::uint64_t total = 0;
  for (auto v : ties) total += v;
  return total;
}

void VoteServer::value_reply(std::uint32_t t, const double* sums, float* down) {
  const DistCoeffs c = spec_.method.coeffs_at(t);
  for_each_tile(static_cast<std::uint32_t>(params_), [&](std::size_t, std::uint32_t i0, std::uint32_t n) {
    server_value_tile(c, workers_, sums + i0, n, buf_.empty() ? nullptr : buf_.data() + i0, down + i0);
  });
}

void apply_reply(double lr, const std::int8_t* down, std::uint64_t n, double* x) {
  for_each_tile(checked_params(n), [&](std::size_t, std::uint32_t i0, std::uint32_t m) {
    apply_down_tile(lr, down + i0, m, x + i0);
  });
}
void apply_reply(double lr, const float* down, std::uint64_t n, double* x) {
  for_each_tile(checked_params(n), [&](std::size_t, std::uint32_t i0, std::uint32_t m) {
    apply_down_tile(lr, down + i0, m, x + i0);
  });
}

VoteStep::VoteStep(const VoteSpec& spec, std::uint32_t workers, std::uint32_t byzantine, std::uint64_t seed,
                   std::uint64_t params)
    : spec_(spec), params_(params), server_(spec, workers, seed, params) {
  if (workers < 1) throw SpecError("--workers 0 is not allowed; allowed: >= 1");
  if (byzantine >= workers)
    throw SpecError("--byzantine " + std::to_string(byzantine) + " is not allowed; allowed: 0 to " +
                    std::to_string(workers - 1) + " (fewer than the " + std::to_string(workers) +
                    " workers)");
  workers_.reserve(workers);
  for (std::uint32_t j = 0; j < workers; ++j) workers_.emplace_back(spec, j, j < byzantine, seed, params);
  if (sends_signs(spec.method.base.kind)) {
    signs_.resize(params);
    down_.resize(params);
    votes_.assign(params, 0);
  } else {
    values_.resize(params);
    down_values_.resize(params);
    sums_.assign(params, 0.0);
  }
}

void VoteStep::add_worker(std::uint32_t t, std::uint32_t j, const double* g) {
  if (j != added_) throw std::logic_error("VoteStep::add_worker: workers out of order");
  VoteWorker& w = workers_[j];
  if (sends_signs(spec_.method.base.kind)) {
    const std::uint64_t clipped_before = w.clipped();
    const std::uint64_t zeros = w.encode_signs(t, g, signs_.data());
    stats_.clipped += w.clipped() - clipped_before;
    for_each_tile(static_cast<std::uint32_t>(params_), [&](std::size_t, std::uint32_t i0, std::uint32_t n) {
      for (std::uint32_t q = 0; q < n; ++q) votes_[i0 + q] += signs_[i0 + q];
    });
    stats_.bytes_up += sign_message_bytes(params_, zeros);
  } else {
    w.encode_values(t, g, values_.data());
    for_each_tile(static_cast<std::uint32_t>(params_), [&](std::size_t, std::uint32_t i0, std::uint32_t n) {
      for (std::uint32_t q = 0; q < n; ++q) sums_[i0 + q] += static_cast<double>(values_[i0 + q]);
    });
    // What the transports carry: SSDM's normalized signs travel as float32 values R S_R(m_i) too.
    stats_.bytes_up += value_message_bytes(params_);
  }
  ++added_;
}

VoteStepStats VoteStep::finish(std::uint32_t t, double* x) {
  if (added_ != workers()) throw std::logic_error("VoteStep::finish: not every worker added");
  const double lr = spec_.method.coeffs_at(t).eta;
  if (sends_signs(spec_.method.base.kind)) {
    stats_.ties = server_.sign_reply(t, votes_.data(), down_.data());
    apply_reply(lr, down_.data(), params_, x);
    std::fill(votes_.begin(), votes_.end(), 0);
    stats_.bytes_down = sign_message_bytes(params_, stats_.ties);
  } else {
    server_.value_reply(t, sums_.data(), down_values_.data());
    apply_reply(lr, down_values_.data(), params_, x);
    std::fill(sums_.begin(), sums_.end(), 0.0);
    stats_.bytes_down = value_message_bytes(params_);
  }
  const VoteStepStats out = stats_;
  stats_ = {};
  added_ = 0;
  return out;
}

}  // namespace signrate::workloads
