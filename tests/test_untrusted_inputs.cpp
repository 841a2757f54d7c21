// Inputs from someone else (docs/outputs.md, "Outputs, inputs and memory"): a JSON sent by a colleague never
// runs a command, no output replaces an input, and every limit is a refusal naming it, never a cut, a crash
// or a hang. Each test reproduces a numbered finding of the second adversarial pass (its number is in the
// test's comment) and failed on the build before the fix.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "cli_process.hpp"
#include "signrate/analysis/page.hpp"
#include "signrate/checked_file.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/io/report_io.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/output_files.hpp"
#include "signrate/sweep.hpp"

namespace signrate {
namespace {

namespace fs = std::filesystem;
using namespace testing_cli;

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A train JSON as `signrate train --out` writes it (two logged intervals), small enough to write
// by hand: `report` reads nothing else of it.
nlohmann::json train_json() {
  const auto line = [](double epoch, double loss) {
    return nlohmann::json{{"step", epoch * 4},      {"epoch", epoch},       {"train_loss", loss},
                          {"train_accuracy", 0.5},  {"test_accuracy", 0.4}, {"grad_l1", 30.0 / epoch},
                          {"grad_l2", 2.0 / epoch}, {"update_l2", 0.1},     {"images_per_second", 100.0},
                          {"seconds", epoch}};
  };
  nlohmann::json j;
  j["version"] = "0.1";
  j["command"] = "signrate train --optimizer smm";
  j["spec"] = {{"model", {{"name", "mlp"}, {"hidden", 32}}},
               {"data", {{"name", "synthetic"}, {"n", 64}}},
               {"optimizer", {{"name", "smm"}, {"lr", 0.001}, {"beta", 0.1}}},
               {"epochs", 2},
               {"workers", 2},
               {"split", {{"name", "iid"}}}};
  j["log"] = {line(1, 2.0), line(2, 1.5)};
  j["final"] = {{"train_loss", 1.5}, {"train_accuracy", 0.5}, {"test_accuracy", 0.4}, {"steps", 8}};
  return j;
}

// The same with a --vary grid: the best point's optimizer is drawn.
nlohmann::json train_grid_json() {
  nlohmann::json j = train_json();
  nlohmann::json point = {
      {"point", 0}, {"optimizer", j["spec"]["optimizer"]}, {"log", j["log"]}, {"final", j["final"]}};
  point["optimizer"]["mu"] = 0.5;
  j["points"] = {point};
  j["best"] = {{"point", 0}, {"optimizer", point["optimizer"]}};
  j.erase("log");
  return j;
}

// What a crafted string tries, all in one: leave the single quotes, end the gnuplot line and start
// one with "!" (a shell command), substitute a command (backquotes, system()) or a macro, control
// bytes, and markup for the page that the SVG inlines. Each part alone runs a command (or a
// script) where its defence is missing.
std::string payload(const std::string& canary) {
  return "x'\n!touch " + canary + "\n#`touch " + canary + "`\r!touch " + canary + " system('touch " + canary +
         "') @x \x01\x1b[2J\x7f\"\\<script>alert(1)</script>";
}

// Every string value and every object key of `j` (arrays: their first element only), each edited
// by `edit` in a copy that is then handed to `check`.
void each_string(const nlohmann::json& j, const std::function<void(const nlohmann::json&)>& check,
                 const std::function<std::string(const std::string&)>& edit) {
  std::function<void(nlohmann::json&, nlohmann::json&)> walk = [&](nlohmann::json& root, nlohmann::json& at) {
    if (at.is_string()) {
      const std::string kept = at.get<std::string>();
      at = edit(kept);
      check(root);
      at = kept;
    } else if (at.is_array() && !at.empty()) {
      walk(root, at[0]);
    } else if (at.is_object()) {
      std::vector<std::string> keys;
      for (const auto& [key, _] : at.items()) keys.push_back(key);
      for (const std::string& key : keys) {
        nlohmann::json value = at[key];
        at.erase(key);
        at[edit(key)] = value;  // the key itself
        check(root);
        at.erase(edit(key));
        at[key] = value;
        walk(root, at[key]);
      }
    }
  };
  nlohmann::json copy = j;
  walk(copy, copy);
}

class UntrustedInputs : public TempDirTest {
 protected:
  std::string canary() const { return path("CANARY"); }
  nlohmann::json small_sweep() {
    const Outcome o =
        testing_cli::cli("sweep --d 4,8 --T 64,256,1024 --replicates 4 --seed 3 --out " + path("s.json"));
    EXPECT_EQ(o.code, 0) << o.output;
    return read_json(path("s.json"));
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
};

// 1. Every string of every input `report` reads (sweep, verify and train JSONs: values and keys),
// set to each payload: no command runs, and the page is either drawn or refused with a one-line
// error (never a crash). The fields that reach a figure's key are drawn, with the text visible.
TEST_F(UntrustedInputs, NoStringOfAReportInputRunsACommand) {
  const std::vector<nlohmann::json> docs = {
      small_sweep(), read_json(SIGNRATE_TEST_DATA_DIR "/../fuzz/corpus/report/001-verify.json"), train_json(),
      train_grid_json()};
  for (std::size_t k = 0; k < docs.size(); ++k) {
    int drawn = 0;
    each_string(
        docs[k],
        [&](const nlohmann::json& doc) {
          analysis::ReportOptions ro;
          ro.bootstrap = 100;
          try {
            write_report_from_json({doc}, {"input.json"}, path("r.html"), ro);
            ++drawn;
            EXPECT_EQ(slurp(path("r.html")).find("<script"), std::string::npos) << doc.dump().substr(0, 2000);
          } catch (const SpecError&) {
          } catch (const RunError& e) {
            ADD_FAILURE() << "doc " << k << ": " << e.what();
          }
          ASSERT_FALSE(fs::exists(canary()))
              << "doc " << k << " ran a command: " << doc.dump().substr(0, 2000);
        },
        [&](const std::string& s) { return s + payload(canary()); });
    EXPECT_GT(drawn, 0) << "doc " << k;
  }
}

// 1. The reproducer, end to end: a train JSON whose optimizer name ends the gnuplot line.
TEST_F(UntrustedInputs, TheReportedInjectionRunsNoCommandAndShowsTheName) {
  nlohmann::json j = train_json();
  j["spec"]["optimizer"]["name"] = "smm\n!id > " + canary() + "\n#";
  j["spec"]["optimizer"]["x'\n!id > " + canary() + "\n'"] = 1;
  j["spec"]["split"]["name"] = "iid\n!id > " + canary();
  write("e.json", j.dump());
  const Outcome o = testing_cli::cli("report " + path("e.json") + " -o " + path("e.html"));
  EXPECT_EQ(o.code, 0) << o.output;
  EXPECT_FALSE(fs::exists(canary()));
  EXPECT_NE(slurp(path("e.html")).find("!id &gt; " + canary()), std::string::npos);
}

// 1. The figure folder never reaches a shell: a TMPDIR with quotes and a command in its name.
TEST_F(UntrustedInputs, ATemporaryFolderNameRunsNoCommand) {
  const std::string tmp = path("it's'; touch " + canary() + "; echo '");
  fs::create_directories(tmp);
  write("t.json", train_json().dump());
  const Outcome o = shell("TMPDIR=\"" + tmp + "\" " + SIGNRATE_CLI_PATH + " report " + path("t.json") +
                          " -o " + path("t.html"));
  EXPECT_EQ(o.code, 0) << o.output;
  EXPECT_FALSE(fs::exists(canary()));
  EXPECT_TRUE(fs::exists(path("t-0.png")));
}

// 1. The one escaping function: one line, quotes doubled, every control character visible.
TEST(GnuplotQuote, NeverEndsALineOrTheString) {
  const std::string q = analysis::gnuplot_quote("a'b\nc\rd\x01\x7f`e`\\");
  EXPECT_EQ(q, "a''b\\\\nc\\\\rd\\\\x01\\\\x7f`e`\\\\");
  for (char c : q) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f);
}

// 10. A figure gnuplot cannot draw: one line with what gnuplot said, naming no deleted file.
TEST_F(UntrustedInputs, AFigureThatCannotBeDrawnSaysWhy) {
  analysis::Page page;
  analysis::Figure f;
  f.title = "a loss";
  f.series.push_back({"loss", {1, 2}, {-1, -2}, {}, {}, analysis::Series::Style::kLine, 1});
  page.blocks.push_back(analysis::figure(f));
  try {
    analysis::write_page(page, path("p.html"), "gnuplot");
    FAIL() << "drawn";
  } catch (const RunError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("gnuplot could not draw the figure 'a loss': it said: "), std::string::npos) << what;
    EXPECT_EQ(what.find("gnuplot.log"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(path("p.html")));
  try {
    analysis::write_page(page, path("p.html"), path("no-such-gnuplot"));
    FAIL() << "drawn";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start gnuplot"), std::string::npos) << e.what();
  }
}

// 3. An output never replaces an input or another output, whatever path names it: the same name,
// ./name, a symbolic link, a hard link, a PNG beside the page, a derived name. Exit 2 naming both,
// and the input is unchanged.
TEST_F(UntrustedInputs, AnOutputNeverReplacesAnInput) {
  small_sweep();
  const std::string sweep = slurp(path("s.json"));
  fs::create_symlink(path("s.json"), path("link.json"));
  fs::create_hard_link(path("s.json"), path("hard.json"));
  // In the test's folder, so that the paths are as a user types them.
  const auto in_dir = [&](const std::string& args) {
    return shell("cd '" + dir_.string() + "' && " + SIGNRATE_CLI_PATH + " " + args);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"fit s.json --out s.json", "--out 's.json' is also the sweep"},
      {"fit s.json --out ./s.json", "is also the sweep"},
      {"fit s.json --csv link.json", "--csv 'link.json' is also the sweep"},
      {"fit s.json --out hard.json", "is also the sweep"},
      {"fit link.json --out " + path("s.json"), "is also the sweep"},
      {"report s.json -o s.json", "--out 's.json' is also the input"},
      {"report r-0.png -o r.html", "figure 0's PNG 'r-0.png' is also the input"},
      {"run --d 8 --T 16 --out a.json --csv ./a.json", "--csv './a.json' is also --out"},
      {"run --d 8 --T 16 --spec s.json --out s.json", "--out 's.json' is also --spec"},
  };
  write("r-0.png", sweep);
  for (const auto& [args, message] : cases) {
    const Outcome o = in_dir(args);
    EXPECT_EQ(o.code, 2) << args << ": " << o.output;
    EXPECT_NE(o.output.find(message), std::string::npos) << args << ": " << o.output;
    EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 1) << args << ": " << o.output;
    EXPECT_EQ(slurp(path("s.json")), sweep) << args;
    EXPECT_EQ(slurp(path("r-0.png")), sweep) << args;
    EXPECT_FALSE(fs::exists(path("a.json"))) << args;
  }
  // A PNG of the page that would replace the input: refused before a figure is drawn.
  fs::copy_file(path("s.json"), path("s-1.png"));
  const Outcome second = in_dir("report s-1.png -o s.html");
  EXPECT_EQ(second.code, 2) << second.output;
  EXPECT_NE(second.output.find("figure 1's PNG 's-1.png' is also the input"), std::string::npos)
      << second.output;
  EXPECT_FALSE(fs::exists(path("s.html")));
}

// 3. The same check in the library: add_input and add in any order, streams never files.
TEST_F(UntrustedInputs, OutputFilesRefuseAliasesInEitherOrder) {
  {
    OutputFiles f;
    f.add("--out", path("a.json"));
    EXPECT_THROW(f.add_input("--resume", path("./a.json")), SpecError);
  }
  {
    OutputFiles f;
    f.add_input("--spec", "-");  // standard input is not the file "-"... nor standard output
    f.add("--out", "-");
    f.add_input("--spec", path("x.json"));
    EXPECT_THROW(f.add("--csv", path("sub/../x.json")), SpecError);
  }
}

// 4. NaN and infinity are refused by the validator of the options CLI11 reads as numbers
// (signrate-mpi's --timeout-s: a NaN timeout used to remove every timeout).
TEST(RealIn, RefusesNanAndInfinityAndOutOfRange) {
  for (const std::string bad : {"nan", "NaN", "inf", "-inf", "1e7", "0", "1e309", "abc"}) {
    CLI::App app;
    double v = 60;
    app.add_option("--timeout-s", v)->check(cli::real_in(Domain{0.001, 1e6, false, false}));
    const std::vector<std::string> args = {bad, "--timeout-s"};  // CLI11 reads them in reverse
    std::vector<std::string> argv = args;
    EXPECT_THROW(app.parse(argv), CLI::ValidationError) << bad;
    EXPECT_EQ(v, 60) << bad;
  }
  CLI::App app;
  double v = 60;
  app.add_option("--timeout-s", v)->check(cli::real_in(Domain{0.001, 1e6, false, false}));
  std::vector<std::string> argv = {"2.5", "--timeout-s"};
  app.parse(argv);
  EXPECT_EQ(v, 2.5);
}

// 5. A grid that is too long is refused with its size, never cut to its first 10000 values.
TEST_F(UntrustedInputs, ALongGridIsExit2NamingItsSize) {
  const Outcome o = testing_cli::cli("sweep --d 4 --T 1:1000000:+1 --replicates 4 --out " + path("s.json"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("it has 1000000 values; allowed: at most 10000"), std::string::npos) << o.output;
  std::string list = "1";
  for (int k = 2; k <= 10001; ++k) list += "," + std::to_string(k);
  EXPECT_THROW(parse_real_grid(list, "T"), SpecError);
  EXPECT_THROW(parse_real_grid("1:10001:+1", "T"), SpecError);
  EXPECT_THROW(parse_real_grid("1:1e300:x1.001", "T"), SpecError);
  EXPECT_EQ(parse_real_grid(list.substr(0, list.rfind(',')), "T").size(), 10000u);
  EXPECT_FALSE(fs::exists(path("s.json")));
}

// 6. A JSON input is read only when the memory its parse takes is there: a sparse 1 GiB - 1 file
// needs about 24 GiB. Where that much is available it is read (and refused as not JSON).
TEST_F(UntrustedInputs, AJsonInputTooLargeForMemoryIsRefusedBeforeReading) {
  const std::string big = path("big.json");
  { std::ofstream(big) << ' '; }
  fs::resize_file(big, (1ull << 30) - 1);
  std::string source;
  const bool fits = cli::kJsonBytesPerTextByte * static_cast<double>((1ull << 30) - 1) <=
                    static_cast<double>(available_memory(&source));
  const Outcome o = testing_cli::cli("fit " + big);
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find(fits ? "is not valid JSON" : "of memory, more than the"), std::string::npos)
      << o.output;
}

// 6. A JSON input larger than the memory left under an address-space limit: refused with exit 2
// and one line before it is read (its parse used to run out of memory inside a destructor: abort).
TEST_F(UntrustedInputs, AJsonInputBeyondUlimitIsExit2NotAnAbort) {
  small_sweep();
  nlohmann::json j = read_json(path("s.json"));
  for (int k = 0; k < 11; ++k) {
    const nlohmann::json copy = j["points"];
    j["points"].insert(j["points"].end(), copy.begin(), copy.end());
  }
  write("big.json", j.dump());  // about 100 MB
  for (const char* limit : {"1000000", "1500000"}) {
    const Outcome o =
        shell("ulimit -v " + std::string(limit) + "; " + SIGNRATE_CLI_PATH + " fit " + path("big.json"));
    EXPECT_EQ(o.code, 2) << limit << ": " << o.output;
    EXPECT_NE(o.output.find("left under the address-space limit (ulimit -v)"), std::string::npos) << o.output;
    EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 1) << o.output;
  }
}

