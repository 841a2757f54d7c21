#pragma once
#include <stdexcept>
#include <string>

namespace signrate {

// Bad input from a user: a value outside its domain, an unknown name, a spec that does not parse.
// The CLI turns it into a one-line message and exit code 2, before any output is written.
class SpecError : public std::invalid_argument {
 public:
  explicit SpecError(const std::string& what) : std::invalid_argument(what) {}
};

// A run that cannot continue (a non-finite iterate, a momentum outside the unbiased sign's range).
class RunError : public std::runtime_error {
 public:
  explicit RunError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace signrate
