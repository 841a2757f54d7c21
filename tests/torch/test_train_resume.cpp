// `signrate train --checkpoint/--resume` (workloads/train.cpp): a run stopped after a checkpoint
// and resumed from it ends with every number of the uninterrupted run, bit for bit on the CPU
// (the clocks aside), and a missing, corrupt or mismatched checkpoint is refused with exit 2
// before anything is written.
#include <gtest/gtest.h>
#include <signal.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "../cli_process.hpp"
#include "signrate/checked_file.hpp"
#include "signrate/error.hpp"
#include "signrate/workloads/train.hpp"

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
      {run + " --resume " + path("half.pt"), "--resume '" + path("half.pt") + "': it holds "},
      {run + " --resume " + path("text.pt"),
       "--resume '" + path("text.pt") + "': its format is not signrate-train-checkpoint/2"},
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

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// kRun's options, for runs in this process.
workloads::TrainOptions run_options() {
  workloads::TrainOptions o;
  o.model = "resnet:blocks=1/1,width=8";
  o.threads = 1;
  o.data = "synthetic:classes=3,n=96,test=48,size=8";
  o.batch = 16;
  o.epochs = 3;
  o.eval_every = 4;
  o.optimizer = "smm:lr=0.003,beta=0.1";
  return o;
}

