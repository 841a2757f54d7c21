#pragma once
// The CUDA engine's host-side checks (src/cuda/device.cu): CUDA errors as RunError, the engine
// options' domains, and the memory a run needs against the device's free memory.
#include <cuda_runtime.h>

#include <cstdint>

#include "signrate/engine.hpp"

namespace signrate::cuda {

// Throws RunError "CUDA: what: reason" unless err is cudaSuccess.
void check(cudaError_t err, const char* what);
// SpecError naming cuda_threads or cuda_blocks when outside their domains.
void check_cuda_options(const EngineOptions& o);
// SpecError with both numbers when `bytes` exceed the device's free memory.
void require_memory(std::uint64_t bytes, int device);

}  // namespace signrate::cuda
