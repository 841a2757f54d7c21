#pragma once
#include <CLI/CLI.hpp>

namespace signrate::cli {
// Each adds one subcommand; its callback sets exit_code (0 ok; 3 for a failed verdict).
void add_run_command(CLI::App& app, int& exit_code);
void add_sweep_command(CLI::App& app, int& exit_code);
void add_fit_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);
void add_train_command(CLI::App& app, int& exit_code);  // signrate-train only (LibTorch)

// Parses argv into `app` and runs the subcommand's callback: its exit_code, or 2 with one line
// for bad input (SpecError, a parse error), 1 for a failed run (any other exception, out of
// memory). Both executables end here.
int run_app(CLI::App& app, int argc, char** argv, const int& exit_code);

// Replaces this process with signrate-train (beside this executable) on the same arguments;
// returns 1 after a one-line message when it cannot be started.
int exec_train(char** argv);
// What --version prints for `program`: version, commit, compiler, and the optional parts built.
std::string version_text(const std::string& program);
}  // namespace signrate::cli
