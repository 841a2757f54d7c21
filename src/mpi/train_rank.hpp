#pragma once
// One worker of `signrate-mpi train` (docs/training.md "Workers", docs/mpi.md): rank j trains
// worker j's batches on its own copy of the network and sends its message through the wire
// (wire.hpp) to rank 0, which forms the exact integer votes (or the float sums in rank order) and
// broadcasts the reply, which every rank applies. Each part is the in-process WorkerGroup's
// (forward_backward, VoteWorker, VoteServer, apply_reply) on the same values, so the run equals
// the in-process one bit for bit.
#include <memory>

#include "mpi_run.hpp"
#include "signrate/mpi/link.hpp"
#include "signrate/workloads/train.hpp"

namespace signrate::workloads {
class Workers;  // worker_group.hpp (LibTorch), which only train_rank.cpp includes
struct WorkersSetup;
}  // namespace signrate::workloads

namespace signrate::mpi {

// Sets callbacks.make_workers to this rank's worker of the setup (setup.parts[rank]; the others'
// parts are dropped).
void use_rank_worker(Link& link, workloads::TrainCallbacks& callbacks, const FaultHook& fault);

}  // namespace signrate::mpi
