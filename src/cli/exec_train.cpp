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
  // Without /proc (another system), beside argv[0]; a bare argv[0] came from the PATH: search it.
  const std::string here = std::string(argv[0]).find('/') == std::string::npos ? "" : argv[0];
  const std::string program = !ec ? (self.parent_path() / "signrate-train").string()
                              : here.empty()
                                  ? std::string("signrate-train")
                                  : (std::filesystem::path(here).parent_path() / "signrate-train").string();
  if (here.empty() && ec)
    ::execvp(program.c_str(), argv);
  else
    ::execv(program.c_str(), argv);
  std::fprintf(stderr,
               "signrate: error: cannot start '%s' (%s), which runs signrate train; build signrate with "
               "LibTorch (scripts/install-deps.sh installs libtorch-dev) and keep signrate-train beside "
               "signrate\n",
               program.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace signrate::cli
