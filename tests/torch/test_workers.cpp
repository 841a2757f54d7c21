// n workers with a distributed optimizer (workloads/worker_group.cpp, workloads/optim/vote.cpp,
// workloads/data/shards.cpp, `signrate train --workers`): on float64 CPU tensors a worker group's
// network equals, bit for bit, a reference that calls the simulator's per-coordinate functions
// (node_state_update, node_unbiased_sign, server_sign; distributed_step.hpp) one coordinate at a
// time; the splits divide the training set as documented; the byte counts follow the MPI wire
// format; `signrate train --workers 8` trains a small ResNet, and bad input exits 2.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../cli_process.hpp"
#include "signrate/canonical_sum.hpp"
#include "signrate/distributed_step.hpp"
#include "signrate/error.hpp"
#include "signrate/mpi/wire.hpp"
#include "signrate/workloads/worker_group.hpp"

namespace signrate::workloads {
namespace {

using Vec = std::vector<double>;

// The simulator's functions one coordinate at a time, in the order docs/components.md's "Distributed
// methods" table states: each worker's state update and sign (or S_R, clipped where clip=1 asks),
// negated by a Byzantine worker; the exact vote; the server's reply; x -= lr * reply.
struct Reference {
  VoteSpec spec;
  std::uint32_t workers, byzantine;
  std::uint64_t seed;
  std::vector<Vec> m;
  Vec buf;
  std::uint64_t clipped = 0, ties = 0;

