#pragma once
// The CPU backend (private to the engine layer; callers use signrate::run).
#include "signrate/engine.hpp"

namespace signrate::cpu {

// The single-node engine, or run_distributed for a distributed method.
RunResult run_cpu(const Experiment& experiment, const EngineOptions& options);
// The in-process simulation of n nodes: threads over replicates; same numbers for any thread count.
RunResult run_distributed(const Experiment& experiment, const EngineOptions& options);

}  // namespace signrate::cpu
