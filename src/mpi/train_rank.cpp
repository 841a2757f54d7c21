// One worker per rank (train_rank.hpp). Per step t, in the order of WorkerGroup::step: this rank's
// forward and backward pass and its message (VoteWorker); the messages up to rank 0, which counts
// the votes in rank order and forms the reply (VoteServer); the reply down to every rank, which
// applies it (apply_reply); then each rank's measures to rank 0, summed there in rank order.
#include "train_rank.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <thread>

#include "signrate/distributed_step.hpp"
#include "signrate/error.hpp"
#include "signrate/mpi/exchange.hpp"
#include "signrate/mpi/wire.hpp"
#include "signrate/workloads/worker_group.hpp"

namespace signrate::mpi {

namespace {

using workloads::StepMeasure;

// A step's measures as they travel: loss, right, images, ||g||_1, ||g||_2, zeros, clipped.
constexpr int kMeasures = 7;

// Every rank's `count` values to rank 0, in rank order (rank 0's own first), with bounded waits;
// empty on the other ranks.
template <class T>
std::vector<T> gather_to_root(Link& link, const T* mine, int count, MPI_Datatype type, int tag,
                              const std::string& where) {
  const int n = link.size();
  std::vector<T> all(link.rank() == 0 ? static_cast<std::size_t>(count * n) : 0);
  std::vector<MPI_Request> requests;
  std::vector<int> peers;
  if (link.rank() == 0) {
    std::copy(mine, mine + count, all.begin());
    for (int j = 1; j < n; ++j) {
      requests.emplace_back();
      peers.push_back(j);
      MPI_Irecv(all.data() + count * j, count, type, j, tag, MPI_COMM_WORLD, &requests.back());
    }
    link.wait(requests, peers, link.timeout(), where);
  } else {
    requests.emplace_back();
    peers.push_back(0);
    MPI_Isend(mine, count, type, 0, tag, MPI_COMM_WORLD, &requests.back());
    link.wait(requests, peers, link.server_timeout(), where);
  }
  return all;
}

class RankWorker : public workloads::Workers {
 public:
  RankWorker(Link& link, workloads::WorkersSetup& s, const FaultHook& fault)
      : link_(link),
        me_(link.rank()),
        n_(link.size()),
        fault_(fault),
        part_(std::move(s.parts.at(static_cast<std::size_t>(me_)))),
        model_(*s.model),
        device_(s.device),
        loader_(part_, s.batch, workloads::worker_seed(s.seed, static_cast<std::uint32_t>(me_)),
                workloads::LoaderPosition{}, s.device.is_cuda()),
        spec_(s.spec),
        P_(workloads::count_parameters(model_)),
        signs_(sends_signs(s.spec.method.base.kind)),
        worker_(s.spec, static_cast<std::uint32_t>(me_), static_cast<std::uint32_t>(me_) < s.byzantine,
                s.seed, P_),
        server_(s.spec, static_cast<std::uint32_t>(n_), s.seed, P_),
        wire_(link, signs_, 1, static_cast<std::uint32_t>(P_)),
        g_(P_),
        x_(P_),
        up_(signs_ ? P_ : 0),
        down_(signs_ ? P_ : 0),
        votes_(signs_ && me_ == 0 ? P_ : 0),
        sums_(!signs_ && me_ == 0 ? P_ : 0) {
    s.parts.clear();
    // One message must fit MPI's int count of bytes.
    const std::uint64_t bytes =
        signs_ ? workloads::sign_message_bytes(P_, P_) : workloads::value_message_bytes(P_);
    if (bytes > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
      throw SpecError("a network of " + std::to_string(P_) + " parameters makes a message of " +
                      std::to_string(bytes) + " bytes with " + s.spec.name +
                      ", over MPI's 2^31 - 1 per message; allowed: a sign method, or a smaller network");
  }

  StepMeasure step(std::int64_t t) override {
    using Clock = std::chrono::steady_clock;
    const auto ts = static_cast<std::uint32_t>(t);
    const bool server = me_ == 0;
    g_current_step = ts;
    if (me_ == fault_.rank && ts == fault_.step && !fault_.stop) {
      link_.say(std::string("SIGNRATE_MPI_FAULT test hook: ") + (fault_.hang ? "hanging" : "exiting") +
                " at step " + std::to_string(t));
      if (!fault_.hang) std::_Exit(41);
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (server) wire_.post_receives();
    const auto params = model_.parameters();

    // 1. This worker's batch, gradient and message.
    bool failed = false;
    StepMeasure mine;
    std::uint64_t zeros = 0, clipped = 0;
    auto t0 = Clock::now();
    try {
      mine = workloads::forward_backward(model_, loader_.next(), device_, t, me_);
      t0 = Clock::now();
      workloads::gather_parameters(params, true, g_);
      if (signs_) {
        const std::uint64_t before = worker_.clipped();
        zeros = worker_.encode_signs(ts, g_.data(), up_.data());
        clipped = worker_.clipped() - before;
        pack_signs(up_.data(), static_cast<std::uint32_t>(P_), wire_.up_words(), wire_.up_mask());
      } else {
        worker_.encode_values(ts, g_.data(), wire_.up_values());
      }
    } catch (const std::exception& ex) {
      link_.say(std::string("error: ") + ex.what());
      failed = true;
    }

    // 2. Up to rank 0; its reply from the exact integer votes (or the float sums in rank order).
    const auto t_exchange = Clock::now();
    const int failing = wire_.gather(ts, signs_ ? zeros : 0, failed);
    if (me_ == fault_.rank && ts == fault_.step && fault_.stop) {
      link_.say("SIGNRATE_MPI_FAULT test hook: SIGSTOP at step " + std::to_string(t));
      std::raise(SIGSTOP);
    }
    std::uint64_t ties = 0;
    const auto d = static_cast<std::uint32_t>(P_);
    if (server && failing < 0) {
      if (signs_) {
        std::vector<const std::uint64_t*> words(static_cast<std::size_t>(n_)), masks(words.size());
        for (int j = 0; j < n_; ++j) words[j] = wire_.words(j), masks[j] = wire_.mask(j);
        count_votes(words.data(), masks.data(), n_, d, votes_.data());
        ties = server_.sign_reply(ts, votes_.data(), down_.data());
        pack_signs(down_.data(), d, wire_.down_words(), wire_.down_mask());
      } else {
        std::fill(sums_.begin(), sums_.end(), 0.0);
        for (int j = 0; j < n_; ++j) {
          const float* v = wire_.values(j);
          for (std::uint32_t i = 0; i < d; ++i) sums_[i] += static_cast<double>(v[i]);
        }
        server_.value_reply(ts, sums_.data(), wire_.down_values());
      }
    }

    // 3. The reply to every rank, applied by every rank.
    const WireHeader h = wire_.broadcast(ts, ties, failing);
    exchange_seconds_ += std::chrono::duration<double>(Clock::now() - t_exchange).count();
    if (h.flags & kFailed) {
      if (!failed)
        link_.say("stopping at step " + std::to_string(t) + ": rank " + std::to_string(h.rank) + " failed");
      throw RunStopped("rank " + std::to_string(h.rank) + " failed at step " + std::to_string(t));
    }
    const double lr = spec_.method.coeffs_at(ts).eta;
    workloads::gather_parameters(params, false, x_);
    if (signs_) {
      if (!server) unpack_signs(wire_.down_words(), wire_.down_mask(), d, down_.data());
      workloads::apply_reply(lr, down_.data(), P_, x_.data());
    } else {
      workloads::apply_reply(lr, wire_.down_values(), P_, x_.data());
    }
    workloads::scatter_parameters(x_, params);
    vote_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();

    // 4. The measures, summed on rank 0 in rank order (as WorkerGroup sums its workers).
    const double own[kMeasures] = {mine.loss,
                                   mine.right,
                                   mine.images,
                                   mine.grad_l1,
                                   mine.grad_l2,
                                   static_cast<double>(zeros),
                                   static_cast<double>(clipped)};
    const std::vector<double> all =
        gather_to_root(link_, own, kMeasures, MPI_DOUBLE, kTagMeasure, "at step " + std::to_string(t));
    StepMeasure sum;
    if (!server) return sum;  // only rank 0's measures are recorded
    for (int j = 0; j < n_; ++j) {
      const double* m = all.data() + kMeasures * j;
      workloads::StepMeasure batch;
      batch.loss = m[0], batch.right = m[1], batch.images = m[2], batch.grad_l1 = m[3], batch.grad_l2 = m[4];
      sum.add_batch(batch);
      sum.vote.clipped += static_cast<std::uint64_t>(m[6]);
      sum.vote.bytes_up += signs_ ? workloads::sign_message_bytes(P_, static_cast<std::uint64_t>(m[5]))
                                  : workloads::value_message_bytes(P_);
    }
    sum.vote.ties = ties;
    sum.vote.bytes_down =
        signs_ ? workloads::sign_message_bytes(P_, ties) : workloads::value_message_bytes(P_);
    return sum;
  }

  // Every rank's wire counts to rank 0, and MPI_Allreduce of the same number of float32 (what
  // data-parallel SGD sends each step) timed on the same ranks.
  nlohmann::json report(std::int64_t steps) override {
    constexpr int kCounts = 5;
    const WireCounts& c = wire_.counts();
    const std::uint64_t mine[kCounts] = {c.bytes_up, c.bytes_down, c.messages_up, c.messages_down,
                                         c.zeros_up};
    const std::vector<std::uint64_t> all =
        gather_to_root(link_, mine, kCounts, MPI_UINT64_T, kTagReport, "at the end");
    // The float32 baseline: 1 warm-up, then the best of 3 (the machine may be shared); bounded
    // waits, as every other wait.
    double best = 0;
    if (P_ <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
      std::vector<float> ones(P_, 1.0f), reduced(P_);
      const auto collective = [&](auto start) {
        std::vector<MPI_Request> requests(1);
        start(&requests[0]);
        link_.wait(requests, std::vector<int>{0}, link_.server_timeout(), "at the end");
      };
      for (int k = 0; k < 4; ++k) {
        collective([](MPI_Request* r) { MPI_Ibarrier(MPI_COMM_WORLD, r); });
        const auto t0 = std::chrono::steady_clock::now();
        collective([&](MPI_Request* r) {
          MPI_Iallreduce(ones.data(), reduced.data(), static_cast<int>(P_), MPI_FLOAT, MPI_SUM,
                         MPI_COMM_WORLD, r);
        });
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (k == 1 || (k > 1 && s < best)) best = s;
      }
    }
    if (me_ != 0) return nlohmann::json::object();
    nlohmann::json per_rank = nlohmann::json::array();
    std::uint64_t up = 0;
    for (int j = 0; j < n_; ++j) {
      const std::uint64_t* r = all.data() + kCounts * j;
      per_rank.push_back({{"rank", j},
                          {"bytes_up", r[0]},
                          {"bytes_down", r[1]},
                          {"messages_up", r[2]},
                          {"messages_down", r[3]},
                          {"zeros_up", r[4]}});
      up += r[0];
    }
    const auto T = static_cast<double>(steps);
    return {{"measured_bytes_up_per_step", static_cast<double>(up) / T},
            {"measured_bytes_down_per_rank_per_step", static_cast<double>(all[1]) / T},
            {"exchange_seconds_per_step", exchange_seconds_ / T},
            {"allreduce_float32_seconds", best > 0 ? nlohmann::json(best) : nlohmann::json(nullptr)},
            {"allreduce_float32_bytes", 4 * P_},
            {"per_rank", per_rank},
            {"note",
             "measured bytes handed to MPI (rank 0's own message is handed over in memory but counted); "
             "exchange: rank 0's time from sending its message to holding the reply; allreduce: "
             "MPI_Allreduce of the same number of float32 on the same ranks after the run, best of 3"}};
  }

  // Each rank holds only its own statistics; rank 0 (worker 0) is the one that evaluates.
  void load_statistics(std::uint32_t) override {}
  std::uint64_t parameters() const override { return P_; }
  double vote_seconds() const override { return vote_seconds_; }

 private:
  Link& link_;
  int me_, n_;
  FaultHook fault_;
  workloads::DataSet part_;
  workloads::Network& model_;
  torch::Device device_;
  workloads::BatchLoader loader_;
  workloads::VoteSpec spec_;
  std::uint64_t P_;
  bool signs_;
  workloads::VoteWorker worker_;
  workloads::VoteServer server_;
  Exchange wire_;
  std::vector<double> g_, x_;
  std::vector<std::int8_t> up_, down_;
  std::vector<std::int32_t> votes_;
  std::vector<double> sums_;
  double vote_seconds_ = 0, exchange_seconds_ = 0;
};

}  // namespace

void use_rank_worker(Link& link, workloads::TrainCallbacks& callbacks, const FaultHook& fault) {
  callbacks.make_workers = [&link,
                            fault](workloads::WorkersSetup& setup) -> std::unique_ptr<workloads::Workers> {
    return std::make_unique<RankWorker>(link, setup, fault);
  };
}

}  // namespace signrate::mpi
