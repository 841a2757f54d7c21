// Hardening (docs/outputs.md, "Outputs, inputs and memory"): outputs that never clobber, inputs that never
// crash, memory checked before it is taken. Each test reproduces one numbered case of the
// adversarial pass that found them (its number is in the test's comment).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_process.hpp"
#include "signrate/error.hpp"
#include "signrate/experiment.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/oracle.hpp"
#include "signrate/output_files.hpp"
#include "signrate/spec.hpp"
#include "signrate/text.hpp"

namespace signrate {
namespace {

namespace fs = std::filesystem;
using namespace testing_cli;

class Hardening : public TempDirTest {
 protected:
  // A small sweep's JSON, written once per test that needs it.
  nlohmann::json small_sweep() {
    const Outcome o = cli("sweep --d 4,8 --T 64,256 --replicates 4 --seed 3 --out " + path("s.json"));
    EXPECT_EQ(o.code, 0) << o.output;
    return read_json(path("s.json"));
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// A shell command with its output (stdout and stderr) and exit code (128 + the signal that ended it).
Outcome shell(const std::string& cmd) {
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const std::string kSmallRun = "run --d 8 --T 64 --replicates 2 ";

// 1. Streams are written directly, never replaced; other non-regular targets are refused.
TEST_F(Hardening, StreamTargetsAreWrittenDirectlyAndDevicesAreNeverReplaced) {
  for (const std::string stream : {"-", "/dev/stdout"}) {
    const Outcome o = cli(kSmallRun + "-q --out " + stream);  // -q: no summary on stderr
    ASSERT_EQ(o.code, 0) << stream << ": " << o.output;
    EXPECT_EQ(nlohmann::json::parse(o.output)["spec"]["d"], 8) << stream;
  }
  const Outcome null = cli(kSmallRun + "--out /dev/null --csv /dev/null");
  EXPECT_EQ(null.code, 0) << null.output;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  // A FIFO, a directory, a character device: refused before the run, left as they are.
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0644), 0);
  fs::create_directory(path("folder"));
  for (const auto& [target, kind] : std::vector<std::pair<std::string, std::string>>{
           {path("fifo"), "a FIFO"}, {path("folder"), "a directory"}, {"/dev/zero", "a character device"}}) {
    const Outcome o = cli(kSmallRun + "--out " + target);
    EXPECT_EQ(o.code, 2) << target << ": " << o.output;
    EXPECT_NE(o.output.find("'" + target + "' is " + kind), std::string::npos) << o.output;
    EXPECT_EQ(lines(o.output), 1u) << o.output;
  }
  EXPECT_TRUE(fs::is_fifo(path("fifo")));
  EXPECT_TRUE(fs::is_directory(path("folder")));
  EXPECT_TRUE(fs::is_character_file("/dev/zero"));
  // The JSON on standard output and the CSV on it too would interleave: refused.
  const Outcome both = cli(kSmallRun + "--out - --csv /dev/stdout");
  EXPECT_EQ(both.code, 2) << both.output;
}

// 2. Deeply nested JSON is refused with one line, never a stack overflow.
TEST_F(Hardening, DeeplyNestedJsonIsExit2) {
  const std::size_t n = 100000;
  const std::string deep = write("deep.json", "{\"d\": " + std::string(n, '[') + std::string(n, ']') + "}");
  for (const std::string& args : {"run --spec " + deep, "fit " + deep, "report " + deep}) {
    const Outcome o = cli(args + " --out " + path("x.out"));
    EXPECT_EQ(o.code, 2) << args << ": " << o.output.substr(0, 300);
    EXPECT_NE(o.output.find("nests deeper than 64 levels"), std::string::npos) << o.output.substr(0, 300);
    EXPECT_EQ(lines(o.output), 1u);
  }
  EXPECT_FALSE(fs::exists(path("x.out")));
}

// 3, 9, 10. Malformed or inconsistent fit and report inputs: exit 2, one line naming the key.
TEST_F(Hardening, MalformedSweepsAreOneLineErrorsNamingTheKey) {
  const nlohmann::json good = small_sweep();
  struct Edit {
    std::string what, must_mention;
    std::function<void(nlohmann::json&)> edit;
  };
  const std::vector<Edit> edits = {
      {"empty T grid", "grid.T is empty",
       [](nlohmann::json& j) { j["grid"]["T"] = nlohmann::json::array(); }},
      {"empty T grid, one point", "grid.T is empty",
       [](nlohmann::json& j) {
         j["grid"]["T"] = nlohmann::json::array();
         j["points"] = nlohmann::json::array({j["points"][0]});
       }},
      {"no points (case 10)", "points is empty",
       [](nlohmann::json& j) { j["points"] = nlohmann::json::array(); }},
      {"a point off the grid", "points[1].T is 256, not a value of grid.T",
       [](nlohmann::json& j) { j["grid"]["T"] = {64}; }},
      {"short per_replicate", "points[2].per_replicate.M1 has 3 values for 4 replicates",
       [](nlohmann::json& j) { j["points"][2]["per_replicate"]["M1"].erase(0); }},
      {"long per_replicate", "points[0].per_replicate.M2 has 5 values for 4 replicates",
       [](nlohmann::json& j) { j["points"][0]["per_replicate"]["M2"].push_back(1.0); }},
      {"missing key", "points[3].metrics has no \"M1\"",
       [](nlohmann::json& j) { j["points"][3]["metrics"].erase("M1"); }},
      {"wrong type", "grid.d is not an array", [](nlohmann::json& j) { j["grid"]["d"] = "4,8"; }},
      {"points not an array", "points is not an array", [](nlohmann::json& j) { j["points"] = 5; }},
      {"no checkpoints", "points[0].checkpoints is empty",
       [](nlohmann::json& j) { j["points"][0]["checkpoints"] = nlohmann::json::array(); }},
  };
  for (const Edit& e : edits) {
    nlohmann::json j = good;
    e.edit(j);
    const std::string input = write("bad.json", j.dump());
    for (const std::string& command : {"fit " + input + " --bootstrap 100 --out " + path("f.json"),
                                       "report " + input + " --bootstrap 100 -o " + path("r.html")}) {
      const Outcome o = cli(command);
      EXPECT_EQ(o.code, 2) << e.what << ": " << command << ": " << o.output;
      EXPECT_NE(o.output.find(e.must_mention), std::string::npos) << e.what << ": " << o.output;
      EXPECT_EQ(lines(o.output), 1u) << e.what << ": " << o.output;
    }
    EXPECT_EQ(files(), (std::vector<std::string>{"bad.json", "s.json"})) << e.what;
  }
}

// 3, 9. A verify JSON with an empty family list or n grid: exit 2 naming the key.
TEST_F(Hardening, MalformedVerifyJsonIsExit2) {
  const std::string input =
      write("v.json", R"({"version": "0.1.0", "theorem": "thm1", "title": "t", "measure": "M1",
      "tolerance": 0.05, "level": 0.95, "dominance": 10, "verdict": "holds", "families": []})");
  const Outcome o = cli("report " + input + " -o " + path("r.html"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("verify JSON: families is empty"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(path("r.html")));
}

// 4. A thread that cannot start is a RunError (exit 1) naming it, never an abort.
TEST_F(Hardening, AThreadThatCannotStartIsExit1) {
  const Outcome o = shell(std::string("LD_PRELOAD=") + SIGNRATE_FAIL_THREADS_PATH + " " + SIGNRATE_CLI_PATH +
                          " run --d 8 --T 64 --replicates 8 --threads 4 --out " + path("x.json"));
  EXPECT_EQ(o.code, 1) << o.output;
  EXPECT_NE(o.output.find("cannot start worker thread 2 of 4"), std::string::npos) << o.output;
  EXPECT_EQ(lines(o.output), 1u) << o.output;
  EXPECT_FALSE(fs::exists(path("x.json")));
}

// 5. No fixed temporary name: another writer's file beside the target is never touched, and two
// runs writing the same path both succeed with a whole file from one of them.
TEST_F(Hardening, ConcurrentWritersNeverShareATemporaryFile) {
  write("x.json.tmp", "another writer's data");
  ASSERT_EQ(cli(kSmallRun + "--out " + path("x.json")).code, 0);
  EXPECT_EQ(slurp(path("x.json.tmp")), "another writer's data");
  ASSERT_EQ(cli(kSmallRun + "--seed 1 --out " + path("a.json")).code, 0);
  ASSERT_EQ(cli(kSmallRun + "--seed 2 --out " + path("b.json")).code, 0);
  const nlohmann::json a = read_json(path("a.json")), b = read_json(path("b.json"));
  for (int round = 0; round < 8; ++round) {
    std::vector<Outcome> outcomes(2);
    std::thread one([&] { outcomes[0] = cli(kSmallRun + "--seed 1 --out " + path("x.json")); });
    std::thread two([&] { outcomes[1] = cli(kSmallRun + "--seed 2 --out " + path("x.json")); });
    one.join();
    two.join();
    EXPECT_EQ(outcomes[0].code, 0) << outcomes[0].output;
    EXPECT_EQ(outcomes[1].code, 0) << outcomes[1].output;
    const nlohmann::json x = read_json(path("x.json"));
    EXPECT_TRUE(x["metrics"] == a["metrics"] || x["metrics"] == b["metrics"]);
  }
  // Nothing but the outputs (and the other writer's file): no temporary file is left.
  EXPECT_EQ(files(), (std::vector<std::string>{"a.json", "b.json", "x.json", "x.json.tmp"}));
}

// 6, 7. Every target is checked before the computation: a bad one is exit 2 naming the user's
// path and the OS reason, and no output of the command appears.
TEST_F(Hardening, TargetsAreCheckedBeforeComputingAndAFailureLeavesNoFile) {
  const Outcome run = cli(kSmallRun + "--csv " + path("c.csv") + " --out /nonexistent/x.json");
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_NE(run.output.find("--out '/nonexistent/x.json' cannot be written: cannot create a file in "
                            "'/nonexistent': No such file or directory"),
            std::string::npos)
      << run.output;
  EXPECT_FALSE(fs::exists(path("c.csv")));
  // A sweep that would compute for minutes is refused at once.
  const auto start = std::chrono::steady_clock::now();
  const Outcome sweep = cli("sweep --d 4096,16384 --T 1048576 --replicates 64 --out /nonexistent/x.json");
  EXPECT_EQ(sweep.code, 2) << sweep.output;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
  EXPECT_NE(sweep.output.find("'/nonexistent/x.json'"), std::string::npos) << sweep.output;
  EXPECT_EQ(sweep.output.find(".tmp"), std::string::npos) << sweep.output;
  // report: the page's target is a directory; its PNGs would go beside it. None appears.
  small_sweep();
  fs::create_directory(path("r.html"));
  const Outcome report = cli("report " + path("s.json") + " --bootstrap 100 -o " + path("r.html"));
  EXPECT_EQ(report.code, 2) << report.output;
  EXPECT_EQ(files(), (std::vector<std::string>{"r.html", "s.json"}));
}

// 6. The writer: when one file of a command cannot be written at commit, none is replaced and no
// temporary file is left.
TEST_F(Hardening, OutputFilesCommitAllOrNothing) {
  fs::create_directory(path("a"));
  fs::create_directory(path("b"));
  write("a/keep.json", "old");
  OutputFiles files;
  files.add("--out", path("a/keep.json"));
  files.add("--csv", path("b/new.csv"));
  files.set(path("a/keep.json"), "new");
  files.set(path("b/new.csv"), "t,M1\n");
  fs::remove_all(path("b"));  // the CSV's folder goes away during the computation
  try {
    files.commit();
    ADD_FAILURE() << "commit succeeded";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find(path("b/new.csv")), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(path("a/keep.json")), "old");
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(path("a"))) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"keep.json"});
  // The same set committed with both folders present writes both.
  fs::create_directory(path("b"));
  files.commit();
  EXPECT_EQ(slurp(path("a/keep.json")), "new");
  EXPECT_EQ(slurp(path("b/new.csv")), "t,M1\n");
}

// 8. A file name that is not valid UTF-8 is recorded in the JSON's command, escaped so that the
// command still reproduces the run.
TEST_F(Hardening, ANonUtf8FileNameIsEscapedNeverAnError) {
  const std::string name = path("\xff\xfe.json");
  const Outcome o = cli(kSmallRun + "--out \"$(printf '" + dir_.string() + "/\\377\\376.json')\"");
  ASSERT_EQ(o.code, 0) << o.output;
  const nlohmann::json j = read_json(name);
  const std::string command = j["command"];
  EXPECT_NE(command.find("--out $'" + dir_.string() + "/\\xff\\xfe.json'"), std::string::npos) << command;
  EXPECT_EQ(shell_word("a'b\n\xff"), "$'a\\'b\\x0a\\xff'");
  EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
  EXPECT_EQ(printable("a\nb\x01\xc3\xa9\xff"), "a\\nb\\x01\xc3\xa9\\xff");
}

// 9. Bad input that used to exit 1 with a library message, or was accepted.
TEST_F(Hardening, BadInputIsExit2WithOneLine) {
  const std::string overflow = write("overflow.json", R"({"d": 1e309})");
  fs::create_directory(path("spec_dir"));
  struct Case {
    std::string args, must_mention;
  };
  const std::vector<Case> cases = {
      {"run --spec " + overflow, "number overflow"},
      {"run --spec " + path("spec_dir"), "is a directory"},
      {"run --d ''", "--d: an empty value is not allowed"},
      {"run --oracle ''", "--oracle: an empty value is not allowed"},
      {"run --problem quadratic:L=0x10", "L='0x10' is not a number"},
      {"run --schedule constant:eta=1e-2x", "eta='1e-2x' is not a number"},
      {"run --problem 'quadratic:L=1\n,a=2'", "L='1\\n' is not a number"},
      {"run --spec " + path("none.json"), "No such file or directory"},
      {"fit " + write("notsweep.json", R"({"points": 5})"), "sweep JSON has no \"version\""},
      {"report " + write("neither.json", R"([1, 2])"), "neither a sweep JSON nor a verify JSON"},
      {"fit " + write("nonutf8.json", "{\"points\": \"\xff\"}"), "not valid JSON"},
      {"sweep --d 0x10 --T 64", "'0x10' is not a number"},
      {"verify thm1 --tolerance 0x1p-1", "tolerance=0x1p-1 is not allowed"},
  };
  for (const Case& c : cases) {
    const Outcome o = cli(c.args + " --out " + path("x.out"));
    EXPECT_EQ(o.code, 2) << c.args << ": " << o.output;
    EXPECT_NE(o.output.find(c.must_mention), std::string::npos) << c.args << ": " << o.output;
    EXPECT_EQ(lines(o.output), 1u) << c.args << ": " << o.output;
    EXPECT_FALSE(fs::exists(path("x.out"))) << c.args;
  }
  double v = 0;
  for (const char* ok : {"1", "-2.5", ".5", "5.", "1e-3", "+1E+3", "inf", "nan"})
    EXPECT_TRUE(parse_decimal(ok, &v)) << ok;
  for (const char* bad : {"", "0x10", " 1", "1 ", "1e", "e3", ".", "1.2.3", "infinite", "1,5"})
    EXPECT_FALSE(parse_decimal(bad, &v)) << bad;
}

// 11. Memory is planned before it is taken: too much is exit 2 with both numbers, at once.
TEST_F(Hardening, MemoryIsPlannedBeforeItIsTaken) {
  const auto quick = [&](const std::string& args) {
    const auto start = std::chrono::steady_clock::now();
    const Outcome o = cli(args + " --out " + path("x.json"));
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0) << args;
    EXPECT_EQ(o.code, 2) << args << ": " << o.output;
    EXPECT_NE(o.output.find("needs about "), std::string::npos) << o.output;
    EXPECT_NE(o.output.find(" of memory, more than the "), std::string::npos) << o.output;
    EXPECT_EQ(lines(o.output), 1u) << o.output;
    EXPECT_FALSE(fs::exists(path("x.json")));
    return o.output;
  };
  EXPECT_NE(quick("run --d 4294967295 --T 10").find("available"), std::string::npos);
  // The sweep the adversarial pass ran (it grew to 12 GB), on a 4 GB budget: refused at once, not after
  // hours.
  EXPECT_NE(quick("sweep --d 10:100000000:x10 --T 64 --replicates 1000 --max-memory 4G").find("the sweep ("),
            std::string::npos);
  EXPECT_NE(quick(kSmallRun + "--max-memory 1K").find("set by --max-memory"), std::string::npos);
  EXPECT_EQ(cli(kSmallRun + "--max-memory 64M --out " + path("x.json")).code, 0);
  EXPECT_EQ(cli(kSmallRun + "--max-memory 12Q").code, 2);
  EXPECT_EQ(parse_memory_size("m", "1.5GiB"), 3ULL << 29);
  EXPECT_EQ(parse_memory_size("m", "512M"), 512ULL << 20);
  EXPECT_EQ(parse_memory_size("m", "800000000"), 800000000ULL);
  // The plan bounds what a run takes: d = 10^7 with two replicates on one thread is more than the
  // 2 x 10^7 x 8 bytes of x alone and less than 2 GB.
  RunSpec spec;
  spec.d = 10000000;
  spec.replicates = 2;
  EXPECT_GT(planned_run_bytes(spec, 1), 2 * 8.0 * 1e7);
  EXPECT_LT(planned_run_bytes(spec, 1), 2e9);
}

