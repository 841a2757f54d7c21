// signrate: the command-line front end. It parses, dispatches and writes; the work is in the library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/catalogue.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/text.hpp"
#include "signrate/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"signrate: check by simulation what the theory of sign-based optimizers promises"};
  app.set_version_flag("--version", signrate::kVersion);
  app.require_subcommand(1);
  app.footer(signrate::cli::catalogue());
  int exit_code = 0;
  signrate::cli::set_command_line(argc, argv);
  signrate::cli::add_run_command(app, exit_code);
  signrate::cli::add_sweep_command(app, exit_code);
  signrate::cli::add_fit_command(app, exit_code);
  signrate::cli::add_verify_command(app, exit_code);
  signrate::cli::add_report_command(app, exit_code);
  signrate::cli::add_demo_command(app, exit_code);
#if SIGNRATE_HAVE_TORCH
  signrate::cli::add_train_command(app, exit_code);
#endif
  signrate::cli::refuse_empty_values(app);
  signrate::cli::name_value_types(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "signrate: error: " << signrate::printable(e.what()) << " (see signrate --help)\n";
    return 2;
  } catch (const signrate::SpecError& e) {
    std::cerr << "signrate: error: " << signrate::printable(e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {  // no allocation here: the memory may still be short
    std::fputs("signrate: error: out of memory while ", stderr);
    std::fputs(signrate::cli::activity().c_str(), stderr);
    std::fputs(" (std::bad_alloc); nothing was written\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "signrate: error: " << signrate::printable(e.what()) << "\n";
    return 1;
  }
  return exit_code;
}
