// Writes the known-answer file of the noise samplers (tests/oracle_kat.hpp), which
// tests/test_oracles.cpp only reads. Not run by ctest: run it by hand after an intended change of
// a sampler, and commit the file's diff with the change.
//   cmake --build build --target signrate_write_kat && build/tests/signrate_write_kat [PATH]
// PATH defaults to the source tree's tests/data/oracle_kat.json.
#include <cstdio>
#include <exception>
#include <string>

#include "../oracle_kat.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && std::string(argv[1]).rfind("-", 0) == 0)) {
    std::fprintf(stderr, "usage: %s [PATH]  (default %s/oracle_kat.json)\n", argv[0], SIGNRATE_TEST_DATA_DIR);
    return 2;
  }
  const std::string path = argc == 2 ? argv[1] : std::string(SIGNRATE_TEST_DATA_DIR) + "/oracle_kat.json";
  try {
    signrate::write_file_atomic(path, signrate::kat::make_file().dump(2) + "\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  std::printf("wrote %s\n", path.c_str());
  return 0;
}