// 7. Train JSONs without runs or without logged intervals are exit 2, never a crash.
TEST_F(UntrustedInputs, EmptyRunsAndLogsAreExit2) {
  nlohmann::json no_runs = train_json();
  no_runs.erase("log");
  no_runs["runs"] = nlohmann::json::array();
  nlohmann::json no_log = train_json();
  no_log["log"] = nlohmann::json::array();
  for (const auto& [name, doc, message] :
       {std::tuple{"runs.json", no_runs, "runs is empty; allowed: at least one run"},
        std::tuple{"log.json", no_log, "log is empty; allowed: at least one logged interval"}}) {
    write(name, doc.dump());
    const Outcome o = testing_cli::cli(std::string("report ") + path(name) + " -o " + path("r.html"));
    EXPECT_EQ(o.code, 2) << o.output;
    EXPECT_NE(o.output.find(message), std::string::npos) << o.output;
  }
}

// 9. Two-point noise whose atom cannot be drawn from 32 bits, or whose declared constants
// overflow, is refused.
TEST_F(UntrustedInputs, TwoPointProbabilitiesOffTheGridAreRefused) {
  for (const std::string p : {"1e-310", "1e-12", "2e-10", "0.9999999999"}) {
    const Outcome o = testing_cli::cli("run --d 4 --T 8 --replicates 2 --oracle two-point:p=" + p);
    EXPECT_EQ(o.code, 2) << p << ": " << o.output;
    EXPECT_NE(o.output.find("p=" + p + " is outside its domain"), std::string::npos) << o.output;
  }
  const Outcome o = testing_cli::cli("run --d 4 --T 8 --replicates 2 --oracle two-point:p=2.4e-10");
  EXPECT_EQ(o.code, 0) << o.output;
}

