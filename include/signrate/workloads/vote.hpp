#pragma once
// n workers and a server training one network with one of the simulator's distributed methods
// (docs/training.md, "Workers"). Free of LibTorch: the
// trainer hands it each worker's minibatch gradient as doubles and the parameters as doubles.
//
// The arithmetic is the simulator's own (distributed_step.hpp): each worker's message is
// node_sign_tile (its state update, then sign or S_R; a Byzantine worker negates it) or
// node_value_tile for the full-precision references, the server's reply server_sign_tile or
// server_value_tile, and x_{t+1} = x_t - lr * down is apply_down_tile. The random streams are the
// simulator's for replicate 0: worker j's S_R under derive_key(seed, 0, j, kUnbiasedSign), the
// server's S_1 (mvsm-v2) under derive_key(seed, 0, 0, kServer).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/distributed.hpp"
#include "signrate/rng.hpp"
#include "signrate/spec.hpp"

namespace signrate::workloads {

// A resolved distributed optimizer SPEC, `mvsm-v2:lr=1e-3,beta=0.1,R=0.01,clip=1`: the simulator's
// DistMethod with eta = lr and the schedule's beta = beta (mu defaults to 1 - beta).
struct VoteSpec {
  std::string name;
  double lr = 1e-3, beta = 0.1;
  DistMethod method;
  nlohmann::json resolved;  // {"name", "lr", "beta" where used, and the method's own keys}
};

// The distributed methods with lr and beta added, for --help and error messages.
const std::vector<ComponentInfo>& vote_optimizer_registry();
bool is_vote_optimizer(const std::string& name);
std::string vote_optimizer_names();  // "sgd-dist, sgdm-dist, ...", for error messages
// Parses and checks a SPEC. The S_R methods need R (a network's gradient has no declared bound):
// without it a SpecError says so.
VoteSpec parse_vote_spec(const std::string& text);

// Bytes of one message of the multi-process wire format (docs/mpi.md, "Wire format") for d
// coordinates: a 16-byte header, then one bit per coordinate and the zeros' list or mask, or d
// float32 for the references.
std::uint64_t sign_message_bytes(std::uint64_t d, std::uint64_t zeros);
std::uint64_t value_message_bytes(std::uint64_t d);

// What one step sent and met.
struct VoteStepStats {
  std::uint64_t clipped = 0;     // worker states clipped to [-R, R] (clip=1), all workers
  std::uint64_t ties = 0;        // coordinates the server sent down as 0
  std::uint64_t bytes_up = 0;    // all workers' messages to the server
  std::uint64_t bytes_down = 0;  // the server's reply, once (every worker receives the same)
};

// One worker's side: its state (m or v) and its S_R stream; turns its stochastic gradient into
// its message. Shared by the in-process VoteStep and the MPI rank of `signrate-mpi train`.
class VoteWorker {
 public:
  VoteWorker(const VoteSpec& spec, std::uint32_t j, bool byzantine, std::uint64_t seed, std::uint64_t params);
  // Sign methods: signs[0 .. params) in {-1, 0, +1} from g[0 .. params) at step t; returns the
  // zeros. Throws RunError naming the worker, step, parameter and value when a state leaves
  // [-R, R] without clip=1.
  std::uint64_t encode_signs(std::uint32_t t, const double* g, std::int8_t* signs);
  // float32 messages at step t: the references' g, or an encoder of the whole state's (SSDM:
  // ||m||_2 S_R(m) after the state update); negated by a Byzantine worker.
  void encode_values(std::uint32_t t, const double* g, float* values);
  std::uint64_t clipped() const { return clipped_; }  // states clipped to [-R, R] so far
  const std::vector<double>& state() const { return state_; }

 private:
  VoteSpec spec_;
  std::uint32_t j_;
  bool byzantine_;
  RngKey key_;
  std::uint64_t params_;       // checked before the state is allocated
  std::vector<double> state_;  // empty for the stateless methods
  std::uint64_t clipped_ = 0;
};

// The server's side: the reply to the exact integer votes sum_j s_j, or to the float sums in
// worker order, applied as x -= lr * reply.
class VoteServer {
 public:
  VoteServer(const VoteSpec& spec, std::uint32_t workers, std::uint64_t seed, std::uint64_t params);
  // Returns the ties (coordinates sent down as 0).
  std::uint64_t sign_reply(std::uint32_t t, const std::int32_t* votes, std::int8_t* down);
  void value_reply(std::uint32_t t, const double* sums, float* down);

 private:
  VoteSpec spec_;
  std::uint32_t workers_;
  RngKey key_;
  std::uint64_t params_;
  std::vector<double> buf_;  // sgdm-dist's momentum, kept on the server
};

// x -= lr * down over n coordinates (the simulator's apply_down_tile).
void apply_reply(double lr, const std::int8_t* down, std::uint64_t n, double* x);
void apply_reply(double lr, const float* down, std::uint64_t n, double* x);

// The n workers and the server in one process.
class VoteStep {
 public:
  // `params` coordinates; workers 0 .. byzantine-1 are Byzantine (they send the negation).
  VoteStep(const VoteSpec& spec, std::uint32_t workers, std::uint32_t byzantine, std::uint64_t seed,
           std::uint64_t params);

  // Step t (from 1): call add_worker once per worker j = 0 .. workers-1 in order, each with that
  // worker's stochastic gradient g[0 .. params) at x_t, then finish with x_t, which becomes x_{t+1}.
  // add_worker throws as VoteWorker::encode_signs (nothing is applied then).
  void add_worker(std::uint32_t t, std::uint32_t j, const double* g);
  VoteStepStats finish(std::uint32_t t, double* x);

  std::uint32_t workers() const { return static_cast<std::uint32_t>(workers_.size()); }
  const std::vector<double>& state(std::uint32_t j) const { return workers_[j].state(); }

 private:
  VoteSpec spec_;
  std::uint64_t params_;
  std::vector<VoteWorker> workers_;
  VoteServer server_;
  std::vector<std::int8_t> signs_, down_;  // one worker's message; the reply
  std::vector<float> values_, down_values_;
  std::vector<std::int32_t> votes_;  // sign methods: sum_j s_j, exact
  std::vector<double> sums_;         // references: sum_j g_j as sent (float32), in worker order
  std::uint32_t added_ = 0;
  VoteStepStats stats_;
};

}  // namespace signrate::workloads