// 11. Memory that runs out anyway (here an address-space limit under a plan the user raised) is
// exit 1 saying what was being allocated, and no file.
TEST_F(Hardening, OutOfMemoryIsExit1) {
  const Outcome o =
      shell("ulimit -v 1500000; exec " + std::string(SIGNRATE_CLI_PATH) +
            " run --d 100000000 --T 4 --replicates 4 --threads 1 --max-memory 1T --out " + path("x.json"));
  EXPECT_EQ(o.code, 1) << o.output;
  EXPECT_NE(o.output.find("out of memory while running the experiment (planned about"), std::string::npos)
      << o.output;
  EXPECT_EQ(lines(o.output), 1u) << o.output;
  EXPECT_FALSE(fs::exists(path("x.json")));
}

// Issue 13: a mean and its standard error shown together, to the standard error's two digits.
TEST(Text, MeanAndStandardErrorAreRoundedTogether) {
  EXPECT_EQ(mean_pm_stderr(49.5379, 0.07218461697298247), "49.538 +- 0.072");
  EXPECT_EQ(mean_pm_stderr(2.12198, 0.00191), "2.1220 +- 0.0019");
  EXPECT_EQ(mean_pm_stderr(1234.5, 12.3), "1234 +- 12");
  EXPECT_EQ(mean_pm_stderr(0.5, 0.15), "0.50 +- 0.15");
  EXPECT_EQ(mean_pm_stderr(2.5, 0), "2.5 +- 0");
  EXPECT_EQ(mean_pm_stderr(2.5, NAN), "2.5 +- nan");
}

