#pragma once
// What the command-line tests share: running the built `signrate` (SIGNRATE_CLI_PATH) with its
// output and exit code, a temporary directory per test, and reading a JSON file back.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace signrate::testing_cli {

struct Outcome {
  int code;
  std::string output;  // stdout and stderr
};

// A shell command line's exit code and output (stdout and stderr).
inline Outcome shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

inline Outcome cli(const std::string& args) { return shell(std::string(SIGNRATE_CLI_PATH) + " " + args); }

// A fixture with its own temporary directory, removed after the test.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("signrate_") + info->test_suite_name() + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

inline nlohmann::json read_json(const std::string& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

}  // namespace signrate::testing_cli
