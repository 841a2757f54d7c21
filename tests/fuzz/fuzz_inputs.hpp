#pragma once
// What signrate reads from users, as one function of bytes for fuzzing (tests/fuzz/README.md):
// the SPEC parser, the --spec JSON of `run`, and the sweep and verify JSONs of `fit` and
// `report`. Bad input must end in a SpecError (exit code 2) or a RunError (exit code 1, a run that
// failed); anything else (another exception, a crash, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

namespace signrate::fuzz {

enum class Target : std::uint8_t { kSpec = 0, kRun = 1, kFit = 2, kReport = 3 };
constexpr int kTargets = 4;
const char* target_name(Target t);

// Runs one input through `target`. Returns normally for accepted and refused input; prints the
// input's description and calls std::abort() on a finding.
void fuzz_one(Target target, const std::string& input);

}  // namespace signrate::fuzz
