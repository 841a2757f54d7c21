// `signrate train ...`: signrate-train, beside this executable, with the same arguments.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "commands.hpp"

namespace signrate::cli {

int exec_train(char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string program = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "signrate-train";
  ::execv(program.c_str(), argv);
  std::fprintf(stderr,
               "signrate: error: cannot start '%s' (%s), which runs signrate train; build signrate with "
               "LibTorch (scripts/install-deps.sh installs libtorch-dev) and keep signrate-train beside "
               "signrate\n",
               program.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace signrate::cli
