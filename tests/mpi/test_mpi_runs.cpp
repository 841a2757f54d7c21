// signrate-mpi against the in-process simulation (docs/mpi.md): 4 ranks under mpirun and
// `signrate run --nodes 4` give the same metrics, checkpoints and per-replicate values bit for bit;
// the bytes on the wire are the packed size plus the header; and a rank that disagrees, fails,
// dies or falls silent ends the run on every rank within a bounded time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mpi_process.hpp"

namespace {

using namespace signrate::testing_mpi;

struct Case {
  const char* name;
  const char* args;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.args; }

// Runs both; returns {mpi JSON, in-process JSON}.
std::pair<nlohmann::json, nlohmann::json> both(const Case& c) {
  const fs::path m = scratch(std::string(c.name) + ".mpi.json"), s = scratch(std::string(c.name) + ".json");
  const Proc pm = shell(mpirun() + " -np 4 " + mpi_exe() + " " + c.args + " --out " + m.string());
  EXPECT_EQ(pm.code, 0) << pm.out;
  const Proc ps = shell(std::string(SIGNRATE_CLI_PATH) + " run --nodes 4 " + c.args + " --out " + s.string());
  EXPECT_EQ(ps.code, 0) << ps.out;
  if (pm.code || ps.code) return {};
  return {read_json(m), read_json(s)};
}

class MpiRuns : public ::testing::TestWithParam<Case> {};

TEST_P(MpiRuns, SameBitsAsInProcess) {
  const auto [m, s] = both(GetParam());
  ASSERT_FALSE(m.is_null());
  // The checkpoint rows (M1(t), M2(t), norms and gap at x_t, with their stderr) are compared
  // too; there must be several, with numbers in them.
  ASSERT_GE(s["checkpoints"].size(), 5u);
  EXPECT_TRUE(s["checkpoints"][1]["M1"].is_number());
  EXPECT_TRUE(s["checkpoints"][1]["grad_l2_stderr"].is_number());
  // Exact equality of parsed doubles: JSON keeps every double's shortest round-trip text.
  for (const char* key : {"spec", "schedule", "metrics", "per_replicate", "checkpoints", "communication"})
    EXPECT_EQ(m[key], s[key]) << key;
  for (const auto& [key, value] : s.items())
    if (key != "command" && key != "engine") EXPECT_EQ(m[key], value) << key;
  EXPECT_EQ(m["engine"]["backend"], "mpi");

  // Bytes: a header plus the packed payload each step, and the zeros only when there are some.
  const auto& mpi = m["mpi"];
  const std::uint64_t T = s["spec"]["T"], R = s["spec"]["replicates"], d = s["spec"]["d"];
  // Votes travel packed; float32 messages (SSDM's normalized signs included) as 4 bytes a coordinate.
  const bool signs = s["communication"]["bits_down_per_coordinate"] == 1;
  const std::uint64_t payload = signs ? R * ((d + 63) / 64) * 8 : R * d * 4, header = mpi["header_bytes"];
  EXPECT_EQ(header, 16u);
  EXPECT_EQ(mpi["ranks"], 4);
  EXPECT_EQ(mpi["payload_bytes_per_message"], payload);
  ASSERT_EQ(mpi["per_rank"].size(), 4u);
  std::uint64_t zeros = 0;
  for (const auto& r : mpi["per_rank"]) {
    const std::uint64_t up = r["bytes_up"], down = r["bytes_down"], zeros_up = r["zeros_up"];
    zeros += zeros_up;
    if (zeros_up == 0) {
      EXPECT_EQ(up, T * (header + payload)) << r;
      EXPECT_EQ(r["messages_up"], T) << r;
    } else {  // each second message is the smaller of 4 bytes a zero and the payload's size
      EXPECT_GT(up, T * (header + payload)) << r;
      EXPECT_LE(up, T * (header + payload) + std::min<std::uint64_t>(4 * zeros_up, T * payload)) << r;
    }
    if (s["communication"]["ties_down"] == 0)
      EXPECT_EQ(down, T * (header + payload)) << r;
    else
      EXPECT_LE(down, T * (header + 2 * payload)) << r;
  }
  EXPECT_EQ(zeros, s["communication"]["zero_signs_up"]);
}

// mvsm_v2_clipped: R = 0.2 is below some |v|, so clip=1 clips (the counts come from every rank).
// Rademacher noise at x_1 = (a/sqrt d) 1 with scale sigma/sqrt d = a/sqrt d gives g = 0 exactly
// (sign(0) = 0 up); four voters tie often (0 down). The lattice case keeps x on 0.5 Z, so both
// happen at every step.
INSTANTIATE_TEST_SUITE_P(
    Methods, MpiRuns,
    ::testing::Values(
        Case{"mvsm_v1", "--method mvsm-v1:R=3,clip=1 --d 100 --T 64 --replicates 3 --seed 7"},
        Case{"mvsm_v2_clipped", "--method mvsm-v2:R=0.2,clip=1 --d 130 --T 50 --replicates 2 --seed 3"},
        Case{"signsgd_mv_rademacher",
             "--method signsgd-mv --oracle rademacher --d 100 --T 64 --replicates 3 --seed 2"},
        Case{"signsgd_mv_lattice",
             "--method signsgd-mv --problem hetero-quadratic:centers=0.5/0/0.5/1 --oracle rademacher:sigma=5 "
             "--schedule constant:eta=0.5 --d 100 --T 40 --replicates 2 --seed 1"},
        Case{"sgd_dist", "--method sgd-dist --d 100 --T 64 --replicates 3 --seed 7"},
        Case{"sgdm_dist_hetero",
             "--method sgdm-dist --problem hetero-nonconvex --d 70 --T 40 --replicates 2 --seed 5"},
        Case{"mvsm_v2_byzantine",
             "--method mvsm-v2:R=3,clip=1 --byzantine 1 --d 64 --T 40 --replicates 2 --seed 11"},
        Case{"ssdm_byzantine", "--method ssdm --byzantine 1 --d 100 --T 40 --replicates 2 --seed 4"},
        Case{"signum_mv_threads",
             "--method signum-mv --byzantine 2 --d 65 --T 30 --replicates 3 --seed 9 --threads 2"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// One replicate: exactly ceil(d/64) * 8 bytes plus the header each way and step for a sign
// method that cannot produce zeros, d * 4 plus the header for sgd-dist.
TEST(MpiBytes, PackedSizePlusHeaderPerRankPerStep) {
  for (const auto& [method, per_step] :
       {std::pair<std::string, double>{"mvsm-v2:R=2,clip=1", 16 + 16 * 8}, {"sgd-dist", 16 + 1000 * 4}}) {
    const fs::path out = scratch("bytes.json");
    const Proc p = shell(mpirun() + " -np 4 " + mpi_exe() + " --method " + method +
                         " --d 1000 --T 20 --replicates 1 --out " + out.string());
    ASSERT_EQ(p.code, 0) << p.out;
    const auto mpi = read_json(out)["mpi"];
    EXPECT_EQ(mpi["header_bytes"], 16);
    for (const auto& v : mpi["bytes_up_per_rank_per_step"]) EXPECT_EQ(v.get<double>(), per_step) << method;
    for (const auto& v : mpi["bytes_down_per_rank_per_step"]) EXPECT_EQ(v.get<double>(), per_step) << method;
  }
}

TEST(MpiFailures, RanksWithDifferentOptionsStopAtStart) {
  const std::string run = " --method mvsm-v2:R=3 --T 10 --replicates 1";
  const Proc p =
      shell(mpirun() + " -np 2 " + mpi_exe() + run + " --d 64 : -np 2 " + mpi_exe() + run + " --d 128");
  EXPECT_NE(p.code, 0);
  EXPECT_LT(p.seconds, 60);
  for (int k = 0; k < 4; ++k)
    expect_lines(p, {"signrate-mpi: rank " + std::to_string(k) + ": the ranks were given different runs"});
  expect_lines(p, {"d=64 T=10", "d=128 T=10"});
}

TEST(MpiFailures, BadOptionsOnOneRankStopEveryRank) {
  const std::string run = " --method mvsm-v2:R=3 --T 10 --replicates 1";
  const Proc p = shell(mpirun() + " -np 3 " + mpi_exe() + run + " : -np 1 " + mpi_exe() + run + " --d x");
  EXPECT_NE(p.code, 0);
  EXPECT_LT(p.seconds, 60);
  expect_lines(p,
               {"rank 3: error: d=x is not allowed", "rank 0: stopping: the options of rank 3 are not valid",
                "rank 1: stopping: the options of rank 3 are not valid",
                "rank 2: stopping: the options of rank 3 are not valid"});
}

TEST(MpiFailures, NodesMustEqualRanks) {
  const Proc p = shell(mpirun() + " -np 3 " + mpi_exe() + " --method mvsm-v2:R=3 --nodes 4 --T 10");
  EXPECT_EQ(p.code, 2) << p.out;
  expect_lines(p, {"rank 0: error: nodes=4 but mpirun started 3 ranks"});
}

// Issue 28: `signrate-mpi run` as `signrate run`, and defaults that run at any rank count (the
// default method is signum-mv), with the in-process run's numbers.
TEST(MpiDefaults, RunSubcommandAndDefaultsWorkAtAnyRankCount) {
  for (const int n : {1, 2}) {
    const fs::path m = scratch("default-" + std::to_string(n) + ".mpi.json");
    const fs::path s = scratch("default-" + std::to_string(n) + ".json");
    const Proc pm = shell(mpirun() + " -np " + std::to_string(n) + " " + mpi_exe() +
                          " run --d 16 --T 20 --replicates 2 --out " + m.string());
    ASSERT_EQ(pm.code, 0) << pm.out;
    EXPECT_NE(pm.out.find(n == 1 ? " 1 rank, " : " 2 ranks, "), std::string::npos) << pm.out;
    const Proc ps = shell(std::string(SIGNRATE_CLI_PATH) + " run --method signum-mv --nodes " +
                          std::to_string(n) + " --d 16 --T 20 --replicates 2 --out " + s.string());
    ASSERT_EQ(ps.code, 0) << ps.out;
    const nlohmann::json jm = read_json(m), js = read_json(s);
    EXPECT_EQ(jm["spec"]["method"]["name"], "signum-mv");
    EXPECT_EQ(jm["metrics"], js["metrics"]);
  }
  const Proc help = shell(mpirun() + " -np 1 " + mpi_exe() + " --help");
  EXPECT_NE(help.out.find("signrate-mpi [run] [options of signrate run]"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("signrate-mpi train [options of signrate train]"), std::string::npos) << help.out;
  // The option's own line says the default it has here, not signrate run's (smm).
  EXPECT_NE(help.out.find("distributed method SPEC (default signum-mv"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("(default smm)"), std::string::npos) << help.out;
}

TEST(MpiFailures, SingleNodeMethodIsRefused) {
  const Proc p = shell(mpirun() + " -np 2 " + mpi_exe() + " --method smm --T 10");
  EXPECT_EQ(p.code, 2) << p.out;
  expect_lines(p, {"rank 0: error: method smm is single-node", "rank 1: error: method smm is single-node"});
  const Proc one = shell(mpirun() + " -np 1 " + mpi_exe() + " --method smm --T 10");
  EXPECT_EQ(one.code, 2) << one.out;
  expect_lines(one, {"rank 0: error: method smm is single-node; signrate-mpi runs the distributed methods"});
}

TEST(MpiFailures, RunErrorOnOneRankStopsEveryRank) {
  // Node 3's centre is 5: |v| > R = 3 there at step 1, as in the in-process run.
  const std::string args =
      " --method mvsm-v1:R=3 --problem hetero-quadratic:centers=0/0/0/5 --oracle uniform:sigma=0.1 --d 100 "
      "--T 50 "
      "--replicates 2";
  const Proc p = shell(mpirun() + " -np 4 " + mpi_exe() + args + " --out " + absent("never.json").string());
  EXPECT_EQ(p.code, 1) << p.out;
  const Proc s = shell(std::string(SIGNRATE_CLI_PATH) + " run --nodes 4" + args);
  EXPECT_EQ(s.code, 1);
  const std::string error = s.out.substr(s.out.find("mvsm-v1: |state|"));
  expect_lines(
      p, {"rank 3: error: " + error.substr(0, error.find('\n')), "rank 0: stopping at step 1: rank 3 failed",
          "rank 1: stopping at step 1: rank 3 failed", "rank 2: stopping at step 1: rank 3 failed"});
  EXPECT_FALSE(fs::exists(scratch("never.json")));
}

const std::vector<std::string> kFaultEnv = {"SIGNRATE_MPI_FAULT_RANK", "SIGNRATE_MPI_FAULT_STEP",
                                            "SIGNRATE_MPI_FAULT_MODE"};

TEST(MpiFailures, DyingRankEndsTheRun) {
  const Proc p = shell("SIGNRATE_MPI_FAULT_RANK=2 SIGNRATE_MPI_FAULT_STEP=5 SIGNRATE_MPI_FAULT_MODE=exit " +
                       mpirun(kFaultEnv) + " -np 4 " + mpi_exe() +
                       " --method mvsm-v2:R=3 --T 50 --replicates 2 --out " + absent("dead.json").string());
  EXPECT_NE(p.code, 0);
  EXPECT_NE(p.code, 124) << "timed out:\n" << p.out;
  EXPECT_LT(p.seconds, 60);
  expect_lines(p, {"rank 2: SIGNRATE_MPI_FAULT test hook: exiting at step 5"});
  EXPECT_FALSE(fs::exists(scratch("dead.json")));
}

TEST(MpiFailures, SilentNodeIsNamedByTheServerOnEveryRank) {
  const Proc p = shell("SIGNRATE_MPI_FAULT_RANK=2 SIGNRATE_MPI_FAULT_STEP=5 SIGNRATE_MPI_FAULT_MODE=hang " +
                       mpirun(kFaultEnv) + " -np 4 " + mpi_exe() +
                       " --method mvsm-v2:R=3 --T 50 --replicates 2 --timeout-s 2");
  EXPECT_NE(p.code, 0);
  EXPECT_NE(p.code, 124) << "timed out:\n" << p.out;
  EXPECT_LT(p.seconds, 60);
  expect_lines(p, {"rank 0: no message from rank 2 within 2 s at step 5",
                   "rank 1: stopping: rank 0 reports: no message from rank 2 within 2 s at step 5",
                   "rank 3: stopping: rank 0 reports: no message from rank 2 within 2 s at step 5"});
}

// Issue 12, case 13: a node stopped (SIGSTOP) right after posting its message. With a small
// message (d = 20000, sent eagerly) the message arrives and the node holds up the server's
// broadcast; with a large one (d = 400000, which needs the sender to progress) the message itself
// never arrives. Either way the server names that node, never itself.
TEST(MpiFailures, StoppedNodeIsNamedNotTheServer) {
  for (const char* d : {"20000", "400000"}) {
    const Proc p = shell("SIGNRATE_MPI_FAULT_RANK=2 SIGNRATE_MPI_FAULT_STEP=3 SIGNRATE_MPI_FAULT_MODE=stop " +
                         mpirun(kFaultEnv) + " -np 3 " + mpi_exe() + " --method mvsm-v2:R=3 --d " + d +
                         " --T 20 --replicates 1 --timeout-s 2");
    EXPECT_NE(p.code, 0) << "d=" << d;
    EXPECT_NE(p.code, 124) << "d=" << d << " timed out:\n" << p.out;
    EXPECT_LT(p.seconds, 60);
    expect_lines(p, {"rank 2: SIGNRATE_MPI_FAULT test hook: SIGSTOP at step 3",
                     "rank 0: no message from rank 2 within 2 s at step 3"});
    EXPECT_EQ(p.out.find("rank 0: no message from rank 0"), std::string::npos) << "d=" << d << "\n" << p.out;
  }
}

// Issue 12, case 9: an option error found after the parse (--threads abc) is exit 2 on every rank
// with the same message, and so is an output that cannot be written, before any step.
TEST(MpiFailures, OptionErrorsAreExit2OnEveryRank) {
  const Proc p = shell(mpirun() + " -np 2 " + mpi_exe() + " --method mvsm-v2:R=3 --T 10 --threads abc");
  EXPECT_EQ(p.code, 2) << p.out;
  expect_lines(p, {"rank 0: error: threads=abc is not allowed", "rank 1: error: threads=abc is not allowed"});
  EXPECT_EQ(p.out.find("internal error"), std::string::npos) << p.out;
  const Proc out =
      shell(mpirun() + " -np 2 " + mpi_exe() + " --method mvsm-v2:R=3 --T 10 --out /nonexistent/x.json");
  EXPECT_EQ(out.code, 2) << out.out;
  expect_lines(out, {"rank 0: error: --out '/nonexistent/x.json' cannot be written",
                     "rank 1: stopping: the options of rank 0 (the server) are not valid"});
  const Proc empty = shell(mpirun() + " -np 2 " + mpi_exe() + " --method mvsm-v2:R=3 --T ''");
  EXPECT_EQ(empty.code, 2) << empty.out;
  expect_lines(empty,
               {"rank 0: error: --T: an empty value is not allowed", "rank 1: error: --T: an empty value"});
  // A NaN timeout (CLI11's Range let it through, and it removed every timeout): refused.
  for (const std::string bad : {"nan", "inf"}) {
    const Proc timeout =
        shell(mpirun() + " -np 2 " + mpi_exe() + " --method mvsm-v2:R=3 --T 10 --timeout-s " + bad);
    EXPECT_EQ(timeout.code, 2) << timeout.out;
    expect_lines(timeout,
                 {"rank 0: error: --timeout-s: " + bad + " is not allowed; allowed: in [0.001, 1e+06]"});
  }
}

TEST(MpiFailures, SilentServerIsNamedByTheNodes) {
  const Proc p = shell("SIGNRATE_MPI_FAULT_RANK=0 SIGNRATE_MPI_FAULT_STEP=3 SIGNRATE_MPI_FAULT_MODE=hang " +
                       mpirun(kFaultEnv) + " -np 4 " + mpi_exe() +
                       " --method sgd-dist --T 50 --replicates 2 --timeout-s 2");
  EXPECT_NE(p.code, 0);
  EXPECT_NE(p.code, 124) << "timed out:\n" << p.out;
  EXPECT_LT(p.seconds, 60);
  expect_lines(p, {"no message from rank 0 (the server) within 4 s at step 3"});
}

}  // namespace
