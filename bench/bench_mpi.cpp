// The transport of signrate-mpi alone, beside MPI_Allreduce of the same vector in float32
// (bench/mpi_compare.sh runs it for 2 and 4 ranks; numbers in bench/README.md).
//
//   mpirun -np N build/bench/signrate_bench_mpi [log2_d_min log2_d_max]
//   mpirun -np N build/bench/signrate_bench_mpi d=11173962,23705252   (networks' parameter counts)
//
// For each d = 2^k (or each d listed), one step of each, timed in 5 rounds of about 0.05 s (the best round
// counts):
//   packed: every rank packs d signs (1 bit each), gather to rank 0 (Exchange::gather), rank 0
//     counts the exact integer votes from the words and packs sign(vote) (ties as zeros),
//     broadcast (Exchange::broadcast), every rank unpacks: the path signrate-mpi's sign methods
//     take, without the nodes' gradients and noise.
//   float32: the same Exchange with float32 payloads (sgd-dist's path: gather, sum in rank order
//     into doubles, broadcast the mean).
//   allreduce: MPI_Allreduce(MPI_SUM) of d float32, the usual data-parallel baseline.
// Each time is the slowest rank's, per step, in microseconds. The signs are random +-1 (no zeros
// up); with an even number of ranks the vote ties often, and the ties travel as zeros.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "signrate/distributed_step.hpp"
#include "signrate/mpi/exchange.hpp"
#include "signrate/mpi/link.hpp"
#include "signrate/mpi/wire.hpp"

namespace {

using namespace signrate;
using namespace signrate::mpi;
using Clock = std::chrono::steady_clock;

// Seconds per step of `step`: the slowest rank's time over `steps` steps, in the best of 5
// rounds (the machine is shared: the best round is the one least disturbed), after 3 warm-up
// steps. Step numbers keep increasing, as the transport checks.
template <class F>
double time_steps(std::uint32_t steps, F&& step) {
  std::uint32_t t = 1;
  for (; t <= 3; ++t) step(t);
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();
    for (std::uint32_t k = 0; k < steps; ++k, ++t) step(t);
    const double mine = std::chrono::duration<double>(Clock::now() - start).count() / steps;
    double slowest = 0;
    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    best = std::min(best, slowest);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, n = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  std::vector<std::uint32_t> dims;
  std::vector<std::string> labels;
  if (argc > 1 && std::string(argv[1]).rfind("d=", 0) == 0) {
    std::stringstream list(std::string(argv[1]).substr(2));
    for (std::string item; std::getline(list, item, ',');) {
      dims.push_back(static_cast<std::uint32_t>(std::stoul(item)));
      labels.push_back(item);
    }
  } else {
    const int k_min = argc > 1 ? std::atoi(argv[1]) : 10, k_max = argc > 2 ? std::atoi(argv[2]) : 22;
    for (int k = k_min; k <= k_max; ++k) dims.push_back(1u << k), labels.push_back("2^" + std::to_string(k));
  }
  Link link(MPI_COMM_WORLD, 120.0);
  if (rank == 0)
    std::printf(
        "| ranks | d | packed signs, us/step | float32 exchange, us/step | MPI_Allreduce float32, us/step | "
        "allreduce / packed | packed bytes up/rank/step | float32 bytes "
        "|\n|---|---|---|---|---|---|---|---|\n");
  for (std::size_t q = 0; q < dims.size(); ++q) {
    const std::uint32_t d = dims[q];
    // About 0.05 s a round at 1 ns a coordinate, between 5 and 500 steps.
    const std::uint32_t steps =
        static_cast<std::uint32_t>(std::clamp<std::uint64_t>(50000000ull / d, 5, 500));
    std::mt19937_64 rng(1234 + rank);
    std::vector<std::int8_t> signs(d), down(d);
    for (auto& s : signs) s = (rng() & 1) ? 1 : -1;
    std::vector<std::int32_t> votes(d);
    std::vector<const std::uint64_t*> words(n), masks(n);

    Exchange packed(link, true, 1, d);
    const double t_packed = time_steps(steps, [&](std::uint32_t t) {
      if (rank == 0) packed.post_receives();
      const std::uint64_t zeros = pack_signs(signs.data(), d, packed.up_words(), packed.up_mask());
      const int failing = packed.gather(t, zeros, false);
      std::uint64_t ties = 0;
      if (rank == 0) {
        for (int j = 0; j < n; ++j) words[j] = packed.words(j), masks[j] = packed.mask(j);
        count_votes(words.data(), masks.data(), n, d, votes.data());
        for (std::uint32_t i = 0; i < d; ++i)
          down[i] = server_sign(DistKind::kSignSgdMv, votes[i], n, RngKey{}, t, i);
        ties = pack_signs(down.data(), d, packed.down_words(), packed.down_mask());
      }
      packed.broadcast(t, ties, failing);
      if (rank != 0) unpack_signs(packed.down_words(), packed.down_mask(), d, down.data());
    });

    std::vector<float> values(d);
    for (auto& v : values) v = static_cast<float>(static_cast<double>(rng() >> 11) * 0x1p-53 - 0.5);
    std::vector<double> sums(d);
    Exchange floats(link, false, 1, d);
    const double t_float = time_steps(steps, [&](std::uint32_t t) {
      if (rank == 0) floats.post_receives();
      std::copy(values.begin(), values.end(), floats.up_values());
      const int failing = floats.gather(t, 0, false);
      if (rank == 0) {
        std::fill(sums.begin(), sums.end(), 0.0);
        for (int j = 0; j < n; ++j)
          for (std::uint32_t i = 0; i < d; ++i) sums[i] += static_cast<double>(floats.values(j)[i]);
        for (std::uint32_t i = 0; i < d; ++i) floats.down_values()[i] = static_cast<float>(sums[i] / n);
      }
      floats.broadcast(t, 0, failing);
    });

    std::vector<float> reduced(d);
    const double t_allreduce = time_steps(steps, [&](std::uint32_t) {
      MPI_Allreduce(values.data(), reduced.data(), static_cast<int>(d), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    });
    if (rank == 0)
      std::printf("| %d | %s | %.1f | %.1f | %.1f | %.2f | %llu | %llu |\n", n, labels[q].c_str(),
                  t_packed * 1e6, t_float * 1e6, t_allreduce * 1e6, t_allreduce / t_packed,
                  static_cast<unsigned long long>(kHeaderBytes + 8 * words_for(d)),
                  static_cast<unsigned long long>(4ull * d));
    std::fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
