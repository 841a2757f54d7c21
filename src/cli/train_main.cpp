// signrate-train: `signrate train` (docs/training.md), the one command that needs LibTorch, as its
// own executable. `signrate train ARGS` runs it with the same arguments (exec_train), so its
// messages, its exit codes and the command line it records are those of `signrate train`.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"signrate train: train a network with one of the optimizers (LibTorch)"};
  app.name("signrate");
  app.set_version_flag("--version", [] { return signrate::cli::version_text("signrate-train"); });
  app.require_subcommand(1);
  int exit_code = 0;
  signrate::cli::set_command_line(argc, argv);
  signrate::cli::add_train_command(app, exit_code);
  return signrate::cli::run_app(app, argc, argv, exit_code);
}