  void step(std::uint32_t t, const std::vector<Vec>& g, Vec& x) {
    const DistCoeffs c = spec.method.coeffs_at(t);
    const RngKey server_key = derive_key(seed, 0, 0, Stream::kServer);
    if (m.empty()) m.assign(workers, Vec(x.size(), 0.0)), buf.assign(x.size(), 0.0);
    // SSDM: each worker's message needs ||m^j||_2 (squares in the canonical order) after its update.
    std::vector<std::vector<float>> whole(workers);
    if (c.kind == DistKind::kSsdm)
      for (std::uint32_t j = 0; j < workers; ++j) {
        for (std::uint32_t i = 0; i < x.size(); ++i) m[j][i] = c.mu * m[j][i] + (1 - c.mu) * g[j][i];
        std::vector<double> chunks(sum_chunks(x.size()));
        const double R = std::sqrt(canonical_sum(
            x.size(), [&](std::uint64_t i) { return m[j][i] * m[j][i]; }, chunks.data()));
        const RngKey key = derive_key(seed, 0, j, Stream::kUnbiasedSign);
        for (std::uint32_t i = 0; i < x.size(); ++i)
          whole[j].push_back(R == 0 ? 0.0f
                                    : static_cast<float>(j < byzantine ? -R : R) *
                                          static_cast<float>(node_unbiased_sign(m[j][i], R, key, t, i)));
      }
    for (std::uint32_t i = 0; i < x.size(); ++i) {
      if (sends_signs(c.kind)) {
        std::int32_t vote = 0;
        for (std::uint32_t j = 0; j < workers; ++j) {
          double v = node_state_update(c, g[j][i], m[j][i]);
          double s = static_cast<double>((v > 0) - (v < 0));
          if (needs_bound_R(recipe_of(c.kind))) {
            if (std::abs(v) > c.R) {
              EXPECT_TRUE(c.clip);
              v = v > 0 ? c.R : -c.R;
              ++clipped;
            }
            s = node_unbiased_sign(v, c.R, derive_key(seed, 0, j, Stream::kUnbiasedSign), t, i);
          }
          vote += static_cast<std::int32_t>(j < byzantine ? -s : s);
        }
        const std::int8_t down = server_sign(c.kind, vote, workers, server_key, t, i);
        ties += down == 0;
        x[i] -= c.eta * static_cast<double>(down);
      } else {
        double sum = 0;
        for (std::uint32_t j = 0; j < workers; ++j)
          sum += c.kind == DistKind::kSsdm
                     ? static_cast<double>(whole[j][i])
                     : static_cast<double>(static_cast<float>(j < byzantine ? -g[j][i] : g[j][i]));
        const double mean = sum / workers;
        double reply = mean;
        if (c.kind == DistKind::kSgdmDist) reply = buf[i] = (t == 1 ? 0.0 : c.mu) * buf[i] + mean;
        x[i] -= c.eta * static_cast<double>(static_cast<float>(reply));
      }
    }
  }
};

Vec flat(const std::vector<torch::Tensor>& tensors, bool grads) {
  Vec out;
  for (const auto& p : tensors) {
    const torch::Tensor v = (grads ? p.grad() : p).detach().contiguous();
    out.insert(out.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
  }
  return out;
}

void unflat(const Vec& x, const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  std::size_t at = 0;
  for (const auto& p : params) {
    std::memcpy(p.data_ptr<double>(), x.data() + at, static_cast<std::size_t>(p.numel()) * sizeof(double));
    at += static_cast<std::size_t>(p.numel());
  }
}

bool same_bits(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (std::memcmp(a[k].data_ptr(), b[k].data_ptr(), static_cast<std::size_t>(a[k].nbytes())) != 0)
      return false;
  return a.size() == b.size();
}

std::shared_ptr<Network> double_model(const DataSet& data) {
  torch::manual_seed(7);
  auto model = make_model(parse_model_spec("resnet:blocks=1,width=4"), data.channels(), data.classes);
  model->to(torch::kDouble);
  model->train();
  return model;
}

// Three steps of a worker group (4 workers, one Byzantine, by-class parts) against the reference
// driving an identical network with the same batches: the same parameter bits after every step,
// the same BatchNorm statistics, the same clipped and tied counts.
void expect_group_equals_reference(const std::string& optimizer) {
  SCOPED_TRACE(optimizer);
  torch::set_num_threads(1);
  const DataSet data = load_data("synthetic:classes=4,n=64,test=16,size=8,channels=1");
  constexpr std::uint32_t kWorkers = 4, kByzantine = 1;
  constexpr std::uint64_t kSeed = 11;
  const VoteSpec spec = parse_vote_spec(optimizer);
  auto a = double_model(data), b = double_model(data);
  ASSERT_TRUE(same_bits(a->parameters(), b->parameters()));
  WorkersSetup setup{
      split_train(data, kWorkers, "by-class", kSeed), spec, 8, kSeed, kByzantine, a.get(), torch::kCPU};
  WorkerGroup group(setup);

  const std::vector<DataSet> parts = split_train(data, kWorkers, "by-class", kSeed);
  std::vector<std::unique_ptr<BatchLoader>> loaders;
  std::vector<std::vector<torch::Tensor>> stats(kWorkers);
  for (std::uint32_t j = 0; j < kWorkers; ++j) {
    loaders.push_back(
        std::make_unique<BatchLoader>(parts[j], 8, worker_seed(kSeed, j), LoaderPosition{}, false));
    for (const auto& buffer : b->buffers()) stats[j].push_back(buffer.detach().clone());
  }
  Reference ref{spec, kWorkers, kByzantine, kSeed, {}, {}};
  std::uint64_t clipped = 0, ties = 0;
  for (std::uint32_t t = 1; t <= 3; ++t) {
    const StepMeasure got = group.step(t);
    clipped += got.vote.clipped;
    ties += got.vote.ties;
    std::vector<Vec> g;
    for (std::uint32_t j = 0; j < kWorkers; ++j) {
      torch::NoGradGuard no_grad;
      auto buffers = b->buffers();
      for (std::size_t k = 0; k < buffers.size(); ++k) buffers[k].copy_(stats[j][k]);
      {
        torch::AutoGradMode grad_on(true);
        forward_backward(*b, loaders[j]->next(), torch::kCPU, t, j);
      }
      for (std::size_t k = 0; k < buffers.size(); ++k) stats[j][k].copy_(buffers[k]);
      g.push_back(flat(b->parameters(), true));
    }
    Vec x = flat(b->parameters(), false);
    ref.step(t, g, x);
    unflat(x, b->parameters());
    ASSERT_TRUE(same_bits(a->parameters(), b->parameters())) << "step " << t;
  }
  for (std::uint32_t j = 0; j < kWorkers; ++j) {
    group.load_statistics(j);
    EXPECT_TRUE(same_bits(a->buffers(), stats[j])) << "worker " << j << "'s statistics";
  }
  EXPECT_EQ(clipped, ref.clipped);
  EXPECT_EQ(ties, ref.ties);
}

TEST(WorkerGroup, EveryDistributedMethodEqualsTheSimulatorsFunctionsBitForBit) {
  for (const char* opt :
       {"signsgd-mv:lr=0.01", "signum-mv:lr=0.01,mu=0.8", "sto-signsgd:lr=0.01,R=0.05,clip=1",
        "mv-signsgd-sim:lr=0.01,beta=0.3", "mv-sto-signsgd-sim:lr=0.01,beta=0.3,R=0.05,clip=1",
        "mvsm-v1:lr=0.01,beta=0.3,R=0.05,clip=1", "mvsm-v2:lr=0.01,beta=0.3,R=10",
        "mvsm-v2:lr=0.01,beta=0.3,R=0.02,clip=1", "sgd-dist:lr=0.05", "sgdm-dist:lr=0.05,mu=0.7",
        "ssdm:lr=0.01,mu=0.8"})
    expect_group_equals_reference(opt);
}

// Synthetic gradients with exact zeros and a spread of magnitudes, for worker j at step t.
Vec synthetic_gradient(std::uint64_t n, std::uint32_t t, std::uint32_t j) {
  std::mt19937_64 rng(1000 * t + j);
  std::normal_distribution<double> normal(0.0, 0.02);
  Vec g(n);
  for (auto& v : g) v = (rng() % 17 == 0) ? 0.0 : normal(rng);
  return g;
}

// Over several tiles (10,001 coordinates: two full tiles of 4,096 and an odd last one), the
// VoteStep equals the per-coordinate reference: S_R's Philox pairs continue across tiles.
TEST(VoteStep, EqualsTheSimulatorsFunctionsOverSeveralTiles) {
  torch::set_num_threads(1);
  constexpr std::uint64_t kP = 10001;
  for (const char* opt :
       {"signsgd-mv:lr=0.01", "sto-signsgd:lr=0.01,R=0.03,clip=1", "mvsm-v1:lr=0.01,R=0.03,clip=1",
        "mvsm-v2:lr=0.01,beta=0.3,R=0.5", "sgdm-dist:lr=0.05,mu=0.7", "ssdm:lr=0.01,mu=0.7"}) {
    SCOPED_TRACE(opt);
    const VoteSpec spec = parse_vote_spec(opt);
    VoteStep vote(spec, 4, 1, 17, kP);
    Reference ref{spec, 4, 1, 17, {}, {}};
    Vec x(kP, 0.25), y = x;
    std::uint64_t clipped = 0, ties = 0;
    for (std::uint32_t t = 1; t <= 3; ++t) {
      std::vector<Vec> g;
      for (std::uint32_t j = 0; j < 4; ++j) {
        g.push_back(synthetic_gradient(kP, t, j));
        vote.add_worker(t, j, g.back().data());
      }
      const VoteStepStats s = vote.finish(t, x.data());
      clipped += s.clipped;
      ties += s.ties;
      ref.step(t, g, y);
      ASSERT_EQ(std::memcmp(x.data(), y.data(), kP * sizeof(double)), 0) << "step " << t;
    }
    EXPECT_EQ(clipped, ref.clipped);
    EXPECT_EQ(ties, ref.ties);
  }
}

// The vote runs tile by tile on LibTorch's threads: 1 and 4 threads give the same bits, counts and
// first error. 300,001 coordinates are 74 tiles, more than parallel_for's grain of 16, so the
// tiles are really divided among the threads.
TEST(VoteStep, TheThreadCountChangesNothing) {
  const auto run = [](int threads, const std::string& optimizer, std::string* error) {
    torch::set_num_threads(threads);
    EXPECT_EQ(at::get_num_threads(), threads);
    constexpr std::uint64_t kP = 300001;
    VoteStep vote(parse_vote_spec(optimizer), 5, 1, 21, kP);
    Vec x(kP, 0.5);
    std::vector<VoteStepStats> stats;
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal(0.0, 0.02);
    try {
      for (std::uint32_t t = 1; t <= 3; ++t) {
        for (std::uint32_t j = 0; j < 5; ++j) {
          Vec g(kP);
          for (auto& v : g) v = normal(rng);
          if (t == 2 && j == 3) g[290000] = g[5000] = 5.0;  // states outside R = 0.1: the first is 5000
          vote.add_worker(t, j, g.data());
        }
        stats.push_back(vote.finish(t, x.data()));
      }
    } catch (const RunError& e) {
      *error = e.what();
    }
    return std::make_pair(x, stats);
  };
  for (const char* opt : {"mvsm-v2:lr=0.01,R=0.1,clip=1", "mvsm-v1:lr=0.01,R=0.1", "sgdm-dist:lr=0.1"}) {
    SCOPED_TRACE(opt);
    std::string e1, e3;
    const auto [x1, s1] = run(1, opt, &e1);
    const auto [x3, s3] = run(4, opt, &e3);
    EXPECT_EQ(std::memcmp(x1.data(), x3.data(), x1.size() * sizeof(double)), 0);
    ASSERT_EQ(s1.size(), s3.size());
    for (std::size_t k = 0; k < s1.size(); ++k) {
      EXPECT_EQ(s1[k].clipped, s3[k].clipped);
      EXPECT_EQ(s1[k].ties, s3[k].ties);
      EXPECT_EQ(s1[k].bytes_up, s3[k].bytes_up);
    }
    EXPECT_EQ(e1, e3);
    if (std::string(opt).find("clip") == std::string::npos &&
        std::string(opt).find("mvsm") != std::string::npos)
      EXPECT_NE(e1.find("worker 3 at step 2, parameter 5000"), std::string::npos) << e1;
  }
  torch::set_num_threads(1);
}

TEST(WorkerGroup, ClippingAndTiesAreCounted) {  // the cases above exercise both: a guard that they do
  const DataSet data = load_data("synthetic:classes=4,n=64,test=16,size=8,channels=1");
  auto model = double_model(data);
  WorkersSetup setup{split_train(data, 4, "iid", 3),
                     parse_vote_spec("mvsm-v1:lr=0.01,R=0.02,clip=1"),
                     8,
                     3,
                     0,
                     model.get(),
                     torch::kCPU};
  WorkerGroup clip_group(setup);
  const StepMeasure s = clip_group.step(1);
  EXPECT_GT(s.vote.clipped, 0u);
  EXPECT_GT(s.vote.ties, 0u);  // 4 workers: even votes tie
  EXPECT_EQ(s.vote.bytes_down, sign_message_bytes(clip_group.parameters(), s.vote.ties));
}

TEST(WorkerGroup, AStateOutsideRWithoutClipStopsNamingWorkerStepAndParameter) {
  const DataSet data = load_data("synthetic:classes=4,n=64,test=16,size=8,channels=1");
  auto model = double_model(data);
  WorkersSetup setup{split_train(data, 2, "iid", 3),
                     parse_vote_spec("mvsm-v2:lr=0.01,R=1e-6"),
                     8,
                     3,
                     0,
                     model.get(),
                     torch::kCPU};
  WorkerGroup group(setup);
  try {
    group.step(1);
    FAIL() << "no error";
  } catch (const RunError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("worker 0 at step 1, parameter "), std::string::npos) << what;
    EXPECT_NE(what.find("allowed: a larger R, or clip=1"), std::string::npos) << what;
  }
}

TEST(VoteSpec, NamesAndKeysAreChecked) {
  EXPECT_EQ(parse_vote_spec("mvsm-v2:R=0.5").resolved["beta"], 0.1);
  EXPECT_EQ(parse_vote_spec("sgd-dist").lr, 0.05);
  EXPECT_EQ(parse_vote_spec("signum-mv:beta=0.2").method.base.mu, 0.8);
  EXPECT_THROW(parse_vote_spec("mvsm-v2"), SpecError);              // R is needed
  EXPECT_THROW(parse_vote_spec("signsgd-mv:beta=0.5"), SpecError);  // no effect
  EXPECT_THROW(parse_vote_spec("mvsm-v2:R=0"), SpecError);
  EXPECT_THROW(parse_vote_spec("mvsm-v2:R=1,clip=2"), SpecError);
  try {
    parse_vote_spec("mvsm-v1:lr=0.1");
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("R is needed"), std::string::npos) << e.what();
  }
}

TEST(VoteStep, MessageBytesFollowTheWireFormat) {
  for (std::uint64_t d :
       {std::uint64_t{1}, std::uint64_t{63}, std::uint64_t{64}, std::uint64_t{65}, std::uint64_t{11173962}})
    for (std::uint64_t zeros : {std::uint64_t{0}, std::uint64_t{1}, d / 17, d}) {
      const std::uint64_t words = mpi::words_for(d);
      EXPECT_EQ(sign_message_bytes(d, zeros), mpi::kHeaderBytes + 8 * words + mpi::zeros_bytes(zeros, words))
          << d << " " << zeros;
    }
  EXPECT_EQ(value_message_bytes(1000), mpi::kHeaderBytes + 4000u);
}

// Labels of a part, as a vector.
std::vector<std::int64_t> labels_of(const DataSet& d) {
  const torch::Tensor l = d.train.labels.contiguous();
  return {l.data_ptr<std::int64_t>(), l.data_ptr<std::int64_t>() + l.numel()};
}

TEST(SplitTrain, EveryPartIsAsDocumented) {
  const DataSet data = load_data("synthetic:classes=5,n=203,test=8,size=4,channels=1");
  const torch::Tensor class_counts = data.train.labels.bincount({}, 5);
  for (const char* split : {"iid", "by-class", "dirichlet:alpha=0.3", "dirichlet:alpha=100"}) {
    SCOPED_TRACE(split);
    const auto parts = split_train(data, 4, split, 9);
    ASSERT_EQ(parts.size(), 4u);
    torch::Tensor counts = torch::zeros({5}, torch::kLong);
    std::int64_t images = 0;
    for (const auto& p : parts) {
      counts += p.train.labels.bincount({}, 5);
      images += p.train.size();
      EXPECT_EQ(p.test.size(), data.test.size());
      EXPECT_EQ(p.mean, data.mean);
      if (std::string(split) == "iid" || std::string(split) == "by-class") {
        EXPECT_GE(p.train.size(), 50);  // 203 among 4: 50 or 51
        EXPECT_LE(p.train.size(), 51);
      }
    }
    EXPECT_EQ(images, data.train.size());  // every image in one part
    EXPECT_TRUE(torch::equal(counts, class_counts));
    // The same seed, the same parts.
    const auto again = split_train(data, 4, split, 9);
    for (std::size_t j = 0; j < parts.size(); ++j)
      EXPECT_TRUE(torch::equal(parts[j].train.images, again[j].train.images));
  }
  // by-class: each part's classes follow the previous part's.
  const auto by_class = split_train(data, 4, "by-class", 9);
  std::int64_t previous = 0;
  for (const auto& p : by_class) {
    const auto l = labels_of(p);
    EXPECT_TRUE(std::is_sorted(l.begin(), l.end()));
    EXPECT_GE(l.front(), previous);
    previous = l.back();
  }
  // dirichlet: large alpha is near iid, small alpha concentrates a class on few workers.
  const auto share_of_largest = [&](const char* split) {
    double worst = 0;
    for (const auto& p : split_train(data, 4, split, 9))
      worst = std::max(worst, static_cast<double>(p.train.size()) / static_cast<double>(data.train.size()));
    return worst;
  };
  EXPECT_LT(share_of_largest("dirichlet:alpha=100"), 0.35);
  EXPECT_GT(share_of_largest("dirichlet:alpha=0.05"), 0.4);
}

TEST(SplitTrain, BadSplitsAreSpecErrors) {
  const DataSet data = load_data("synthetic:classes=2,n=8,test=8,size=4,channels=1");
  EXPECT_THROW(split_train(data, 2, "random", 1), SpecError);
  EXPECT_THROW(split_train(data, 2, "dirichlet:alpha=0", 1), SpecError);
  EXPECT_THROW(split_train(data, 2, "iid:alpha=1", 1), SpecError);
  try {
    split_train(data, 9, "iid", 1);
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("leaves worker 0 without images"), std::string::npos) << e.what();
  }
}

