// signrate: the command-line front end. It parses, dispatches and writes; the work is in the library.
// `signrate train` runs signrate-train, the executable beside this one that holds LibTorch, so
// that the simulation commands start without loading it.
#include <CLI/CLI.hpp>
#include <string>

#include "commands.hpp"
#include "signrate/frontend/catalogue.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/version.hpp"

int main(int argc, char** argv) {
  // `signrate help COMMAND` is `signrate COMMAND --help`; `signrate help` is `signrate --help`.
  char help_flag[] = "--help";
  char* help_argv[] = {argv[0], argc > 2 ? argv[2] : help_flag, help_flag, nullptr};
  if (argc > 1 && std::string(argv[1]) == "help") {
    argc = argc > 2 ? 3 : 2;
    argv = help_argv;
  }
#if SIGNRATE_HAVE_TORCH
  if (argc > 1 && std::string(argv[1]) == "train") return signrate::cli::exec_train(argv);
#endif
  CLI::App app{"signrate: check by simulation what the theory of sign-based optimizers promises"};
  app.set_version_flag("--version", [] { return signrate::cli::version_text("signrate"); });
  app.require_subcommand(1);
  signrate::cli::add_catalogue_pointer(app);
  int exit_code = 0;
  signrate::cli::set_command_line(argc, argv);
  signrate::cli::add_run_command(app, exit_code);
  signrate::cli::add_sweep_command(app, exit_code);
  signrate::cli::add_fit_command(app, exit_code);
  signrate::cli::add_verify_command(app, exit_code);
  signrate::cli::add_report_command(app, exit_code);
  signrate::cli::add_demo_command(app, exit_code);
  signrate::cli::add_list_command(app);
#if SIGNRATE_HAVE_TORCH
  // Listed in --help; `signrate train ...` never reaches the parser (above).
  app.add_subcommand("train",
                     "train a network with one of the optimizers (LibTorch; see signrate train --help)");
#endif
  return signrate::cli::run_app(app, argc, argv, exit_code);
}
