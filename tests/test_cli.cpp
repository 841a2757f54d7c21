// The command line as a user meets it: outputs, --spec round trip, --help, and bad input
// (a one-line error naming the value, exit code 2, no output file written or touched).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_process.hpp"
#include "signrate/engine.hpp"
#include "signrate/method.hpp"
#include "signrate/oracle.hpp"
#include "signrate/problem.hpp"
#include "signrate/schedule.hpp"

namespace signrate {
namespace {

namespace fs = std::filesystem;

using namespace testing_cli;
class Cli : public TempDirTest {};

TEST_F(Cli, RunWritesTheDocumentedJsonAndCsv) {
  const Outcome o =
      cli("run --problem quadratic --oracle gaussian:sigma=1 --method smm --schedule theorem1 "
          "--d 32 --T 256 --replicates 4 --seed 1 --out " +
          path("run.json") + " --csv " + path("run.csv"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json j = read_json(path("run.json"));
  for (const char* key : {"M1", "M2", "final_grad_l1", "final_grad_l2", "final_gap"}) {
    EXPECT_TRUE(j["metrics"][key]["mean"].is_number()) << key;
    EXPECT_TRUE(j["metrics"][key]["stderr"].is_number()) << key;
  }
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["spec"]["oracle"]["sigma"], 1.0);
  EXPECT_EQ(j["spec"]["schedule"]["name"], "theorem1");
  EXPECT_EQ(j["checkpoints"].back()["t"], 256);
  EXPECT_EQ(j["checkpoints"].back()["M1"], j["metrics"]["M1"]["mean"]);
  std::ifstream csv(path("run.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("t,M1,M1_stderr,M2,M2_stderr", 0), 0u) << header;
}

TEST_F(Cli, TheEchoedSpecRunsAgainToTheSameNumbers) {
  ASSERT_EQ(cli("run --problem diag-quadratic:law=power --oracle student-t:nu=5 --method signum:mu=0.8 "
                "--schedule constant:eta=0.01 --d 16 --T 200 --replicates 3 --seed 9 --batch 2 --out " +
                path("a.json"))
                .code,
            0);
  const nlohmann::json a = read_json(path("a.json"));
  std::ofstream(path("spec.json")) << a["spec"].dump();
  const Outcome o = cli("run --spec " + path("spec.json") + " --out " + path("b.json"));
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json b = read_json(path("b.json"));
  EXPECT_EQ(a["spec"], b["spec"]);
  EXPECT_EQ(a["metrics"], b["metrics"]);
  EXPECT_EQ(a["checkpoints"], b["checkpoints"]);
  // Flags override the file.
  ASSERT_EQ(cli("run --spec " + path("spec.json") + " --seed 10 --out " + path("c.json")).code, 0);
  EXPECT_NE(read_json(path("c.json"))["metrics"], a["metrics"]);
}

// `signrate list` and --help-components list every component; --help is the command's options and
// a pointer to them (issue 28: run --help and sweep --help were 200 lines each).
TEST_F(Cli, ListAndHelpComponentsListEveryComponentAndHelpStaysShort) {
  for (const char* command :
       {"list", "run --help-components", "sweep --help-components", "--help-components"}) {
    const Outcome o = cli(command);
    EXPECT_EQ(o.code, 0) << command << "\n" << o.output;
    for (const auto* registry :
         {&problem_registry(), &oracle_registry(), &method_registry(), &schedule_registry()})
      for (const auto& c : *registry)
        EXPECT_NE(o.output.find(c.name), std::string::npos) << command << " " << c.name;
  }
  // The names alone, for scripts (scripts/gpu-check.sh and bench/compare_train.sh loop over them).
  std::string names;
  for (const auto& c : method_registry()) names += c.name + "\n";
  EXPECT_EQ(cli("list methods --names").output, names);
  const Outcome oracles = cli("list oracles");
  EXPECT_NE(oracles.output.find("student-t"), std::string::npos) << oracles.output;
  EXPECT_EQ(oracles.output.find("theorem1"), std::string::npos) << oracles.output;
  const Outcome bad = cli("list nope");
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("unknown table 'nope'; allowed: problems, oracles, methods"), std::string::npos)
      << bad.output;
  for (const char* command : {"--help", "run --help", "sweep --help"}) {
    const Outcome h = cli(command);
    EXPECT_EQ(h.code, 0) << command;
    EXPECT_LT(std::count(h.output.begin(), h.output.end(), '\n'), 60) << command << "\n" << h.output;
    EXPECT_NE(h.output.find("signrate list, or --help-components"), std::string::npos) << command;
    EXPECT_EQ(h.output.find("student-t"), std::string::npos) << command;
  }
}

// An option without its value says so, naming the option and what follows it (issue 28: run --d
// --T 100 said "argument was not expected: 100").
TEST_F(Cli, AnOptionWithoutItsValueIsNamed) {
  const Outcome o = cli("run --d --T 100");
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("--d needs a value (INT); the next word is the option '--T'"), std::string::npos)
      << o.output;
  const Outcome end = cli("sweep --T");
  EXPECT_EQ(end.code, 2) << end.output;
  EXPECT_NE(end.output.find("--T needs a value (GRID); the command line ends there"), std::string::npos)
      << end.output;
}

struct BadInput {
  std::string args, must_mention;
};

TEST_F(Cli, BadInputIsAOneLineErrorWithExitCode2AndNoOutput) {
  const std::vector<BadInput> cases = {
      {"--d 0", "d=0"},
      {"--d -5", "d=-5"},
      {"--T abc", "T=abc"},
      {"--replicates 0", "replicates=0"},
      {"--batch 0", "batch=0"},
      {"--oracle student-t:nu=0", "nu=0"},
      {"--oracle student-t:nu=-2", "nu=-2"},
      {"--oracle two-point:p=1.5", "[2.3283064365386963e-10, 0.9999999997671694]"},
      {"--oracle gaussian:sigma=nan", "sigma=nan"},
      {"--oracle gaussian:sigma=-1", "sigma=-1"},
      {"--oracle gaussian:sigma", "key=value"},
      {"--oracle gaussian:foo=1", "allowed: sigma"},
      {"--method nope", "allowed: sgd"},
      {"--problem quad", "allowed: quadratic"},
      {"--schedule theorem1:beta_scale=100 --T 4", "(0, 1]"},
      {"--schedule constant:eta=0", "eta=0"},
      {"--block 48", "multiple of 32"},
      {"--seed -1", "seed=-1"},
      {"--spec /nonexistent/spec.json", "cannot read"},
      {"--device gpu", "allowed: cpu, cuda, cuda:N"},
      {"--device cuda:x", "device=cuda:x"},
      {"--device cuda:-1", "device=cuda:-1"},
  };
  for (const auto& c : cases) {
    std::ofstream(path("old.json")) << "old";
    const Outcome o = cli("run " + c.args + " --out " + path("new.json") + " --csv " + path("new.csv"));
    EXPECT_EQ(o.code, 2) << c.args << ": " << o.output;
    EXPECT_NE(o.output.find(c.must_mention), std::string::npos) << c.args << ": " << o.output;
    EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 1) << c.args << ": " << o.output;
    EXPECT_FALSE(fs::exists(path("new.json"))) << c.args;
    EXPECT_FALSE(fs::exists(path("new.csv"))) << c.args;
    const Outcome keep = cli("run " + c.args + " --out " + path("old.json"));
    std::ifstream in(path("old.json"));
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "old") << c.args;
  }
}

// --device: without a usable GPU, cuda is refused in one line that says why (exit 2, nothing
// written) and auto runs on the CPU; with one, both run there. The --spec file's "device" key does
// the same and is not echoed as part of the spec (it never changes the numbers).
TEST_F(Cli, DeviceOptionRunsWhereAGpuIsAndRefusesWhereNot) {
  std::string why;
  const bool gpu = cuda_usable(0, &why);
  const std::string small = "run --d 40 --T 30 --replicates 2";
  const Outcome cuda = cli(small + " --device cuda --out " + path("cuda.json"));
  if (gpu) {
    EXPECT_EQ(cuda.code, 0) << cuda.output;
    EXPECT_EQ(read_json(path("cuda.json"))["engine"]["backend"], "cuda");
  } else {
    EXPECT_EQ(cuda.code, 2) << cuda.output;
    EXPECT_NE(cuda.output.find("--device cuda:0: " + why), std::string::npos) << cuda.output;
    EXPECT_EQ(std::count(cuda.output.begin(), cuda.output.end(), '\n'), 1) << cuda.output;
    EXPECT_FALSE(fs::exists(path("cuda.json")));
  }
  ASSERT_EQ(cli(small + " --device auto --out " + path("auto.json")).code, 0);
  ASSERT_EQ(cli(small + " --out " + path("cpu.json")).code, 0);
  const nlohmann::json a = read_json(path("auto.json")), c = read_json(path("cpu.json"));
  EXPECT_EQ(a["engine"]["backend"], gpu ? "cuda" : "cpu");
  EXPECT_EQ(c["engine"]["backend"], "cpu");
  EXPECT_EQ(a["metrics"], c["metrics"]);  // the same numbers wherever they were computed
  EXPECT_EQ(a["checkpoints"], c["checkpoints"]);

  std::ofstream(path("spec.json")) << R"({"d": 40, "T": 30, "replicates": 2, "device": "auto"})";
  ASSERT_EQ(cli("run --spec " + path("spec.json") + " --out " + path("spec_out.json")).code, 0);
  const nlohmann::json from_spec = read_json(path("spec_out.json"));
  EXPECT_EQ(from_spec["engine"]["backend"], gpu ? "cuda" : "cpu");
  EXPECT_FALSE(from_spec["spec"].contains("device"));
  EXPECT_EQ(from_spec["metrics"], c["metrics"]);
  std::ofstream(path("bad.json")) << R"({"d": 40, "device": 1})";
  const Outcome bad = cli("run --spec " + path("bad.json") + " --out " + path("bad_out.json"));
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("device=1"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(path("bad_out.json")));
  for (const char* command :
       {"sweep --d 8,16 --T 8,16 --replicates 2", "verify thm1 --replicates 4", "demo momentum"}) {
    const Outcome o = cli(std::string(command) + " --device nope --out " + path("x.json"));
    EXPECT_EQ(o.code, 2) << command << ": " << o.output;
    EXPECT_NE(o.output.find("device=nope"), std::string::npos) << command << ": " << o.output;
  }
}

TEST_F(Cli, ADivergedRunExitsWith1AndWritesNothing) {
  const Outcome o =
      cli("run --problem rosenbrock --method sgd --schedule constant:eta=1 --d 4 --T 1000 --out " +
          path("x.json"));
  EXPECT_EQ(o.code, 1) << o.output;
  EXPECT_NE(o.output.find("diverged"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(path("x.json")));
}

TEST_F(Cli, SweepThenFitWritesTheDocumentedExponents) {
  const Outcome sweep =
      cli("sweep --d 16,64,256 --T 256:4096:x4 --replicates 6 --seed 1 --out " + path("s.json"));
  ASSERT_EQ(sweep.code, 0) << sweep.output;
  const nlohmann::json s = read_json(path("s.json"));
  EXPECT_EQ(s["points"].size(), 9u);
  const Outcome fit = cli("fit " + path("s.json") + " --bootstrap 200 --out " + path("f.json"));
  ASSERT_EQ(fit.code, 0) << fit.output;
  const nlohmann::json f = read_json(path("f.json"));
  EXPECT_TRUE(f["exponents"]["T"]["estimate"].is_number());
  EXPECT_EQ(f["exponents"]["T"]["ci"].size(), 2u);
  EXPECT_NEAR(f["exponents"]["d"]["estimate"].get<double>(), 0.5, 0.05);
  EXPECT_EQ(cli("fit " + path("s.json") + " --measure M2 --bootstrap 200").code, 0);
}

TEST_F(Cli, SweepVariesASpecParameterAndFitsEachValue) {
  const Outcome sweep = cli(
      "sweep --d 16,64,256 --T 256:4096:x4 --replicates 6 --vary oracle.sigma=0.5,2 --out " + path("v.json"));
  ASSERT_EQ(sweep.code, 0) << sweep.output;
  EXPECT_EQ(read_json(path("v.json"))["points"].size(), 18u);
  ASSERT_EQ(cli("fit " + path("v.json") + " --bootstrap 200 --out " + path("vf.json")).code, 0);
  const nlohmann::json f = read_json(path("vf.json"));
  ASSERT_EQ(f["groups"].size(), 2u);
  EXPECT_EQ(f["groups"][1]["vary"]["oracle.sigma"], 2.0);
  EXPECT_NEAR(f["groups"][1]["exponents"]["d"]["estimate"].get<double>(), 0.5, 0.05);
  EXPECT_EQ(cli("sweep --d 16 --T 64 --vary oracle.sigma=-1").code, 2);
  EXPECT_EQ(cli("sweep --d 16 --T 64 --vary sigma").code, 2);
}

TEST_F(Cli, FitRefusesTooFewPointsOrReplicates) {
  ASSERT_EQ(cli("sweep --d 16 --T 64,256 --replicates 6 --out " + path("two.json")).code, 0);
  const Outcome o = cli("fit " + path("two.json") + " --part all");
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("at least 3"), std::string::npos) << o.output;
  ASSERT_EQ(cli("sweep --d 16 --T 64,128,256 --replicates 2 --out " + path("few.json")).code, 0);
  const Outcome few = cli("fit " + path("few.json") + " --part all");
  EXPECT_EQ(few.code, 2) << few.output;
  EXPECT_NE(few.output.find("at least 4"), std::string::npos) << few.output;
  // Issue 28: the refusals say what to do, and the sweep said beforehand that it cannot be fitted.
  const Outcome half = cli("fit " + path("two.json"));
  EXPECT_EQ(half.code, 2) << half.output;
  EXPECT_NE(half.output.find("; --part all fits every T value (the upper half holds 1 point)"),
            std::string::npos)
      << half.output;
  EXPECT_NE(few.output.find("; sweep again with --replicates 4 or more"), std::string::npos) << few.output;
  const Outcome noted = cli("sweep --d 16 --T 64,128 --replicates 2 --out " + path("noted.json"));
  EXPECT_EQ(noted.code, 0) << noted.output;
  EXPECT_NE(noted.output.find("sweep: note: fit and verify need at least 4 replicates per point"),
            std::string::npos)
      << noted.output;
  // Issue 13: the error is the whole output, one line: no table header printed before it.
  for (const Outcome& refused : {o, few, half}) {
    EXPECT_EQ(refused.output.find("fitted on"), std::string::npos) << refused.output;
    EXPECT_EQ(std::count(refused.output.begin(), refused.output.end(), '\n'), 1) << refused.output;
  }
}

// Issue 13: each command's help ends with what concerns it: the catalogue for run and sweep, the
// verdicts for verify, the exit codes alone for fit and report; the top-level help lists 3 and 4.
TEST_F(Cli, HelpFootersFitTheirCommand) {
  const Outcome top = cli("--help");
  EXPECT_NE(top.output.find("3 a theorem violated (verify), 4 a verification that cannot decide"),
            std::string::npos)
      << top.output;
  for (const char* cmd : {"fit", "report"}) {
    const Outcome h = cli(std::string(cmd) + " --help");
    EXPECT_EQ(h.code, 0) << h.output;
    EXPECT_EQ(h.output.find("Oracles (--oracle)"), std::string::npos) << cmd << "\n" << h.output;
    EXPECT_NE(h.output.find("Exit codes: 0 ok"), std::string::npos) << cmd << "\n" << h.output;
  }
  const Outcome verify = cli("verify --help");
  EXPECT_NE(verify.output.find("holds, pre-asymptotic"), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find("--strict"), std::string::npos) << verify.output;
  EXPECT_NE(cli("run --help").output.find("--help-components"), std::string::npos);
}

// Issue 13: every option's value is named for what it is (INT, NUMBER, GRID, SPEC, FILE, ...),
// never CLI11's TEXT; grids are GRID where a grid is taken and INT where one value is.
TEST_F(Cli, HelpNamesEveryValueType) {
  for (const char* cmd : {"run", "sweep", "fit", "verify", "report", "demo", "train"}) {
    const Outcome h = cli(std::string(cmd) + " --help");
    if (std::string(cmd) == "train" && h.code != 0) continue;  // a build without LibTorch has no train
    EXPECT_EQ(h.code, 0) << cmd << "\n" << h.output;
    EXPECT_EQ(h.output.find(" TEXT"), std::string::npos) << cmd << "\n" << h.output;
  }
  EXPECT_NE(cli("run --help").output.find("--d INT"), std::string::npos);
  EXPECT_NE(cli("sweep --help").output.find("--d GRID"), std::string::npos);
  EXPECT_NE(cli("verify --help").output.find("--tolerance NUMBER"), std::string::npos);
  EXPECT_NE(cli("run --help").output.find("--oracle SPEC"), std::string::npos);
}

// Issue 13: report --theorem draws a one-term theorem's slopes on a sweep; a sum or max rate has
// none (refused, pointing to verify), and a verify JSON names its own theorem.
TEST_F(Cli, ReportTheoremIsRefusedWhereItCannotApply) {
  ASSERT_EQ(cli("sweep --d 16,64 --T 64,256 --replicates 4 --out " + path("s.json")).code, 0);
  const Outcome sum =
      cli("report " + path("s.json") + " --theorem thm3 --bootstrap 100 -o " + path("r.html"));
  EXPECT_EQ(sum.code, 2) << sum.output;
  EXPECT_NE(sum.output.find("has no single slope to draw"), std::string::npos) << sum.output;
  EXPECT_FALSE(fs::exists(path("r.html")));
  ASSERT_EQ(
      cli("verify thm1 --d 16,64 --T 64,256,1024 --replicates 4 --bootstrap 100 --out " + path("v.json"))
          .code,
      0);
  const Outcome named =
      cli("report " + path("v.json") + " --theorem thm1 --bootstrap 100 -o " + path("r.html"));
  EXPECT_EQ(named.code, 2) << named.output;
  EXPECT_FALSE(fs::exists(path("r.html")));
}

// Issue 13: every theorem decides with its defaults (the grids are the registry's), and the verdict
// a user gates on is the one documented in docs/distributed-theory.md and docs/theory.md.
TEST_F(Cli, VerifyDefaultsDecide) {
  for (const auto& [args, code, verdict] :
       {std::tuple{"thm1", 0, "holds"},
        {"thm2", 0, "holds"},
        {"thm3", 0, "holds, loose"},
        {"thm5", 0, "holds, loose"},
        {"thm1 --schedule theorem2", 3, "exceeded, outside the theorem's hypotheses"}}) {
    const Outcome o = cli(std::string("verify ") + args + " --out " + path("default.json"));
    EXPECT_EQ(o.code, code) << args << "\n" << o.output;
    const nlohmann::json v = read_json(path("default.json"));
    EXPECT_EQ(v["verdict"], verdict) << args;
    // Issue 28: a schedule other than the theorem's is outside its hypotheses, said in the table and
    // the JSON, and the theorem is never called violated there; the table says what tight means.
    const bool outside = std::string(args).find("theorem2") != std::string::npos;
    EXPECT_EQ(o.output.find("outside the theorem's hypotheses: schedule theorem2 is not thm1's theorem1") !=
                  std::string::npos,
              outside)
        << o.output;
    EXPECT_EQ(v["families"][0]["outside_hypotheses"].size(), outside ? 1u : 0u) << args;
    EXPECT_EQ(o.output.find("violated"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("tight, the CI widened by the tolerance 0.050 on each side"), std::string::npos)
        << o.output;
  }
}

TEST_F(Cli, VerifyExitCodesFollowTheVerdicts) {
  const std::string grid = " --d 16,64,256 --T 256:16384:x4 --replicates 8 --bootstrap 200";
  const Outcome ok = cli("verify thm1" + grid + " --out " + path("v.json"));
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_NE(ok.output.find("\nverdict: holds"), std::string::npos) << ok.output;
  const nlohmann::json v = read_json(path("v.json"));
  EXPECT_TRUE(v["families"][0]["verdicts"]["bound_holds"].get<bool>());
  EXPECT_EQ(v["families"][0]["predicted"]["T"], -0.25);
  // Issue 28: fit takes a verify output (its family's sweep) and gives verify's exponents.
  const Outcome refit = cli("fit " + path("v.json") + " --bootstrap 200 --out " + path("f.json"));
  ASSERT_EQ(refit.code, 0) << refit.output;
  EXPECT_NEAR(read_json(path("f.json"))["exponents"]["d"]["estimate"].get<double>(),
              v["families"][0]["fit"]["exponents"]["d"]["estimate"].get<double>(), 1e-12);
  const Outcome wrong = cli("fit " + path("v.json") + " --family nothing");
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.output.find("allowed: --family <the start of one name>: isotropic quadratic"),
            std::string::npos)
      << wrong.output;
  const Outcome failed = cli("verify thm1 --schedule theorem2" + grid);
  EXPECT_EQ(failed.code, 3) << failed.output;
  EXPECT_NE(failed.output.find("\nverdict: exceeded, outside the theorem's hypotheses"), std::string::npos)
      << failed.output;
  EXPECT_NE(failed.output.find("d: measured 0.7"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("a persistent excess"), std::string::npos) << failed.output;
  EXPECT_EQ(cli("verify thm1 --schedule theorem2 --strict" + grid).code, 3);
  EXPECT_EQ(cli("verify thm7").code, 2);
  EXPECT_EQ(cli("verify thm1 --d 0").code, 2);
  const Outcome refused = cli("verify thm1 --oracle student-t:nu=1.5" + grid);
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find("--allow-violations"), std::string::npos) << refused.output;
  // Allowed, the infinite-variance run is inconclusive (exit 4): its bound is infinite, never "holds".
  const Outcome infinite = cli("verify thm1 --oracle student-t:nu=1.5 --allow-violations" + grid);
  EXPECT_EQ(infinite.code, 4) << infinite.output;
  EXPECT_NE(infinite.output.find("bound holds: n/a (the bound is infinite"), std::string::npos)
      << infinite.output;
  EXPECT_EQ(infinite.output.find("bound holds: yes"), std::string::npos) << infinite.output;
  EXPECT_NE(infinite.output.find("\nverdict: inconclusive"), std::string::npos) << infinite.output;
  const Outcome dominance = cli("verify thm3 --dominance 0.5");
  EXPECT_EQ(dominance.code, 2) << dominance.output;
  EXPECT_NE(dominance.output.find("dominance=0.5"), std::string::npos) << dominance.output;
}

}  // namespace
}  // namespace signrate

