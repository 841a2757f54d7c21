// The engines' one entry point: the options name the backend, the backend runs the experiment.
#include "signrate/engine.hpp"

#include "cpu/cpu_engine.hpp"
#include "cuda/cuda_engine.hpp"

namespace signrate {

std::string backend_name(Backend backend) {
  switch (backend) {
    case Backend::kCpu:
      return "cpu";
    case Backend::kCuda:
      return "cuda";
  }
  return "unknown";
}

std::uint64_t coordinate_steps(const RunSpec& spec) {
  return static_cast<std::uint64_t>(spec.d) * spec.T * spec.replicates * spec.nodes;
}

RunResult run(const Experiment& experiment, const EngineOptions& options) {
  RunResult out;
  switch (options.backend) {
    case Backend::kCpu:
      out = cpu::run_cpu(experiment, options);
      break;
    case Backend::kCuda:
      out = cuda::run_cuda(experiment, options);
      if (options.progress) options.progress->add_steps(coordinate_steps(experiment.spec));
      break;
  }
  out.backend = backend_name(options.backend);
  return out;
}

}  // namespace signrate
