// The one way both executables (signrate, signrate-train) turn a parse and its callback into an
// exit code and a one-line message.
#include <cstdio>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/text.hpp"

namespace signrate::cli {

int run_app(CLI::App& app, int argc, char** argv, const int& exit_code) {
  refuse_empty_values(app);
  name_value_types(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "signrate: error: " << printable(e.what()) << " (see signrate --help)\n";
    return 2;
  } catch (const SpecError& e) {
    std::cerr << "signrate: error: " << printable(e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {  // no allocation here: the memory may still be short
    std::fputs("signrate: error: out of memory while ", stderr);
    std::fputs(activity().c_str(), stderr);
    std::fputs(" (std::bad_alloc); nothing was written\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "signrate: error: " << printable(e.what()) << "\n";
    return 1;
  }
  return exit_code;
}

}  // namespace signrate::cli
