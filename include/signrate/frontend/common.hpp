#pragma once
// Pieces every subcommand shares: engine options, output, progress.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "signrate/engine.hpp"
#include "signrate/spec.hpp"

namespace signrate::cli {

// The flags that name an experiment (the keys of a --spec file), shared by run and sweep.
struct SpecFlags {
  std::string problem, oracle, method, schedule, d, T, replicates, seed, batch, checkpoints, nodes, byzantine,
      spec_file;
  std::string threads = "0", block = "256", device;  // device: empty = the --spec file's, else cpu
};
// Adds the flags; with grids, --d and --T take a grid (a,b,c or lo:hi:xF) instead of one value.
void add_spec_flags(CLI::App* cmd, SpecFlags& f, bool grids);
// The --spec file's object with the flags given on the command line over it (without d and T
// when they are grids).
nlohmann::json gather_spec(const SpecFlags& f, bool grids);

// The command line as typed (shell-quoted where needed), recorded in outputs so that a report can
// print the exact command that reproduces it.
void set_command_line(int argc, char** argv);
const std::string& command_line();

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
// Writes j to `path` atomically, or to standard output when path is empty.
void emit_json(const nlohmann::json& j, const std::string& path);
// A progress line on stderr when stderr is a terminal; nothing otherwise.
void progress_line(const std::string& what, std::size_t done, std::size_t total);
// Reads a JSON file, with a SpecError naming it when it is missing or malformed.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

}  // namespace signrate::cli
