// `signrate train` end to end (src/cli/train_command.cpp, workloads/train.cpp): a tiny ResNet
// learns synthetic data and Fashion-MNIST in seconds, the JSON and its log agree, and bad input
// is refused with exit 2 before anything is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "../cli_process.hpp"

namespace signrate {
namespace {

using testing_cli::cli;
using testing_cli::read_json;

class Train : public testing_cli::TempDirTest {};

const std::string kTiny = " --model resnet:blocks=1/1,width=8 --threads 1";

TEST_F(Train, TinyResNetLearnsSyntheticDataAndLogsAsItGoes) {
  const auto r = cli("train" + kTiny +
                     " --data synthetic:classes=4,n=512,test=256,size=16 --optimizer smm:lr=0.003,beta=0.1"
                     " --epochs 3 --batch 32 --eval-every 8 --out " +
                     path("t.json") + " --csv " + path("t.csv"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = read_json(path("t.json"));
  EXPECT_EQ(j["spec"]["optimizer"]["name"], "smm");
  EXPECT_EQ(j["spec"]["optimizer"]["beta"], 0.1);
  EXPECT_EQ(j["final"]["steps"], 48);  // 3 epochs of 16 batches
  ASSERT_EQ(j["log"].size(), 6u);
  EXPECT_EQ(j["log"][5]["step"], 48);
  EXPECT_EQ(j["log"][5]["epoch"], 3.0);
  EXPECT_GT(j["final"]["test_accuracy"].get<double>(), 0.85) << j["final"].dump();  // chance: 0.25
  EXPECT_LT(j["log"][5]["train_loss"].get<double>(), 0.5 * j["log"][0]["train_loss"].get<double>());
  for (const auto& line : j["log"]) {
    EXPECT_GT(line["grad_l1"].get<double>(), line["grad_l2"].get<double>());
    EXPECT_GT(line["update_l2"].get<double>(), 0.0);
    EXPECT_GT(line["images_per_second"].get<double>(), 0.0);
  }
  std::ifstream log(path("t.json") + ".log.jsonl");
  std::string line;
  std::size_t n = 0;
  while (std::getline(log, line)) {
    const auto l = nlohmann::json::parse(line);
    EXPECT_EQ(l["seed"], 1);
    EXPECT_EQ(l["train_loss"], j["log"][n]["train_loss"]);
    ++n;
  }
  EXPECT_EQ(n, 6u);
  std::ifstream csv(path("t.csv"));
  std::size_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 7u);  // header and 6 intervals
}

TEST_F(Train, TinyResNetLearnsFashionMnist) {
  const auto r = cli("train" + kTiny +
                     " --data fashion-mnist:n=8192,test=1000 --optimizer smm:lr=0.005,beta=0.1"
                     " --epochs 1 --batch 64 --eval-every 32 --out " +
                     path("f.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = read_json(path("f.json"));
  EXPECT_EQ(j["final"]["steps"], 128);
  // One pass over 8192 images (chance: 0.1). The training accuracy of the last interval is stable
  // (0.65-0.66 with ATen's portable and AVX2 kernels); a single test evaluation after sign steps
  // is not (0.26-0.55 at the last interval with the two), so the test asks for the best one.
  EXPECT_GT(j["final"]["train_accuracy"].get<double>(), 0.55) << j["final"].dump();
  double best_test = 0;
  for (const auto& line : j["log"]) best_test = std::max(best_test, line["test_accuracy"].get<double>());
  EXPECT_GT(best_test, 0.45) << j["log"].dump();
  EXPECT_LT(j["log"][3]["train_loss"].get<double>(), 0.6 * j["log"][0]["train_loss"].get<double>());
}

TEST_F(Train, SeedsGiveMeansAndStandardDeviations) {
  const auto r = cli("train" + kTiny +
                     " --data synthetic:classes=3,n=96,test=48,size=8 --optimizer signsgd:lr=0.01"
                     " --steps 4 --batch 32 --seeds 1:2 --out " +
                     path("s.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = read_json(path("s.json"));
  ASSERT_EQ(j["runs"].size(), 2u);
  const double a = j["runs"][0]["final"]["train_loss"], b = j["runs"][1]["final"]["train_loss"];
  EXPECT_NE(a, b);
  EXPECT_DOUBLE_EQ(j["final"]["train_loss"].get<double>(), (a + b) / 2);
  EXPECT_DOUBLE_EQ(j["final_std"]["train_loss"].get<double>(), std::abs(a - b) / std::sqrt(2.0));
}

TEST_F(Train, ARunIsReproducible) {
  const std::string args = "train" + kTiny +
                           " --data synthetic:classes=3,n=96,test=48,size=8 --optimizer ef-signsgd:lr=0.01"
                           " --steps 6 --batch 16 --seed 3 --out ";
  ASSERT_EQ(cli(args + path("a.json")).code, 0);
  ASSERT_EQ(cli(args + path("b.json")).code, 0);
  EXPECT_EQ(read_json(path("a.json"))["log"][0]["train_loss"],
            read_json(path("b.json"))["log"][0]["train_loss"]);
  EXPECT_EQ(read_json(path("a.json"))["final"]["test_accuracy"],
            read_json(path("b.json"))["final"]["test_accuracy"]);
}

TEST_F(Train, BadInputExitsTwoAndWritesNothing) {
  const std::string out = " --out " + path("x.json");
  const std::string data = " --data synthetic:n=64,test=16,size=8";
  const std::pair<std::string, std::string> cases[] = {
      {"--model vgg" + data, "unknown model 'vgg'; allowed: resnet18, resnet50, resnet"},
      {"--optimizer adam" + data, "unknown optimizer 'adam'; allowed: sgd, sgdm, adamw, signsgd"},
      {"--data mnist", "unknown data 'mnist'; allowed: synthetic, fashion-mnist, cifar10, cifar100"},
      {"--optimizer smm:lr=-1" + data, "lr"},
      {"--optimizer smm:beta=2" + data, "beta"},
      {"--batch 65" + data, "--batch 65 is not allowed; allowed: 1 to 64"},
      {"--device cuda" + data, "--device cuda"},
      {"--device tpu" + data, "allowed: cpu, cuda, auto"},
      {"--epochs 0" + data, "epochs"},
      {"--seeds 3:1" + data, "--seeds 3:1"},
      {"--data cifar10:dir=" + path("none"), "cannot read '" + path("none") + "/data_batch_1.bin'"},
  };
  for (const auto& [args, needle] : cases) {
    const std::string model = args.rfind("--model", 0) == 0 ? " --threads 1" : kTiny;
    const auto r = cli("train" + model + " " + args + out);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("x.json"))) << args;
    EXPECT_FALSE(std::filesystem::exists(path("x.json.log.jsonl"))) << args;
  }
}

TEST_F(Train, ADivergedRunExitsOneNamingTheStepAndKeepsItsLog) {
  const auto r = cli("train" + kTiny +
                     " --data synthetic:classes=3,n=96,test=48,size=8 --optimizer sgd:lr=1e30"
                     " --epochs 20 --batch 16 --eval-every 1 --out " +
                     path("d.json"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("diverged at step "), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(path("d.json")));
  std::ifstream log(path("d.json.log.jsonl"));
  std::string line;
  ASSERT_TRUE(std::getline(log, line)) << "the intervals before the divergence are kept";
  EXPECT_EQ(nlohmann::json::parse(line)["step"], 1);
}

// Every number of a run but its clocks.
nlohmann::json without_clocks(nlohmann::json j) {
  for (const char* k : {"seconds", "images_per_second", "train_seconds", "optimizer_share"}) j.erase(k);
  return j;
}

TEST_F(Train, VaryRunsEveryGridPointWithItsSeedsAndNamesTheBest) {
  const std::string run =
      "train" + kTiny + " --data synthetic:classes=3,n=96,test=48,size=8 --steps 4 --batch 16";
  const auto r =
      cli(run + " --optimizer smm --vary optimizer.lr=0.001,0.01,optimizer.beta=0.1,0.5 --seeds 1:2 --out " +
          path("g.json") + " --csv " + path("g.csv"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = read_json(path("g.json"));
  EXPECT_EQ(j["spec"]["vary"]["optimizer.lr"], nlohmann::json::array({0.001, 0.01}));
  EXPECT_EQ(j["spec"]["vary"]["optimizer.beta"], nlohmann::json::array({0.1, 0.5}));
  ASSERT_EQ(j["points"].size(), 4u);
  const double lrs[] = {0.001, 0.001, 0.01, 0.01}, betas[] = {0.1, 0.5, 0.1, 0.5};  // the last key fastest
  std::size_t best = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const auto& p = j["points"][k];
    EXPECT_EQ(p["point"], k);
    EXPECT_EQ(p["vary"]["optimizer.lr"], lrs[k]);
    EXPECT_EQ(p["vary"]["optimizer.beta"], betas[k]);
    EXPECT_EQ(p["optimizer"]["lr"], lrs[k]);
    EXPECT_EQ(p["optimizer"]["beta"], betas[k]);
    ASSERT_EQ(p["runs"].size(), 2u);
    if (p["final"]["train_loss"].get<double>() < j["points"][best]["final"]["train_loss"].get<double>())
      best = k;
  }
  EXPECT_EQ(j["best"]["point"], best);
  EXPECT_EQ(j["best"]["train_loss"], j["points"][best]["final"]["train_loss"]);
  EXPECT_EQ(j["final"], j["points"][best]["final"]);
  // A point is the run its optimizer gives alone, number for number.
  ASSERT_EQ(cli(run + " --optimizer smm:lr=0.01,beta=0.5 --seeds 1:2 --out " + path("one.json")).code, 0);
  const auto one = read_json(path("one.json"));
  EXPECT_EQ(without_clocks(one["final"]), without_clocks(j["points"][3]["final"]));
  EXPECT_EQ(without_clocks(one["runs"][1]["log"][0]), without_clocks(j["points"][3]["runs"][1]["log"][0]));
  // The CSV: a row per point, seed and interval (one interval of 4 steps).
  std::ifstream csv(path("g.csv"));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_EQ(line.rfind("point,seed,step,", 0), 0u) << line;
  std::size_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 8u);
  // Repeated flags give the same grid.
  ASSERT_EQ(cli(run + " --optimizer smm --vary optimizer.lr=0.001,0.01 --vary optimizer.beta=0.1,0.5 --out " +
                path("h.json"))
                .code,
            0);
  const auto h = read_json(path("h.json"));
  ASSERT_EQ(h["points"].size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(h["points"][k]["vary"], j["points"][k]["vary"]);
}

TEST_F(Train, VaryRecordsADivergedPointAndNeverCallsItBest) {
  const auto r = cli("train" + kTiny +
                     " --data synthetic:classes=3,n=96,test=48,size=8 --optimizer sgd"
                     " --vary optimizer.lr=1e30,0.01 --epochs 20 --batch 16 --eval-every 1 --out " +
                     path("d.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto j = read_json(path("d.json"));
  ASSERT_EQ(j["points"].size(), 2u);
  EXPECT_NE(j["points"][0]["diverged"].get<std::string>().find("diverged at step "), std::string::npos);
  EXPECT_FALSE(j["points"][0].contains("final"));
  EXPECT_EQ(j["best"]["point"], 1);
  EXPECT_EQ(j["best"]["optimizer"]["lr"], 0.01);
}

TEST_F(Train, BadGridsExitTwoAndWriteNothing) {
  const std::string run = "train" + kTiny + " --data synthetic:n=64,test=16,size=8 --steps 2 --batch 16";
  const std::pair<std::string, std::string> cases[] = {
      {"--vary optimizer.lr=abc", "--vary optimizer.lr grid 'abc': 'abc' is not a number"},
      {"--vary lr=0.1", "--vary 'lr=0.1' is not COMPONENT.KEY=VALUES; e.g. optimizer.lr=1e-3,1e-2"},
      {"--vary model.width=4,8", "component 'model' is not allowed; allowed: optimizer"},
      {"--optimizer signsgd --vary optimizer.beta=0.1,0.2", "beta=0.1 has no effect here"},
      {"--vary optimizer.foo=1,2", "foo"},
      {"--vary optimizer.lr=0.1,2 --vary optimizer.lr=1", "--vary optimizer.lr is given twice"},
      {"--vary optimizer.lr=-1,1", "lr"},
      {"--vary optimizer.lr=0.1 --checkpoint " + path("c.pt"), "not allowed with --vary"},
  };
  for (const auto& [args, needle] : cases) {
    const auto r = cli(run + " " + args + " --out " + path("x.json"));
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("x.json"))) << args;
    EXPECT_FALSE(std::filesystem::exists(path("x.json.log.jsonl"))) << args;
    EXPECT_FALSE(std::filesystem::exists(path("c.pt"))) << args;
  }
}

}  // namespace
}  // namespace signrate
