// The CUDA entry points of a build without CUDA (configured without nvcc, or -DSIGNRATE_CUDA=OFF):
// no device can be used, and each says so.
#include <string>

#include "cuda_engine.hpp"
#include "signrate/error.hpp"

namespace signrate {

namespace {
const char* const kNoCuda =
    "this build has no CUDA (configure with -DSIGNRATE_CUDA=ON on a machine with nvcc, or use --device cpu)";
}

bool cuda_usable(int, std::string* why) {
  *why = kNoCuda;
  return false;
}

DeviceInfo cuda_device_info(int) { throw SpecError(kNoCuda); }

RunResult cuda::run_cuda(const Experiment&, const EngineOptions& options) {
  throw SpecError("--device cuda:" + std::to_string(options.device) + ": " + kNoCuda);
}

}  // namespace signrate
