// `signrate --version`: the version, the commit the build was configured from, the compiler and
// build type, and which of the optional parts the build has (CMakeLists.txt defines the
// SIGNRATE_BUILD_* texts for this file alone, at configure time).
#include <string>

#include "commands.hpp"
#include "signrate/version.hpp"

namespace signrate::cli {

std::string version_text(const std::string& program) {
  return program + " " + kVersion +
         " (commit " SIGNRATE_BUILD_COMMIT ", " SIGNRATE_BUILD_TYPE ")\ncompiler: " SIGNRATE_BUILD_COMPILER
         "\nCUDA: " SIGNRATE_BUILD_CUDA "\nLibTorch: " SIGNRATE_BUILD_TORCH "\nMPI: " SIGNRATE_BUILD_MPI
         "\nPython: " SIGNRATE_BUILD_PYTHON;
}

}  // namespace signrate::cli
