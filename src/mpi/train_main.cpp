// signrate-mpi train: `signrate train --workers n` with one MPI rank per worker (docs/training.md
// "Workers", docs/mpi.md). Usage: mpirun -np N signrate-mpi train <the options of signrate train>
// [--timeout-s S]. Rank 0 is worker 0 and the server, and writes the same JSON as `signrate
// train` plus an "mpi" block. Every rank evaluates the network at the end of an interval (with its
// own BatchNorm statistics; rank 0's are worker 0's, the ones recorded), so the ranks stay in step
// however long an evaluation takes.
#include "train_main.hpp"

#include <iostream>
#include <memory>

#include "agreement.hpp"
#include "mpi_run.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/train_flags.hpp"
#include "signrate/mpi/link.hpp"
#include "signrate/mpi/wire.hpp"
#include "signrate/output_files.hpp"
#include "signrate/version.hpp"
#include "signrate/workloads/train.hpp"
#include "signrate/workloads/vote.hpp"
#include "train_rank.hpp"

namespace signrate::mpi {

namespace {

// The ranks agreed to stop before the first step (the reason is printed).
struct StopAll {
  int code;
};

}  // namespace

int train_main(int argc, char** argv, int rank, int ranks) {
  cli::TrainFlags f;
  double timeout_s = 60.0;
  CLI::App app{
      "signrate-mpi train: signrate train with a distributed optimizer, one MPI rank per worker\n"
      "  mpirun -np N signrate-mpi train [options of signrate train] [--timeout-s S]"};
  app.name("signrate-mpi train");
  app.set_version_flag("--version", kVersion);
  cli::add_train_flags(&app, f);
  app.get_option("--workers")->description("n workers: must equal the number of ranks, which it defaults to");
  app.get_option("--threads")->description("LibTorch's CPU threads per rank (default 1)");
  app.add_option("--timeout-s", timeout_s,
                 "longest wait for any message before the run is ended (default 60; it must exceed a step)")
      ->check(cli::real_in(Domain{0.001, 1e6, false, false}));
  cli::refuse_empty_values(app);
  cli::name_value_types(app);
  cli::set_command_line(argc, argv);  // "signrate train ..."

  Hello mine;
  std::string help;
  OutputFiles files;  // rank 0's
  std::string json_path = "-";
  check_options(rank, app, "signrate-mpi train", mine, help, [&] {
    app.parse(argc - 1, argv + 1);
    if (app.count("--workers") == 0) f.workers = std::to_string(ranks);
    if (app.count("--threads") == 0) f.threads = "1";  // one thread per rank unless asked
    cli::resolve_train_flags(f);
    if (f.o.workers != ranks)
      throw SpecError("--workers " + std::to_string(f.o.workers) + " but mpirun started " +
                      std::to_string(ranks) +
                      " ranks; signrate-mpi train runs one worker per rank (leave --workers out, or start " +
                      std::to_string(f.o.workers) + " ranks)");
    if (!f.seeds.empty() || !f.vary.empty())
      throw SpecError(std::string(f.vary.empty() ? "--seeds" : "--vary") +
                      " is not allowed with signrate-mpi train; allowed: one run (--seed)");
    const std::string name = parse_spec(f.o.optimizer, "optimizer").name;
    if (!workloads::is_vote_optimizer(name))
      throw SpecError("optimizer " + name +
                      " is single-node; signrate-mpi train runs the distributed ones: " +
                      workloads::vote_optimizer_names());
    f.o.device_rank = rank;  // rank r on CUDA device r mod the devices
    json_path = f.out.empty() ? "-" : f.out;
    if (rank == 0) cli::add_train_files(files, f, json_path);
    mine.spec_hash = fnv1a(std::string(kVersion) + " " + cli::command_line());
  });

  Link link(MPI_COMM_WORLD, timeout_s);
  const auto describe = [] { return cli::command_line(); };
  if (const int code = agree(link, mine, help, describe); code >= 0) return code;

  // The trainer checks the rest (data, model, split, optimizer keys) on every rank; the ranks agree
  // again once it is ready, before the first step.
  bool agreed = false;
  workloads::TrainCallbacks callbacks;
  callbacks.ready = [&] {
    agreed = true;
    if (const int code = agree(link, Hello{}, "", describe); code >= 0) throw StopAll{code};
  };
  use_rank_worker(link, callbacks, FaultHook::from_environment());
  nlohmann::json j;
  try {
    j = workloads::train(f.o, callbacks);
  } catch (const StopAll& s) {
    return leave_together(link, s.code);
  } catch (const RunStopped&) {
    return leave_together(link, 1);
  } catch (const SpecError& e) {
    say_line(rank, std::string("error: ") + e.what());
    if (!agreed) {
      Hello bad;
      bad.status = kBadOptions;
      agree(link, bad, "", describe);
    }
    return leave_together(link, 2);
  }
  int code = 0;
  if (rank == 0) {
    try {
      j["command"] = "mpirun -np " + std::to_string(ranks) + " signrate-mpi" + cli::command_line().substr(8);
      const bool signs = sends_signs(workloads::parse_vote_spec(f.o.optimizer).method.base.kind);
      j["mpi"].update({{"ranks", ranks},
                       {"server_rank", 0},
                       {"timeout_s", timeout_s},
                       {"payload", signs ? "signs, 1 bit per parameter" : "float32"},
                       {"bit_order", signs ? kSignBitOrder : ""},
                       {"header_bytes", kHeaderBytes}});
      if (!f.csv.empty()) files.set(f.csv, cli::train_csv(j));
      files.set(json_path, cli::json_text(j));
      files.commit();
      if (!is_stdout_target(json_path)) {
        const auto& fin = j["final"];
        std::cout << "train_loss = " << fin["train_loss"].get<double>()
                  << ", test_accuracy = " << fin["test_accuracy"].get<double>() << " (" << fin["steps"].dump()
                  << " steps, " << ranks << (ranks == 1 ? " rank, " : " ranks, ")
                  << fin["bytes_up"].get<double>() << " bytes up per step); wrote " << f.out << "\n";
      }
    } catch (const std::exception& e) {
      say_line(rank, std::string("error: ") + e.what());
      code = 1;
    }
  }
  return leave_together(link, code);
}

}  // namespace signrate::mpi
