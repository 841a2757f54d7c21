// `signrate-mpi train` against `signrate train --workers 4` (docs/training.md "Workers",
// src/mpi/train_rank.cpp): 4 ranks under mpirun train the same small ResNet to the same numbers,
// interval by interval, bit for bit (everything but the timings); a bad option stops every rank
// with exit 2, a failing step every rank with exit 1, and a dying rank ends the run, with no JSON.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mpi_process.hpp"

namespace {

using namespace signrate::testing_mpi;

const std::string kNet =
    " --model resnet:blocks=1/1,width=8 --threads 1 --data synthetic:classes=4,n=256,test=64,size=16"
    " --batch 8 --steps 6 --eval-every 3";

// The numbers of a train JSON without the wall-clock ones.
nlohmann::json numbers(nlohmann::json j) {
  for (const char* k : {"seconds", "train_seconds", "images_per_second", "optimizer_share"}) j.erase(k);
  return j;
}

class MpiTrain : public ::testing::TestWithParam<const char*> {};

TEST_P(MpiTrain, FourRanksEqualTheInProcessRunBitForBit) {
  const std::string args = kNet + " " + GetParam();
  const fs::path m = scratch("train.mpi.json"), s = scratch("train.json");
  fs::remove(m);
  fs::remove(m.string() + ".log.jsonl");  // the log is appended to
  const Proc pm = shell(mpirun() + " -np 4 " + mpi_exe() + " train" + args + " --out " + m.string());
  ASSERT_EQ(pm.code, 0) << pm.out;
  const Proc ps =
      shell(std::string(SIGNRATE_CLI_PATH) + " train --workers 4" + args + " --out " + s.string());
  ASSERT_EQ(ps.code, 0) << ps.out;
  const auto a = read_json(m), b = read_json(s);
  EXPECT_EQ(a["spec"], b["spec"]);
  EXPECT_EQ(numbers(a["final"]), numbers(b["final"]));
  ASSERT_EQ(a["log"].size(), 2u);
  for (std::size_t k = 0; k < a["log"].size(); ++k)
    EXPECT_EQ(numbers(a["log"][k]), numbers(b["log"][k])) << k;
  EXPECT_EQ(a["mpi"]["ranks"], 4);
  // What the ranks handed to MPI is what the JSON says the wire carries, step by step.
  EXPECT_EQ(a["mpi"]["measured_bytes_up_per_step"], b["final"]["bytes_up"]);
  EXPECT_EQ(a["mpi"]["measured_bytes_down_per_rank_per_step"], b["final"]["bytes_down"]);
  EXPECT_GT(a["mpi"]["allreduce_float32_seconds"].get<double>(), 0.0);
  EXPECT_EQ(a["mpi"]["allreduce_float32_bytes"], 4 * a["final"]["parameters"].get<std::uint64_t>());
  EXPECT_EQ(a["command"].get<std::string>().rfind("mpirun -np 4 signrate-mpi train ", 0), 0u) << a["command"];
  // The log file beside the JSON holds the same intervals.
  std::ifstream log(m.string() + ".log.jsonl");
  std::string line;
  std::size_t lines = 0;
  while (std::getline(log, line))
    EXPECT_EQ(numbers(nlohmann::json::parse(line))["step"], a["log"][lines++]["step"]);
  EXPECT_EQ(lines, 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Methods, MpiTrain,
    ::testing::Values("--optimizer mvsm-v1:lr=0.01,R=0.01,clip=1 --split by-class --byzantine 1",
                      "--optimizer mvsm-v2:lr=0.01,beta=0.2,R=0.01,clip=1",
                      "--optimizer signum-mv:lr=0.003 --split dirichlet:alpha=0.5",
                      "--optimizer sgdm-dist:lr=0.05,mu=0.9 --byzantine 1",
                      "--optimizer ssdm:lr=0.001,mu=0.9 --byzantine 1"));

TEST(MpiTrainFailures, BadOptionsExitTwoOnEveryRankAndWriteNothing) {
  const std::pair<std::string, std::string> cases[] = {
      {" --optimizer smm", "rank 0: error: optimizer smm is single-node"},
      {" --optimizer signsgd-mv --workers 3", "rank 0: error: --workers 3 but mpirun started 4 ranks"},
      {" --optimizer signsgd-mv --seeds 1:2", "--seeds is not allowed with signrate-mpi train"},
      // Found by the trainer itself, then agreed on before the first step:
      {" --optimizer mvsm-v2", "rank 0: error: optimizer mvsm-v2: R is needed"},
      {" --optimizer signsgd-mv --split shuffled",
       "rank 0: error: unknown split 'shuffled'; allowed: iid, by-class, dirichlet"},
  };
  for (const auto& [opts, message] : cases) {
    const fs::path out = absent("bad.json");
    const Proc p =
        shell(mpirun() + " -np 4 " + mpi_exe() + " train" + kNet + opts + " --out " + out.string());
    EXPECT_EQ(p.code, 2) << opts << "\n" << p.out;
    EXPECT_LT(p.seconds, 60);
    expect_lines(p, {message});
    EXPECT_FALSE(fs::exists(out)) << opts;
  }
}

TEST(MpiTrainFailures, AFailingStepStopsEveryRankWithExitOne) {
  const fs::path out = absent("fail.json");
  const Proc p = shell(mpirun() + " -np 4 " + mpi_exe() + " train" + kNet +
                       " --optimizer mvsm-v1:R=1e-6 --out " + out.string());
  EXPECT_EQ(p.code, 1) << p.out;
  expect_lines(p, {"rank 0: error: worker 0 at step 1, parameter ", "rank 3: error: worker 3 at step 1"});
  EXPECT_FALSE(fs::exists(out));
}

TEST(MpiTrainFailures, ADyingRankEndsTheRun) {
  const fs::path out = absent("dead-train.json");
  const Proc p =
      shell("SIGNRATE_MPI_FAULT_RANK=2 SIGNRATE_MPI_FAULT_STEP=3 SIGNRATE_MPI_FAULT_MODE=exit " +
            mpirun({"SIGNRATE_MPI_FAULT_RANK", "SIGNRATE_MPI_FAULT_STEP", "SIGNRATE_MPI_FAULT_MODE"}) +
            " -np 4 " + mpi_exe() + " train" + kNet + " --optimizer signsgd-mv --out " + out.string());
  EXPECT_NE(p.code, 0);
  EXPECT_NE(p.code, 124) << "timed out:\n" << p.out;
  EXPECT_LT(p.seconds, 60);
  expect_lines(p, {"rank 2: SIGNRATE_MPI_FAULT test hook: exiting at step 3"});
  EXPECT_FALSE(fs::exists(out));
}

// mvsm-v2's reply never ties, so it is one message down (with ties, a second message carries the
// zeros, and a stopped rank in the broadcast tree may hold the others up too).
TEST(MpiTrainFailures, ASilentOrStoppedRankIsNamedByTheServerOnEveryRank) {
  for (const char* mode : {"hang", "stop"}) {
    SCOPED_TRACE(mode);
    const fs::path out = absent("silent-train.json");
    const Proc p = shell(
        std::string("SIGNRATE_MPI_FAULT_RANK=2 SIGNRATE_MPI_FAULT_STEP=3 SIGNRATE_MPI_FAULT_MODE=") + mode +
        " " + mpirun({"SIGNRATE_MPI_FAULT_RANK", "SIGNRATE_MPI_FAULT_STEP", "SIGNRATE_MPI_FAULT_MODE"}) +
        " -np 4 " + mpi_exe() + " train" + kNet + " --optimizer mvsm-v2:R=0.01,clip=1 --timeout-s 2 --out " +
        out.string());
    EXPECT_NE(p.code, 0);
    EXPECT_NE(p.code, 124) << "timed out:\n" << p.out;
    EXPECT_LT(p.seconds, 60);
    expect_lines(p, {"rank 0: no message from rank 2 within 2 s at step 3",
                     "rank 1: stopping: rank 0 reports: no message from rank 2 within 2 s at step 3"});
    EXPECT_FALSE(fs::exists(out));
  }
}

}  // namespace
