#pragma once
// The CUDA engine (src/cuda/engine.cu), private to the engine layer; run(experiment, options)
// reaches it through Backend::kCuda. Built without CUDA, src/cuda/no_cuda.cpp defines the same
// functions and says why nothing can run.
#include "signrate/engine.hpp"

namespace signrate::cuda {

// The run on device options.device, with the CPU engine's bits. SpecError (exit 2) when the device
// is unusable, the problem cannot run on the GPU, or the run does not fit in its free memory.
RunResult run_cuda(const Experiment& e, const EngineOptions& options);

}  // namespace signrate::cuda
