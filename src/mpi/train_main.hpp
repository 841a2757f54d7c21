#pragma once
// `signrate-mpi train` (train_main.cpp): argv[1] is "train".

namespace signrate::mpi {

// Returns the rank's exit code (0, 1 for a failed run, 2 for bad options), as signrate train's.
int train_main(int argc, char** argv, int rank, int ranks);

}  // namespace signrate::mpi