namespace signrate {
namespace {

using namespace testing_cli;

// Issue 27: the simulation commands start without LibTorch (it took 0.65 s of dynamic linking
// before each of them); `signrate train` starts signrate-train, beside signrate, with its
// arguments, and says so in one line when it is not there.
TEST_F(Cli, SimulationCommandsDoNotLoadLibTorchAndTrainStartsItsOwnExecutable) {
  const Outcome ldd = shell("ldd " + std::string(SIGNRATE_CLI_PATH));
  EXPECT_EQ(ldd.code, 0) << ldd.output;
  EXPECT_EQ(ldd.output.find("libtorch"), std::string::npos) << ldd.output;
  EXPECT_EQ(ldd.output.find("libc10"), std::string::npos) << ldd.output;
  const std::filesystem::path cli_dir = std::filesystem::path(SIGNRATE_CLI_PATH).parent_path();
  if (!std::filesystem::exists(cli_dir / "signrate-train")) return;  // built without LibTorch
  const Outcome help = cli("train --help");
  EXPECT_EQ(help.code, 0) << help.output;
  EXPECT_NE(help.output.find("Usage: signrate train [OPTIONS]"), std::string::npos) << help.output;
  const Outcome bad = cli("train --optimizer nope");
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("signrate: error: unknown optimizer 'nope'"), std::string::npos) << bad.output;
  // A signrate alone in a folder: train cannot start, one line says why.
  std::filesystem::copy_file(SIGNRATE_CLI_PATH, path("signrate"));
  std::filesystem::permissions(path("signrate"), std::filesystem::perms::owner_all);
  const Outcome alone = shell(path("signrate") + " train --optimizer smm");
  EXPECT_EQ(alone.code, 1) << alone.output;
  EXPECT_NE(alone.output.find("cannot start '" + path("signrate-train") + "'"), std::string::npos)
      << alone.output;
  EXPECT_EQ(std::count(alone.output.begin(), alone.output.end(), '\n'), 1) << alone.output;
}

// Issue 28: a mistyped command is named with the nearest one; `signrate help CMD` is CMD's help.
TEST_F(Cli, AMistypedCommandIsNamedWithTheNearestAndHelpTakesACommand) {
  const Outcome typo = cli("verfy thm1");
  EXPECT_EQ(typo.code, 2) << typo.output;
  EXPECT_NE(typo.output.find(
                "signrate: error: unknown command 'verfy'; did you mean 'verify'?; allowed: run, sweep, "
                "fit, verify, report, demo"),
            std::string::npos)
      << typo.output;
  EXPECT_EQ(std::count(typo.output.begin(), typo.output.end(), '\n'), 1) << typo.output;
  const Outcome far = cli("xyzzy");
  EXPECT_EQ(far.code, 2) << far.output;
  EXPECT_EQ(far.output.find("did you mean"), std::string::npos) << far.output;
  const Outcome help = cli("help run");
  EXPECT_EQ(help.code, 0) << help.output;
  EXPECT_EQ(help.output, cli("run --help").output);
  EXPECT_EQ(cli("help").output, cli("--help").output);
}

// Issue 28: --version names the build (commit, compiler, what it has), and engine.threads records
// the threads that ran (at most the replicates) beside the request.
TEST_F(Cli, VersionNamesTheBuildAndEngineThreadsAreThoseThatRan) {
  const Outcome v = cli("--version");
  EXPECT_EQ(v.code, 0) << v.output;
  for (const char* part :
       {"signrate 0.1.0 (commit ", "compiler: ", "\nCUDA: ", "\nLibTorch: ", "\nMPI: ", "\nPython: "})
    EXPECT_NE(v.output.find(part), std::string::npos) << part << " in: " << v.output;
  for (const auto& [threads, ran] : {std::pair{"8", 3u}, {"2", 2u}}) {
    const Outcome r =
        cli(std::string("run --d 4 --T 2 --replicates 3 --threads ") + threads + " --out " + path("t.json"));
    ASSERT_EQ(r.code, 0) << r.output;
    const nlohmann::json e = read_json(path("t.json"))["engine"];
    EXPECT_EQ(e["threads"], ran) << threads;
    EXPECT_EQ(e["threads_requested"], std::stoi(threads));
  }
}

// Issue 28: a method's eta or beta is a schedule's (the error says how to give it); run without
// --out writes the JSON alone to stdout and its summary to stderr; -q is taken by train as by run.
TEST_F(Cli, ScheduleKeysPointToTheScheduleAndRunToStdoutSummarizesOnStderr) {
  for (const auto& [method, hint] : {std::pair{"smm:beta=0.1", "--schedule constant:eta=<eta>,beta=0.1"},
                                     {"signum:eta=0.01", "--schedule constant:eta=0.01,beta=<beta>"},
                                     {"mvsm-v2:lr=0.01,R=1", "--schedule constant:eta=0.01,beta=<beta>"}}) {
    const bool nodes = std::string(method).rfind("mvsm", 0) == 0;
    const Outcome o = cli(std::string("run ") + (nodes ? "--nodes 2 " : "") + "--method " + method);
    EXPECT_EQ(o.code, 2) << o.output;
    EXPECT_NE(o.output.find(hint), std::string::npos) << method << ": " << o.output;
  }
  const std::string run = std::string(SIGNRATE_CLI_PATH) + " run --d 4 --T 2 --replicates 2";
  const Outcome json = shell("(" + run + " 2>/dev/null)");
  ASSERT_EQ(json.code, 0);
  EXPECT_EQ(nlohmann::json::parse(json.output)["spec"]["d"], 4);  // stdout holds the JSON alone
  const Outcome summary = shell("(" + run + " 2>&1 >/dev/null)");
  EXPECT_NE(summary.output.find("M1 = "), std::string::npos) << summary.output;
  EXPECT_NE(summary.output.find("the JSON went to standard output"), std::string::npos) << summary.output;
  EXPECT_EQ(shell("(" + run + " -q 2>&1 >/dev/null)").output, "");
  if (std::filesystem::exists(std::filesystem::path(SIGNRATE_CLI_PATH).parent_path() / "signrate-train")) {
    const Outcome help = cli("train --help");
    EXPECT_NE(help.output.find("-q,--quiet"), std::string::npos) << help.output;
  }
}

// Issue 28: `signrate demo` lists the demonstrations, sweep says what it wrote in one line, and
// `--spec` takes an output of run (its spec): the same numbers again.
TEST_F(Cli, DemoListsSweepSummarizesAndSpecTakesAnOutput) {
  const Outcome list = cli("demo");
  EXPECT_EQ(list.code, 0) << list.output;
  EXPECT_NE(list.output.find("Demonstrations (signrate demo NAME writes demo-NAME.html):\n  "),
            std::string::npos)
      << list.output;
  const Outcome sweep = cli("sweep --d 4,8 --T 16 --replicates 4 -q --out " + path("s.json"));
  EXPECT_EQ(sweep.code, 0) << sweep.output;
  EXPECT_NE(sweep.output.find("sweep: 2 points, 4 replicates each ("), std::string::npos) << sweep.output;
  EXPECT_NE(sweep.output.find("); wrote " + path("s.json") + "\n"), std::string::npos) << sweep.output;
  ASSERT_EQ(cli("run --d 8 --T 32 --replicates 3 --seed 5 -q --out " + path("a.json")).code, 0);
  const Outcome again = cli("run --spec " + path("a.json") + " -q --out " + path("b.json"));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(read_json(path("a.json"))["per_replicate"], read_json(path("b.json"))["per_replicate"]);
  EXPECT_EQ(read_json(path("b.json"))["spec"]["seed"], 5);
  const Outcome from_sweep = cli("run --spec " + path("s.json") + " --out " + path("c.json"));
  EXPECT_EQ(from_sweep.code, 2) << from_sweep.output;
  EXPECT_NE(from_sweep.output.find("is the output of a sweep, whose spec is its first point's"),
            std::string::npos)
      << from_sweep.output;
  const Outcome nameless = cli("demo -o " + path("d.html"));
  EXPECT_EQ(nameless.code, 2) << nameless.output;
  EXPECT_FALSE(fs::exists(path("c.json")));
}

}  // namespace
}  // namespace signrate