using testing_cli::cli;
using testing_cli::read_json;
class TrainWorkers : public testing_cli::TempDirTest {};

const std::string kSmall =
    " --model resnet:blocks=1/1,width=8 --threads 1 --data synthetic:classes=4,n=512,test=256,size=16";

TEST_F(TrainWorkers, EightWorkersTrainASmallResNetWithMvsmV2) {
  const auto r = cli("train" + kSmall +
                     " --workers 8 --optimizer mvsm-v2:lr=0.01,beta=0.1,R=0.01,clip=1 --batch 8 --epochs 3"
                     " --eval-every 4 --out " +
                     path("w.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = read_json(path("w.json"));
  EXPECT_EQ(j["spec"]["workers"], 8);
  EXPECT_EQ(j["spec"]["split"]["name"], "iid");
  EXPECT_EQ(j["spec"]["optimizer"]["name"], "mvsm-v2");
  EXPECT_EQ(j["final"]["steps"], 24);  // 512 images / (8 workers x 8) = 8 steps an epoch
  EXPECT_GT(j["final"]["test_accuracy"].get<double>(), 0.6) << j["final"].dump();  // chance: 0.25
  EXPECT_LT(j["log"].back()["train_loss"].get<double>(), j["log"][0]["train_loss"].get<double>());
  // S_R never sends 0 and v2's S_1 never ties: every message is its header and one bit a parameter.
  const std::uint64_t p = j["final"]["parameters"].get<std::uint64_t>();
  const double one = static_cast<double>(16 + 8 * ((p + 63) / 64));
  EXPECT_EQ(j["final"]["bytes_up"].get<double>(), 8 * one);
  EXPECT_EQ(j["final"]["bytes_down"].get<double>(), one);
  EXPECT_EQ(j["final"]["float32_bytes_up"].get<double>(), 8.0 * (16 + 4 * p));
  EXPECT_EQ(j["final"]["ties"].get<double>(), 0.0);
  for (const auto& line : j["log"]) {
    EXPECT_EQ(line["bytes_up"].get<double>(), 8 * one);
    EXPECT_GE(line["clipped"].get<double>(), 0.0);
    EXPECT_GT(line["update_l2"].get<double>(), 0.0);
  }
  EXPECT_EQ(j["log"].back()["images_per_second"], j["log"].back()["images_per_second"]);  // not NaN
}

TEST_F(TrainWorkers, ARunIsReproducibleAndTheSplitMatters) {
  auto final_of = [&](const std::string& split, const std::string& name) {
    const auto r =
        cli("train" + kSmall + " --workers 4 --optimizer signum-mv:lr=0.003 --batch 16 --steps 6 --split " +
            split + " --out " + path(name));
    EXPECT_EQ(r.code, 0) << r.output;
    nlohmann::json f = read_json(path(name))["final"];
    for (const char* k : {"seconds", "train_seconds", "images_per_second", "optimizer_share"}) f.erase(k);
    return f;
  };
  const auto a = final_of("by-class", "a.json"), b = final_of("by-class", "b.json"),
             c = final_of("iid", "c.json");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(TrainWorkers, BadInputExitsTwoAndWritesNothing) {
  const std::string out = " --out " + path("x.json");
  const std::pair<std::string, std::string> cases[] = {
      {" --workers 2 --optimizer smm", "--workers 2 needs a distributed optimizer; allowed: sgd-dist"},
      {" --split by-class --optimizer smm", "--split by-class needs a distributed optimizer"},
      {" --workers 2 --optimizer mvsm-v2", "R is needed"},
      {" --workers 2 --byzantine 2 --optimizer signsgd-mv", "--byzantine 2 is not allowed; allowed: 0 to 1"},
      {" --workers 0 --optimizer signsgd-mv", "workers=0 is not allowed"},
      {" --workers 2 --split dirichlet:alpha=0 --optimizer signsgd-mv", "alpha"},
      {" --workers 2 --split shuffled --optimizer signsgd-mv", "shuffled"},
      {" --workers 2 --optimizer signsgd-mv --checkpoint " + path("c.pt"),
       "--checkpoint is not allowed with"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = cli("train" + kSmall + args + out);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("x.json"))) << args;
    EXPECT_FALSE(std::filesystem::exists(path("c.pt"))) << args;
  }
  // A state outside [-R, R] without clip=1: exit 1, the worker and step named, no JSON.
  const auto r = cli("train" + kSmall + " --workers 2 --optimizer mvsm-v1:R=1e-6 --steps 2" + out);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("worker 0 at step 1"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(path("x.json")));
}

}  // namespace
}  // namespace signrate::workloads
