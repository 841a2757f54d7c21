#pragma once
// n nodes with a server (docs/theory.md "MVSM", docs/components.md's "Distributed methods" table), host side:
// the three parts every transport runs in the same order each step t:
//   1. each node j computes grad f_j(x_t) + its own noise and its message (NodeWorker),
//   2. the server turns the messages into what it sends down (Server; for the sign methods from
//      the exact integer vote sum_j s_j),
//   3. every node applies x_{t+1} = x_t - eta * down (apply_down).
// The in-process simulation (src/cpu/distributed_engine.cpp) and the MPI transport (src/mpi/)
// both call these, and record with the one Recorder, so for the same seed they give the same bits.
// The methods' registry and DistMethod are in distributed.hpp.
#include <cstdint>
#include <vector>

#include "signrate/distributed.hpp"
#include "signrate/rng.hpp"

namespace signrate {

struct Experiment;
class Problem;

// grad f_j(x) for node j: heterogeneous problems shift by the node's centre; homogeneous ones
// give grad f.
void node_gradient(const Problem& problem, std::uint32_t node, const double* x, double* g);

// One node of one replicate: its state, noise stream (key (seed, replicate, node, kOracleNoise))
// and S_R stream (kUnbiasedSign). Every transport calls it tile by tile (or over all of d at once);
// the per-coordinate work is node_sign_tile / node_value_tile (distributed_step.hpp).
class NodeWorker {
 public:
  NodeWorker(const Experiment& e, std::uint32_t replicate, std::uint32_t node);
  // From g_true[0 .. n) = grad f_j at coordinates i0 .. i0+n-1 of x_t: the node's messages into
  // sign[0 .. n) (sign methods, each in {-1, 0, +1}) or value[0 .. n) (full-precision references,
  // float32 as sent). A Byzantine node sends the negation. Throws RunError naming node, step and
  // coordinate when |state| > R without clip (after the tile).
  void step_tile(std::uint32_t t, std::uint32_t i0, std::uint32_t n, const double* g_true, std::int8_t* sign,
                 float* value);
  // The same over all d coordinates.
  void step(std::uint32_t t, const double* g_true, std::int8_t* sign, float* value);
  std::uint64_t clipped() const { return clipped_; }

 private:
  const Experiment& e_;
  std::uint32_t replicate_, node_;
  bool byzantine_;
  RngKey noise_key_, sign_key_;
  void whole_state_message(const DistCoeffs& c, std::uint32_t t, std::uint32_t i0, std::uint32_t n,
                           const double* g_true, float* value_out);

  std::vector<double> m_, noise_, encoded_;  // state; noise and encoded values of one tile
  std::vector<double> chunks_;               // ||m||_2's chunk sums (an encoder of the whole state)
  std::uint64_t clipped_ = 0;
};

// The server of one replicate (key (seed, replicate, 0, kServer) for MVSM v2's S_1).
class Server {
 public:
  Server(const Experiment& e, std::uint32_t replicate);
  // Sign methods: votes[j] = sum_nodes s[i0 + j] (exact integers) -> down[j] in {-1, 0, +1}.
  void sign_down_tile(std::uint32_t t, std::uint32_t i0, std::uint32_t n, const std::int32_t* votes,
                      std::int8_t* down);
  // References: sums[j] = sum_nodes value[i0 + j] in node order (doubles) -> down[j] as float32.
  void value_down_tile(std::uint32_t t, std::uint32_t i0, std::uint32_t n, const double* sums, float* down);
  // The same over all d coordinates.
  void sign_down(std::uint32_t t, const std::int32_t* votes, std::int8_t* down);
  void value_down(std::uint32_t t, const double* sums, float* down);
  std::uint64_t ties() const { return ties_; }

 private:
  const Experiment& e_;
  RngKey key_;
  std::vector<double> buf_;  // sgdm-dist's momentum, kept on the server
  std::uint64_t ties_ = 0;
};

// x_{t+1} = x_t - eta * down over all d coordinates (apply_down_tile).
void apply_down(double eta, const std::int8_t* down, std::uint32_t d, double* x);
void apply_down(double eta, const float* down, std::uint32_t d, double* x);

}  // namespace signrate
