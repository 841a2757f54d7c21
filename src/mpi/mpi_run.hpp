#pragma once
// One distributed run over MPI: every rank is one node, rank 0 is also the server (docs/mpi.md).
// Each step, every rank runs the same three parts as run_distributed (distributed_nodes.hpp) for each
// replicate, in the same order on the same values, with the messages between them on the wire
// (wire.hpp), so for the same seed the trajectory and every metric equal the in-process ones bit
// for bit.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "signrate/engine.hpp"
#include "signrate/mpi/exchange.hpp"
#include "signrate/mpi/link.hpp"

namespace signrate::mpi {

// The run stopped on every rank because one rank could not go on (that rank printed why).
struct RunStopped : std::runtime_error {
  explicit RunStopped(const std::string& what) : std::runtime_error(what) {}
};

// What rank 0 knows at the end: the result (as run_distributed's) and every rank's counts.
struct MpiRun {
  RunResult result;                // rank 0 only
  std::vector<WireCounts> counts;  // rank 0 only, one per rank
};

// Test hook (docs/mpi.md): SIGNRATE_MPI_FAULT_RANK=K, SIGNRATE_MPI_FAULT_STEP=t and
// SIGNRATE_MPI_FAULT_MODE=exit|hang|stop make rank K, at the start of step t, exit without a word
// to the others (the MPI runtime then ends the job) or stop answering (the others' deadlines end
// it); `stop` sends the rank SIGSTOP after its step-t message went up, before the reply came down.
struct FaultHook {
  int rank = -1;
  std::uint32_t step = 0;
  bool hang = false, stop = false;
  static FaultHook from_environment();
};

// Runs the experiment; returns on every rank when the run completes. Throws RunStopped (after
// printing) on every rank when a rank failed; a silent rank ends the job through Link::fail_all.
// `before_end` runs on rank 0 once the result is complete and before the other ranks are told
// the run succeeded (it writes the outputs; an exception there stops every rank).
MpiRun run_mpi(const Experiment& e, const EngineOptions& options, Link& link, const FaultHook& fault,
               const std::function<void(const MpiRun&)>& before_end);

// The "mpi" block of the run's JSON: ranks, header bytes, measured bytes per rank per step.
nlohmann::json mpi_json(const Experiment& e, const MpiRun& run, const Link& link);

// The step being run (0 before the first), for the signal handler's message.
extern volatile std::uint32_t g_current_step;

}  // namespace signrate::mpi
