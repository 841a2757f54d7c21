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
void add_train_command(CLI::App& app, int& exit_code);  // with LibTorch only (SIGNRATE_HAVE_TORCH)
}  // namespace signrate::cli
