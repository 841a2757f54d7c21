#pragma once
// The options of `signrate train`, shared by the CLI (src/cli/train_command.cpp) and by
// `signrate-mpi train` (src/mpi/train_main.cpp), so both read every flag the same way.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "signrate/output_files.hpp"
#include "signrate/workloads/train.hpp"

namespace signrate::cli {

struct TrainFlags {
  workloads::TrainOptions o;
  std::string epochs = "1", batch = "128", steps = "0", seed = "1", seeds, eval_every = "0", threads = "0",
              checkpoint_every = "0", workers = "1", byzantine = "0";
  std::string out, csv;
  std::vector<std::string> vary;
  bool quiet = false;  // -q: no progress bar
};

// Adds every option of `signrate train` to `cmd`.
void add_train_flags(CLI::App* cmd, TrainFlags& f);
// Reads the counts into f.o and checks the options' combinations (SpecError naming the bad one).
void resolve_train_flags(TrainFlags& f);

// Registers every file a train command reads and writes with the one output writer, so that no
// output replaces an input or another output: --resume (read), --out (json_path), --csv,
// --checkpoint (which may be the --resume file) and the log FILE.log.jsonl beside --out (set in
// f.o.log_path here).
void add_train_files(OutputFiles& files, TrainFlags& f, const std::string& json_path);

// The JSON's log as CSV (--csv): one row per logged interval, with the seed (and the grid point).
std::string train_csv(const nlohmann::json& j);

// --vary optimizer.lr=1e-3,1e-2 (repeated, or several in one), each read by the sweep's parser.
std::vector<workloads::GridAxis> parse_grid_axes(const std::vector<std::string>& flags);
// "a:b", both seeds.
std::pair<std::uint64_t, std::uint64_t> parse_seed_range(const std::string& text);

}  // namespace signrate::cli
