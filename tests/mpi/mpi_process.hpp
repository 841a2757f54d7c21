#pragma once
// Running signrate-mpi under mpirun from a test (tests/mpi/): the command, its output and exit
// code, scratch outputs in the build tree, and the check that every rank said its line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace signrate::testing_mpi {

namespace fs = std::filesystem;

struct Proc {
  int code = -1;
  std::string out;
  double seconds = 0;
};

inline Proc shell(const std::string& cmd) {
  const auto start = std::chrono::steady_clock::now();
  Proc p;
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) return p;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) p.out.append(buf, n);
  const int status = pclose(pipe);
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

inline bool open_mpi() {
  static const bool yes = shell("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " +
                                std::string(SIGNRATE_MPIEXEC) + " --version")
                              .out.find("open-mpi.org") != std::string::npos;  // "Open MPI" or "OpenRTE"
  return yes;
}

// mpirun with what CI needs: more ranks than cores, and root. `env` names variables to pass on.
inline std::string mpirun(const std::vector<std::string>& env = {}) {
  std::string cmd = std::string("timeout 120 ") + SIGNRATE_MPIEXEC;
  if (open_mpi()) {
    // Containers often forbid the cross-process copy Open MPI uses for large messages.
    cmd += " --oversubscribe --allow-run-as-root --mca btl_vader_single_copy_mechanism none";
    for (const auto& v : env) cmd += " -x " + v;
  }
  return cmd;
}
inline std::string mpi_exe() { return SIGNRATE_MPI_PATH; }

// Outputs go to the test's working directory (the build tree), replaced run to run.
inline fs::path scratch(const std::string& name) {
  const fs::path dir = fs::current_path() / "mpi_test_outputs";
  fs::create_directories(dir);
  return dir / name;
}
// A path that must not be written (the run fails): none there before the run.
inline fs::path absent(const std::string& name) {
  const fs::path p = scratch(name);
  fs::remove(p);
  return p;
}

inline nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// Every rank names the problem, and the run ends in bounded time.
inline void expect_lines(const Proc& p, const std::vector<std::string>& lines) {
  for (const auto& l : lines)
    EXPECT_NE(p.out.find(l), std::string::npos) << "missing: " << l << "\n" << p.out;
}

}  // namespace signrate::testing_mpi