// 12. Noise profiles: the declared variance computed stably; profiles that leave double's normal
// range refused.
TEST(NoiseProfile, OverflowAndUnderflowAreRefusedAndTheVarianceIsStable) {
  for (const char* spec :
       {"gaussian:law=spikes,spikes=1,ratio=1e200", "gaussian:law=spikes,spikes=4,ratio=1e-200",
        "gaussian:law=spikes,spikes=1,ratio=1e300", "uniform:law=spikes,spikes=2,ratio=1e-250,norm=l1"})
    for (std::uint32_t d : {4u, 256u}) {
      const Oracle o = make_oracle(parse_spec(spec, "oracle"), d, 1);
      const nlohmann::json j = o.declared();
      const double expected =
          std::string(spec).find("norm=l1") == std::string::npos ? 1.0 : j["sigma_l2"].get<double>();
      EXPECT_NEAR(j["sigma_l2"].get<double>(), expected, 1e-12) << spec << " d=" << d;
      EXPECT_GT(j["sigma_l2"].get<double>(), 0) << spec;
      EXPECT_TRUE(j["variance_total"].is_number()) << spec << ": " << j.dump();
      if (std::string(spec).find("norm=l1") != std::string::npos) {
        EXPECT_NEAR(j["sigma_l1"].get<double>(), 1.0, 1e-12);
      }
    }
  for (const char* spec :
       {"gaussian:law=spikes,spikes=1,ratio=1e-310", "gaussian:law=spikes,spikes=1,ratio=1e308",
        "gaussian:sigma=1e200", "gaussian:law=power,decay=400"}) {
    try {
      make_oracle(parse_spec(spec, "oracle"), 256, 1);
      ADD_FAILURE() << spec << " accepted";
    } catch (const SpecError& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.find("normal range") != std::string::npos ||
                  what.find("total variance") != std::string::npos)
          << spec << ": " << what;
    }
  }
  const Outcome o = cli("run --oracle gaussian:law=spikes,spikes=1,ratio=1e-310 --d 8 --T 8");
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_EQ(lines(o.output), 1u) << o.output;
}

}  // namespace
}  // namespace signrate
