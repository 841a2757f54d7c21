#pragma once
#include <stdexcept>
#include <string>

namespace signrate {

// The message with every NUL byte written as \x00: what() is read as a C string, which a NUL from
// the input would cut short.
inline std::string error_text(std::string what) {
  for (std::size_t k = what.find('\0'); k != std::string::npos; k = what.find('\0', k + 4))
    what.replace(k, 1, "\\x00");
  return what;
}

// Bad input from a user: a value outside its domain, an unknown name, a spec that does not parse.
// The CLI turns it into a one-line message and exit code 2, before any output is written.
class SpecError : public std::invalid_argument {
 public:
  explicit SpecError(const std::string& what) : std::invalid_argument(error_text(what)) {}
};

// A run that cannot continue (a non-finite iterate, a momentum outside the unbiased sign's range).
class RunError : public std::runtime_error {
 public:
  explicit RunError(const std::string& what) : std::runtime_error(error_text(what)) {}
};

}  // namespace signrate
