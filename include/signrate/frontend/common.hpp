#pragma once
// Pieces every subcommand shares: engine options, output, JSON input.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "signrate/engine.hpp"
#include "signrate/spec.hpp"

namespace signrate::cli {

// The flags that name an experiment (the keys of a --spec file), shared by run and sweep.
struct SpecFlags {
  std::string problem, oracle, method, schedule, d, T, replicates, seed, batch, checkpoints, nodes, byzantine,
      spec_file, max_memory;
  std::string threads = "0", block = "256", device;  // device: empty = the --spec file's, else cpu
};
// The keys of a --spec file and the flags that give them ("problem" -> &SpecFlags::problem, ...,
// "checkpoints_per_decade" -> &SpecFlags::checkpoints): gather_spec's table, which the Python
// module's keywords follow too.
using SpecKey = std::pair<const char*, std::string SpecFlags::*>;
const std::vector<SpecKey>& spec_keys();
// Adds the flags; with grids, --d and --T take a grid (a,b,c or lo:hi:xF) instead of one value.
void add_spec_flags(CLI::App* cmd, SpecFlags& f, bool grids);
// The --spec file's object (the flags' keys; or an output of run, whose "spec" it takes)
// with the flags given on the command line over it (without d and T when they are grids).
nlohmann::json gather_spec(const SpecFlags& f, bool grids);

// The command line as typed (shell-quoted where needed), recorded in outputs so that a report can
// print the exact command that reproduces it.
void set_command_line(int argc, char** argv);
const std::string& command_line();

// Names every option's value for --help (INT, NUMBER, SPEC, FILE, GRID, ...) where CLI11 would
// show TEXT; call after every option is added.
void name_value_types(CLI::App& app);
// Makes every option of `app` and its subcommands refuse an empty value (`--d ''`): CLI11 then
// reports it as a parse error (exit code 2) naming the option.
void refuse_empty_values(CLI::App& app);

// The --max-memory option's bytes; 0 when it is not given (the available memory is the limit).
std::uint64_t max_memory_bytes(const std::string& text);
// What the command is doing, for the message when memory runs out anyway (std::bad_alloc).
void set_activity(const std::string& what);
const std::string& activity();

// The engine options of --threads, --block and --device: cpu, cuda (device 0), cuda:N, or auto
// (cuda when device 0 is usable, else cpu). A device that cannot be used is refused by the engine.
EngineOptions engine_options(const std::string& threads, const std::string& block, const std::string& device);
// The same from the experiment flags; the --spec file's "device" key (which never changes the
// numbers, so it is not part of the spec) is taken when --device is not given, and removed from spec.
EngineOptions engine_options(const SpecFlags& f, nlohmann::json& spec);
// The help text of --device.
extern const char* const kDeviceHelp;
// A real-valued option checked against its domain (SpecError naming the value otherwise).
double parse_real_option(const std::string& key, const std::string& text, const Domain& domain);
// The check of an option CLI11 reads as a number itself: a decimal in `domain` (never NaN or inf,
// which CLI11's Range lets through), with parse_real_option's message.
CLI::Validator real_in(const Domain& domain);
// The text of an output JSON (two-space indent, a final newline); bytes that are not valid UTF-8
// in its strings are replaced (U+FFFD), never an error.
std::string json_text(const nlohmann::json& j);
// An elapsed time as the summary lines print it: "0.054 s", "3.1 s" (2 significant digits below
// 10 s), "12 s", "1234 s".
std::string format_seconds(double seconds);
// "M1 = mean +- stderr, M2 = mean +- stderr" from a run JSON's metrics (mean_pm_stderr; a null
// stderr, as one replicate writes it, reads as NaN): the line run and signrate-mpi print.
std::string metrics_line(const nlohmann::json& metrics);
// The limits of every JSON input (docs/outputs.md, "Outputs, inputs and memory"): its size and how deeply it
// nests.
constexpr std::uint64_t kMaxJsonBytes = 1ULL << 30;
constexpr int kMaxJsonDepth = 64;
// How long a JSON input that is a named pipe (FIFO) may stay silent before it is refused.
constexpr int kFifoWaitSeconds = 5;
// The memory a parsed document takes per byte of its text (measured: a 100 MB sweep JSON held
// 2.0 GB as nlohmann::json; 24 leaves room): a file is read only when that much is available.
constexpr double kJsonBytesPerTextByte = 24;
// Parses JSON text; a SpecError of one line, beginning with `what`, when it is not valid JSON, a
// number does not fit in a double, or it nests deeper than kMaxJsonDepth.
nlohmann::json parse_json_text(const std::string& text, const std::string& what);
// Reads and parses a JSON file (a regular file or a stream such as a pipe, at most kMaxJsonBytes),
// with a SpecError naming it and the OS reason when it cannot be read, or the memory it would take
// (kJsonBytesPerTextByte per byte) and the memory available when that is more.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

}  // namespace signrate::cli
