// `signrate train --checkpoint/--resume` (workloads/train.cpp): a run stopped after a checkpoint
// and resumed from it ends with every number of the uninterrupted run, bit for bit on the CPU
// (the clocks aside), and a missing, corrupt or mismatched checkpoint is refused with exit 2
// before anything is written.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../cli_process.hpp"

namespace signrate {
namespace {

using testing_cli::cli;
using testing_cli::read_json;

class TrainResume : public testing_cli::TempDirTest {};

// 6 batches per epoch; intervals of 4 steps, so a checkpoint at step 5 falls inside one.
const std::string kRun =
    "train --model resnet:blocks=1/1,width=8 --threads 1 --data synthetic:classes=3,n=96,test=48,size=8"
    " --batch 16 --epochs 3 --eval-every 4";

// A measurement without its clocks (wall time and rates differ from run to run).
nlohmann::json without_clocks(nlohmann::json j) {
  for (const char* k : {"seconds", "images_per_second", "train_seconds", "optimizer_share"}) j.erase(k);
  return j;
}

// The run's numbers: the spec, the final values and every logged interval.
nlohmann::json numbers_of(const nlohmann::json& run) {
  nlohmann::json log = nlohmann::json::array();
  for (const auto& line : run["log"]) log.push_back(without_clocks(line));
  return {{"spec", run["spec"]}, {"final", without_clocks(run["final"])}, {"log", log}};
}

std::vector<nlohmann::json> log_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(without_clocks(nlohmann::json::parse(line)));
  return out;
}

TEST_F(TrainResume, AResumedRunEndsWithTheNumbersOfAnUninterruptedOne) {
  // (optimizer, steps between checkpoints): inside an interval of the first epoch, and in the
  // second epoch (the loader's position crosses an epoch boundary).
  const std::pair<std::string, int> cases[] = {
      {"smm:lr=0.003,beta=0.1", 5}, {"sgdm:lr=0.05", 8}, {"adamw:lr=0.003", 5}, {"ef-signsgd:lr=0.01", 8}};
  for (const auto& [optimizer, every] : cases) {
    SCOPED_TRACE(optimizer);
    const std::string run = kRun + " --optimizer " + optimizer;
    const auto a = cli(run + " --steps 14 --out " + path("a.json"));
    ASSERT_EQ(a.code, 0) << a.output;
    // The interrupted run: it checkpoints at `every` and goes on measuring 2 more steps (as a run
    // killed then would have), which the resumed run measures again.
    const std::string ckpt = " --checkpoint " + path("c.pt") + " --checkpoint-every " + std::to_string(every);
    const auto b = cli(run + " --steps " + std::to_string(every + 2) + ckpt + " --out " + path("b.json"));
    ASSERT_EQ(b.code, 0) << b.output;
    std::filesystem::remove(path("b.json"));
    const auto resumed = cli(run + " --steps 14 --resume " + path("c.pt") + " --out " + path("b.json"));
    ASSERT_EQ(resumed.code, 0) << resumed.output;
    const auto ja = read_json(path("a.json")), jb = read_json(path("b.json"));
    EXPECT_EQ(jb["resumed"]["step"], every);
    EXPECT_EQ(numbers_of(ja), numbers_of(jb)) << "uninterrupted:\n"
                                              << numbers_of(ja).dump(1) << "\nresumed:\n"
                                              << numbers_of(jb).dump(1);
    const auto la = log_lines(path("a.json.log.jsonl")), lb = log_lines(path("b.json.log.jsonl"));
    EXPECT_EQ(la.size(), 4u);  // steps 4, 8, 12, 14
    EXPECT_EQ(la, lb);
    for (const char* f : {"a.json", "b.json", "a.json.log.jsonl", "b.json.log.jsonl", "c.pt"})
      std::filesystem::remove(path(f));
  }
}

TEST_F(TrainResume, ARunKilledWhileItCheckpointsEveryStepResumesExactly) {
  // SIGKILL at an unknown step (after 3 logged intervals, possibly while a checkpoint is being
  // written): the file is the last complete checkpoint, and the resumed run is exact.
  const std::string run =
      "train --model resnet:blocks=1/1,width=8 --threads 1 --data synthetic:classes=3,n=96,test=48,size=8"
      " --batch 16 --epochs 20 --eval-every 4 --optimizer smm:lr=0.003,beta=0.1 --steps 120";
  ASSERT_EQ(cli(run + " --out " + path("a.json")).code, 0);
  const std::string start = std::string(SIGNRATE_CLI_PATH) + " " + run + " --checkpoint " + path("c.pt") +
                            " --checkpoint-every 1 --out " + path("b.json") + " > /dev/null 2>&1 & echo $!";
  FILE* shell = popen(start.c_str(), "r");
  long pid = 0;
  ASSERT_EQ(std::fscanf(shell, "%ld", &pid), 1);
  pclose(shell);
  const auto lines_written = [&] {  // whole lines only: the last one may be half-written
    std::ifstream in(path("b.json.log.jsonl"));
    return std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
  };
  for (int k = 0; k < 6000 && lines_written() < 3; ++k) ::usleep(10000);
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  for (int k = 0; k < 6000 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++k) ::usleep(10000);
  ASSERT_TRUE(std::filesystem::exists(path("c.pt")));
  std::filesystem::remove(path("b.json"));  // in case it finished before the kill
  const auto resumed = cli(run + " --resume " + path("c.pt") + " --out " + path("b.json"));
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  const auto ja = read_json(path("a.json")), jb = read_json(path("b.json"));
  // Step 12's interval is logged before its checkpoint is written: 11 at least, 11 when killed then.
  EXPECT_GE(jb["resumed"]["step"].get<int>(), 11);
  EXPECT_EQ(numbers_of(ja), numbers_of(jb)) << "resumed at step " << jb["resumed"]["step"];
  EXPECT_EQ(log_lines(path("a.json.log.jsonl")), log_lines(path("b.json.log.jsonl")));
}

TEST_F(TrainResume, ABadCheckpointExitsTwoNamingTheFileAndWritesNothing) {
  const std::string run = kRun + " --optimizer smm:lr=0.003,beta=0.1";
  ASSERT_EQ(
      cli(run + " --steps 5 --checkpoint " + path("c.pt") + " --checkpoint-every 5 --out " + path("c.json"))
          .code,
      0);
  {
    std::ifstream in(path("c.pt"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(path("half.pt"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    std::ofstream(path("text.pt")) << "{\"format\": \"signrate-train-checkpoint/1\"}\n";
  }
  const std::string ckpt = path("c.pt");
  const std::pair<std::string, std::string> cases[] = {
      {run + " --resume " + path("none.pt"), "--resume '" + path("none.pt") + "': cannot read it"},
      {run + " --resume " + path("half.pt"),
       "--resume '" + path("half.pt") + "': not a checkpoint of signrate train"},
      {run + " --resume " + path("text.pt"),
       "--resume '" + path("text.pt") + "': not a checkpoint of signrate train"},
      {kRun + " --optimizer smm:lr=0.01,beta=0.1 --resume " + ckpt,
       "--resume '" + ckpt + "': the checkpoint's optimizer is smm:"},
      {kRun + " --optimizer signum:lr=0.003 --resume " + ckpt, "the checkpoint's optimizer is smm:"},
      {"train --model resnet:blocks=1/1,width=4 --threads 1 --data synthetic:classes=3,n=96,test=48,size=8"
       " --batch 16 --epochs 3 --eval-every 4 --optimizer smm:lr=0.003,beta=0.1 --resume " +
           ckpt,
       "--resume '" + ckpt + "': the checkpoint's model is resnet:"},
      {run + " --seed 2 --resume " + ckpt, "the checkpoint's seed is 1, this run's is 2"},
      {run + " --steps 4 --resume " + ckpt, "the checkpoint is at step 5, past this run's 4 steps"},
      {run + " --seeds 1:2 --resume " + ckpt, "not allowed with --seeds"},
      {run + " --checkpoint-every 3", "--checkpoint-every 3 has no effect here"},
  };
  for (const auto& [args, needle] : cases) {
    const auto r = cli(args + " --out " + path("x.json"));
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("x.json"))) << args;
    EXPECT_FALSE(std::filesystem::exists(path("x.json.log.jsonl"))) << args;
  }
}

}  // namespace
}  // namespace signrate