// The fuzzed checkpoints of the adversarial pass (issue 26, finding 2), as a test: 350 damaged
// copies (one bit flipped, a byte changed, cut short, grown), each refused with a SpecError before
// LibTorch reads it; before the checksum, two of them crashed and others resumed with other numbers.
TEST_F(TrainResume, EveryDamagedCheckpointIsRefused) {
  ASSERT_EQ(cli(kRun + " --optimizer smm:lr=0.003,beta=0.1 --steps 5 --checkpoint " + path("c.pt") +
                " --checkpoint-every 5 --out " + path("c.json"))
                .code,
            0);
  const std::string file = slurp(path("c.pt"));
  std::uint64_t state = 26;
  const auto next = [&] {  // SplitMix64
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  workloads::TrainOptions o = run_options();
  o.resume_path = path("m.pt");
  for (int k = 0; k < 350; ++k) {
    std::string bad = file;
    const std::size_t at = next() % file.size();
    switch (k % 4) {
      case 0:
      case 1:
        bad[at] = static_cast<char>(bad[at] ^ (1 << (next() % 8)));
        break;
      case 2:
        bad[at] = static_cast<char>(bad[at] + 1 + next() % 255);
        break;
      default:
        bad = k % 8 == 3 ? bad.substr(0, at) : bad + bad.substr(at, 1 + next() % 64);
    }
    std::ofstream(path("m.pt"), std::ios::binary) << bad;
    try {
      workloads::train(o);
      ADD_FAILURE() << "case " << k << " resumed";
    } catch (const SpecError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--resume '" + path("m.pt") + "': ", 0), 0u) << e.what();
    }
  }
}

// The run state inside a checkpoint with a valid checksum (edited by hand, or written by a bug):
// every field is checked for its kind, its range and its agreement with the others.
TEST_F(TrainResume, EveryFieldOfACheckpointIsChecked) {
  // Checkpointed at step 5, inside the interval of steps 5-8 (its log: the line at step 4).
  ASSERT_EQ(cli(kRun + " --optimizer smm:lr=0.003,beta=0.1 --steps 7 --checkpoint " + path("c.pt") +
                " --checkpoint-every 5 --out " + path("c.json"))
                .code,
            0);
  const std::string bytes = checked_payload(slurp(path("c.pt")), workloads::kCheckpointFormat, "c.pt");
  torch::serialize::InputArchive archive;
  archive.load_from(bytes.data(), bytes.size());
  c10::IValue text;
  archive.read("signrate", text);
  const nlohmann::json meta = nlohmann::json::parse(text.toStringRef());
  // kRun: 96 images in batches of 16 (6 steps an epoch), an interval every 4 steps, 18 steps.
  const auto check = [&](const nlohmann::json& m) { workloads::check_checkpoint_state("c.pt", m, 18, 6, 4); };
  EXPECT_NO_THROW(check(meta));
  const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> edits = {
      {[](auto& m) { m["step"] = -5; }, "its step is -5; allowed: an integer from 1 to 18"},
      {[](auto& m) { m["step"] = 0; }, "its step is 0"},
      {[](auto& m) { m["step"] = 1.5; }, "its step is 1.5"},
      {[](auto& m) { m["step"] = "5"; }, "its step is \"5\""},
      {[](auto& m) { m["step"] = 19; }, "past this run's 18 steps"},
      {[](auto& m) { m["step"] = 6; }, "is not that of its step 6"},
      {[](auto& m) { m["loader"]["batch"] = -3; }, "its batch is -3; allowed: an integer from 0 to 5"},
      {[](auto& m) { m["loader"]["batch"] = 1e6; }, "its batch is 1000000.0"},
      {[](auto& m) { m["loader"] = 5; }, "has no epoch"},
      {[](auto& m) { m["log"] = 5; }, "its log is 5; allowed: an array of intervals"},
      {[](auto& m) { m["log"].push_back(m["log"][0]); },
       "its log's line 1 is not an interval at a step from 5"},
      {[](auto& m) { m["log"] = nlohmann::json::array(); }, "its log holds 0 intervals; allowed: at least 1"},
      {[](auto& m) { m["last"] = nullptr; }, "its last interval is not its log's last line"},
      {[](auto& m) { m["interval"]["steps"] = 3; }, "its open interval has 3 steps; allowed: 1 at step 5"},
      {[](auto& m) { m["interval"]["loss"] = -1; }, "its loss is -1"},
      {[](auto& m) { m["seconds"] = "x"; }, "its seconds is \"x\""},
      {[](auto& m) { m.erase("train_seconds"); }, "has no train_seconds"},
  };
  for (const auto& [edit, message] : edits) {
    nlohmann::json m = meta;
    edit(m);
    try {
      check(m);
      ADD_FAILURE() << m.dump() << " was accepted (" << message << ")";
    } catch (const SpecError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// A fresh run starts its log empty (it appended to an old FILE.log.jsonl); --resume and --out on
// the same file, and --csv on the log, are refused.
TEST_F(TrainResume, AFreshRunStartsItsLogAndOutputsNeverAliasTheCheckpoint) {
  std::ofstream(path("a.json.log.jsonl")) << "{\"an old line\": 1}\n";
  ASSERT_EQ(cli(kRun + " --optimizer smm --steps 4 --out " + path("a.json")).code, 0);
  EXPECT_EQ(log_lines(path("a.json.log.jsonl")).size(), 1u);
  ASSERT_EQ(cli(kRun + " --optimizer smm --steps 4 --checkpoint " + path("g.ckpt") +
                " --checkpoint-every 4 --out " + path("g.json"))
                .code,
            0);
  const std::string ckpt = slurp(path("g.ckpt"));
  for (const auto& [args, needle] : std::vector<std::pair<std::string, std::string>>{
           {" --resume " + path("g.ckpt") + " --csv " + path("g.ckpt") + " --out " + path("x.json"),
            "--csv '" + path("g.ckpt") + "' is also --resume"},
           {" --resume " + path("g.ckpt") + " --out " + path("g.ckpt"),
            "--out '" + path("g.ckpt") + "' is also --resume"},
           {" --out " + path("x.json") + " --csv " + path("x.json.log.jsonl"), "is also the log"}}) {
    const auto r = cli(kRun + " --optimizer smm --steps 8" + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << r.output;
    EXPECT_EQ(slurp(path("g.ckpt")), ckpt);
    EXPECT_FALSE(std::filesystem::exists(path("x.json")));
  }
}

// Learning rates beyond float32 are bad input (exit 2), not a diverged run (exit 1).
TEST_F(TrainResume, ALearningRateBeyondFloatIsExit2) {
  const auto r = cli(kRun + " --optimizer sgd:lr=1e300 --steps 2 --out " + path("x.json"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("lr=1e300 is outside its domain"), std::string::npos) << r.output;
  const auto seeds = cli(kRun + " --optimizer sgd --seeds 1:100000000 --out " + path("x.json"));
  EXPECT_EQ(seeds.code, 2) << seeds.output;
  EXPECT_NE(seeds.output.find("spans more than 10000 seeds"), std::string::npos) << seeds.output;
}

}  // namespace
}  // namespace signrate
