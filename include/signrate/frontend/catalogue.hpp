#pragma once
#include <string>

namespace signrate::cli {
// Every problem, oracle, method and schedule with its parameters, for --help.
std::string catalogue();
}  // namespace signrate::cli
