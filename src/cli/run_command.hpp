#pragma once
#include <CLI/CLI.hpp>

namespace signrate::cli {
// Adds `signrate run` to the app; the returned callback runs it and returns the exit code.
void add_run_command(CLI::App& app, int& exit_code);
}  // namespace signrate::cli
