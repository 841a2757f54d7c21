#pragma once
#include <string>

namespace CLI {
class App;
}

namespace signrate::cli {
// Every problem, oracle, method and schedule with its parameters: `signrate list` and
// --help-components print it.
std::string catalogue();
// Gives `command` the flag --help-components (print the catalogue, exit 0) and a short footer that
// points to it and to `signrate list`, so that --help stays the command's options.
void add_catalogue_pointer(CLI::App& command);
// `signrate list`: prints the catalogue.
void add_list_command(CLI::App& app);
}  // namespace signrate::cli