// 11. A NUL in a spec is shown, not the end of the message; booleans and keys given twice in a
// JSON input are refused.
TEST_F(UntrustedInputs, NulBooleansAndDuplicateKeysInSpecs) {
  write("nul.json", "{\"oracle\": \"gaussian:sigma=1\\u0000x\", \"d\": 4, \"T\": 8}");
  Outcome o = testing_cli::cli("run --spec " + path("nul.json"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("\\x00x"), std::string::npos) << o.output;
  write("bool.json", "{\"oracle\": {\"name\": \"gaussian\", \"sigma\": true}, \"d\": 4, \"T\": 8}");
  o = testing_cli::cli("run --spec " + path("bool.json"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("key 'sigma' is true; allowed: a number"), std::string::npos) << o.output;
  write("twice.json", "{\"d\": 4, \"T\": 8, \"d\": 16}");
  o = testing_cli::cli("run --spec " + path("twice.json"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("gives the key \"d\" twice in one object"), std::string::npos) << o.output;
}

// 11. A FIFO that nobody writes to is refused after a wait, never waited on forever.
TEST_F(UntrustedInputs, ASilentFifoIsRefused) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  const Outcome o = shell("timeout 30 " + std::string(SIGNRATE_CLI_PATH) + " run --spec " + path("fifo"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("is a FIFO that nothing was written to within 5 s"), std::string::npos) << o.output;
}

// 11. verify plans its memory: 2^32 - 1 replicates are refused before anything is taken.
TEST_F(UntrustedInputs, AVerifyTooLargeForMemoryIsExit2) {
  const Outcome o = testing_cli::cli("verify thm1 --replicates 4294967295");
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("of memory, more than the"), std::string::npos) << o.output;
}

// 11. A diverged sweep names its grid point.
TEST_F(UntrustedInputs, ADivergedSweepNamesItsPoint) {
  const Outcome o = testing_cli::cli(
      "sweep --d 4 --T 64 --replicates 2 --method sgd "
      "--schedule constant:eta=1e300 --out " +
      path("s.json"));
  EXPECT_EQ(o.code, 1) << o.output;
  EXPECT_NE(o.output.find("(at the grid point 0: d = 4, T = 64, n = 1"), std::string::npos) << o.output;
}

// 11. Temporary files of a writer killed with kill -9 are removed by the next write of the same
// target; those of running writers are not.
TEST_F(UntrustedInputs, StaleTemporariesOfDeadWritersAreRemoved) {
  char host[64] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string stale = "." + std::string("a.json.") + host + "-999999999.abcdef";
  const std::string live = "." + std::string("a.json.") + host + "-" + std::to_string(::getpid()) + ".abcdef";
  write(stale, "x");
  write(live, "y");
  write_file_atomic(path("a.json"), "{}");
  EXPECT_FALSE(fs::exists(path(stale)));
  EXPECT_TRUE(fs::exists(path(live)));
}

// The checked file around checkpoints: CRC-64/XZ's check value, and every single bit flip refused.
TEST(CheckedFile, Crc64AndEveryBitFlipIsRefused) {
  EXPECT_EQ(crc64("123456789"), 0x995dc9bbdf1939faULL);
  const std::string file = checked_file("fmt/1", "payload bytes");
  EXPECT_EQ(checked_payload(file, "fmt/1", "f"), "payload bytes");
  for (std::size_t k = 0; k < file.size(); ++k)
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = file;
      bad[k] = static_cast<char>(bad[k] ^ (1 << bit));
      EXPECT_THROW(checked_payload(bad, "fmt/1", "f"), SpecError) << k << " " << bit;
    }
  EXPECT_THROW(checked_payload(file.substr(0, file.size() - 1), "fmt/1", "f"), SpecError);
  EXPECT_THROW(checked_payload(file + "x", "fmt/1", "f"), SpecError);
  EXPECT_THROW(checked_payload("PK\x03\x04", "fmt/1", "f"), SpecError);
}

}  // namespace
}  // namespace signrate
