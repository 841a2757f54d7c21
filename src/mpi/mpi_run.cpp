// The step loop of signrate-mpi. Per step t, the parts of run_replicate (src/cpu/distributed_engine.cpp)
// in the same order for every replicate r: rank 0 records x_t; rank j computes grad f_j(x_t) and
// NodeWorker(e, r, j)'s message; the messages travel to rank 0 (wire.hpp), which forms the exact
// integer votes (or the float sums in rank order) and the Server's reply; the reply is broadcast
// and every rank applies it to its copy of x.
#include "mpi_run.hpp"

#include <bit>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "signrate/distributed.hpp"
#include "signrate/distributed_nodes.hpp"
#include "signrate/error.hpp"
#include "signrate/mpi/exchange.hpp"
#include "signrate/mpi/wire.hpp"
#include "signrate/replicate_metrics.hpp"
#include "signrate/replicate_pool.hpp"

namespace signrate::mpi {

volatile std::uint32_t g_current_step = 0;

FaultHook FaultHook::from_environment() {
  FaultHook f;
  const char* rank = std::getenv("SIGNRATE_MPI_FAULT_RANK");
  const char* step = std::getenv("SIGNRATE_MPI_FAULT_STEP");
  const char* mode = std::getenv("SIGNRATE_MPI_FAULT_MODE");
  if (!rank || !step) return f;
  f.rank = std::atoi(rank);
  f.step = static_cast<std::uint32_t>(std::strtoul(step, nullptr, 10));
  f.hang = mode && std::string(mode) == "hang";
  f.stop = mode && std::string(mode) == "stop";
  return f;
}

MpiRun run_mpi(const Experiment& e, const EngineOptions& options, Link& link, const FaultHook& fault,
               const std::function<void(const MpiRun&)>& before_end) {
  const auto start = std::chrono::steady_clock::now();
  const std::uint32_t d = e.problem.dim(), R = e.spec.replicates, T = e.spec.T;
  const int n = link.size(), me = link.rank();
  const bool server = me == 0, signs = sends_signs(e.dist.base.kind);
  const std::uint64_t W = words_for(d);
  const unsigned threads = options.threads;

  std::vector<NodeWorker> workers;
  workers.reserve(R);
  for (std::uint32_t r = 0; r < R; ++r) workers.emplace_back(e, r, static_cast<std::uint32_t>(me));
  MpiRun run;
  std::vector<Server> servers;
  std::vector<Recorder> recorders;
  if (server) {
    RunResult& out = run.result;
    out.allocate(R, e.checkpoints.size());
    servers.reserve(R);
    for (std::uint32_t r = 0; r < R; ++r)
      servers.emplace_back(e, r), recorders.push_back(make_recorder(e, r, out));
  }
  std::vector<std::vector<double>> scratch(server ? R : 0), chunks(server ? R : 0);
  Exchange wire(link, signs, R, d);
  std::vector<std::vector<double>> x(R, e.problem.x0), grad(R, std::vector<double>(d));
  std::vector<std::int8_t> up_signs(signs ? std::uint64_t{R} * d : 0), down_signs(up_signs.size());
  std::vector<std::int32_t> votes(server && signs ? std::uint64_t{R} * d : 0);
  std::vector<double> sums(server && !signs ? std::uint64_t{R} * d : 0);
  std::vector<std::uint64_t> zeros_of(R), ties_of(R);  // per replicate, this step

  for (std::uint32_t t = 1; t <= T; ++t) {
    g_current_step = t;
    if (me == fault.rank && t == fault.step && !fault.stop) {
      link.say(std::string("SIGNRATE_MPI_FAULT test hook: ") + (fault.hang ? "hanging" : "exiting") +
               " at step " + std::to_string(t));
      if (!fault.hang) std::_Exit(41);
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (server) wire.post_receives();

    // 1. This node's message for every replicate (rank 0 first records x_t, as run_replicate).
    bool failed = false;
    try {
      cpu::for_each_replicate(R, threads, [&](std::uint32_t r) {
        if (server) {
          Recorder& rec = recorders[r];
          if (!rec.record(t,
                          measure_point(e.problem, x[r].data(), rec.is_checkpoint(t), scratch[r], chunks[r])))
            throw_diverged(r, t, T);
        }
        node_gradient(e.problem, static_cast<std::uint32_t>(me), x[r].data(), grad[r].data());
        if (signs) {
          std::int8_t* s = up_signs.data() + std::uint64_t{r} * d;
          workers[r].step(t, grad[r].data(), s, nullptr);
          zeros_of[r] = pack_signs(s, d, wire.up_words() + r * W, wire.up_mask() + r * W);
        } else {
          workers[r].step(t, grad[r].data(), nullptr, wire.up_values() + std::uint64_t{r} * d);
        }
      });
    } catch (const std::exception& ex) {
      link.say(std::string("error: ") + ex.what());
      failed = true;
    }

    // 2. Up to the server; the server's reply from the exact integer votes (or the float sums).
    std::uint64_t zeros = 0;
    for (auto v : zeros_of) zeros += v;
    const int failing = wire.gather(t, signs ? zeros : 0, failed);
    if (me == fault.rank && t == fault.step && fault.stop) {
      link.say("SIGNRATE_MPI_FAULT test hook: SIGSTOP at step " + std::to_string(t));
      std::raise(SIGSTOP);
    }
    std::uint64_t ties = 0;
    if (server && failing < 0) {
      if (signs) {
        cpu::for_each_replicate(R, threads, [&](std::uint32_t r) {
          std::int32_t* v = votes.data() + std::uint64_t{r} * d;
          std::vector<const std::uint64_t*> words(n), masks(n);
          std::uint64_t z = 0;
          for (int j = 0; j < n; ++j) {
            words[j] = wire.words(j) + r * W;
            masks[j] = wire.mask(j) ? wire.mask(j) + r * W : nullptr;
            if (masks[j])
              for (std::uint64_t w = 0; w < W; ++w)
                z += static_cast<std::uint64_t>(std::popcount(masks[j][w]));
          }
          count_votes(words.data(), masks.data(), n, d, v);
          run.result.zeros_up[r] += z;
          std::int8_t* s = down_signs.data() + std::uint64_t{r} * d;
          servers[r].sign_down(t, v, s);
          ties_of[r] = pack_signs(s, d, wire.down_words() + r * W, wire.down_mask() + r * W);
        });
        for (auto v : ties_of) ties += v;
      } else {
        // Sums in rank order into doubles, as the in-process loop adds node j = 0..n-1.
        cpu::for_each_replicate(R, threads, [&](std::uint32_t r) {
          double* s = sums.data() + std::uint64_t{r} * d;
          std::fill(s, s + d, 0.0);
          for (int j = 0; j < n; ++j) {
            const float* v = wire.values(j) + std::uint64_t{r} * d;
            for (std::uint32_t i = 0; i < d; ++i) s[i] += static_cast<double>(v[i]);
          }
          servers[r].value_down(t, s, wire.down_values() + std::uint64_t{r} * d);
        });
      }
    }

    // 3. The reply to every rank, then the update on every rank.
    const WireHeader h = wire.broadcast(t, ties, failing);
    if (h.flags & kFailed) {
      if (!failed)
        link.say("stopping at step " + std::to_string(t) + ": rank " + std::to_string(h.rank) + " failed");
      throw RunStopped("rank " + std::to_string(h.rank) + " failed at step " + std::to_string(t));
    }
    const double eta = e.dist.coeffs_at(t).eta;
    cpu::for_each_replicate(R, threads, [&](std::uint32_t r) {
      if (signs) {
        std::int8_t* s = down_signs.data() + std::uint64_t{r} * d;
        if (!server) unpack_signs(wire.down_words() + r * W, wire.down_mask() + r * W, d, s);
        apply_down(eta, s, d, x[r].data());
      } else {
        apply_down(eta, wire.down_values() + std::uint64_t{r} * d, d, x[r].data());
      }
    });
  }
  g_current_step = T + 1;

  // The end: rank 0 records x_{T+1}; every rank reports its clipping and its wire counts.
  bool failed = false;
  if (server) {
    try {
      for (std::uint32_t r = 0; r < R; ++r)
        if (!finish_replicate(e, recorders[r], x[r], r, run.result)) throw_diverged(r, T + 1, T);
    } catch (const std::exception& ex) {
      link.say(std::string("error: ") + ex.what());
      failed = true;
    }
  }
  constexpr std::size_t kCounts = 5;
  const WireCounts& c = wire.counts();
  std::vector<std::vector<std::uint64_t>> reports(server ? n : 1);
  reports[0] = {c.bytes_up, c.bytes_down, c.messages_up, c.messages_down, c.zeros_up};
  for (const auto& w : workers) reports[0].push_back(w.clipped());
  std::vector<MPI_Request> requests;
  std::vector<int> peers;
  if (server) {
    for (int j = 1; j < n; ++j) {
      reports[j].resize(kCounts + R);
      requests.emplace_back();
      peers.push_back(j);
      MPI_Irecv(reports[j].data(), static_cast<int>(reports[j].size() * 8), MPI_BYTE, j, kTagReport,
                MPI_COMM_WORLD, &requests.back());
    }
    link.wait(requests, peers, link.timeout(), "at the end");
    run.counts.resize(n);
    for (int j = 0; j < n; ++j) {
      const auto& rep = reports[j];
      run.counts[j] = {rep[0], rep[1], rep[2], rep[3], rep[4]};
      for (std::uint32_t r = 0; r < R; ++r) run.result.clipped[r] += rep[kCounts + r];
    }
    for (std::uint32_t r = 0; r < R; ++r) run.result.ties_down[r] = servers[r].ties();
    run.result.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!failed) {
      try {
        before_end(run);
      } catch (const std::exception& ex) {
        link.say(std::string("error: ") + ex.what());
        failed = true;
      }
    }
  } else {
    requests.emplace_back();
    peers.push_back(0);
    MPI_Isend(reports[0].data(), static_cast<int>(reports[0].size() * 8), MPI_BYTE, 0, kTagReport,
              MPI_COMM_WORLD, &requests.back());
    link.wait(requests, peers, link.server_timeout(), "at the end");
  }
  // The verdict: 1 when rank 0 could not finish.
  std::uint32_t verdict = failed ? 1 : 0;
  requests.assign(1, MPI_REQUEST_NULL);
  peers.assign(1, 0);
  MPI_Ibcast(&verdict, 1, MPI_UINT32_T, 0, MPI_COMM_WORLD, &requests[0]);
  link.wait(requests, peers, server ? link.timeout() : link.server_timeout(), "at the end");
  if (verdict) {
    if (!server) link.say("stopping at the end: rank 0 (the server) failed");
    throw RunStopped("rank 0 failed at the end");
  }
  return run;
}

nlohmann::json mpi_json(const Experiment& e, const MpiRun& run, const Link& link) {
  const std::uint64_t d = e.spec.d, R = e.spec.replicates, T = e.spec.T;
  const bool signs = sends_signs(e.dist.base.kind);
  const std::uint64_t payload = signs ? R * words_for(d) * 8 : R * d * 4;
  nlohmann::json per_rank = nlohmann::json::array(), up = nlohmann::json::array(),
                 down = nlohmann::json::array();
  for (std::size_t j = 0; j < run.counts.size(); ++j) {
    const WireCounts& c = run.counts[j];
    per_rank.push_back({{"rank", j},
                        {"bytes_up", c.bytes_up},
                        {"bytes_down", c.bytes_down},
                        {"messages_up", c.messages_up},
                        {"messages_down", c.messages_down},
                        {"zeros_up", c.zeros_up}});
    up.push_back(static_cast<double>(c.bytes_up) / static_cast<double>(T));
    down.push_back(static_cast<double>(c.bytes_down) / static_cast<double>(T));
  }
  return {{"ranks", link.size()},
          {"server_rank", 0},
          {"timeout_s", link.timeout()},
          {"payload", signs ? "signs, 1 bit per coordinate" : "float32"},
          {"bit_order", signs ? kSignBitOrder : ""},
          {"header_bytes", kHeaderBytes},
          {"payload_bytes_per_message", payload},
          {"bytes_per_step_without_zeros", kHeaderBytes + payload},
          {"bytes_up_per_rank_per_step", up},
          {"bytes_down_per_rank_per_step", down},
          {"per_rank", per_rank},
          {"note",
           "measured bytes handed to MPI per rank over the run, divided by T; up: the rank's message to the "
           "server (rank 0's own is handed over in memory), down: the server's broadcast as received; a "
           "second message carries the zeros (sign 0 up, ties down) when there are any"}};
}

}  // namespace signrate::mpi
