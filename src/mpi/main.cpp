// signrate-mpi: `signrate run` (and `signrate train`) for the distributed methods with one MPI rank
// per node (docs/mpi.md). Usage: mpirun -np N signrate-mpi [run] <the options of signrate run>
// [--timeout-s S], or mpirun -np N signrate-mpi train <the options of signrate train>.
// Rank 0 is node 0 and the server, and writes the same JSON as `signrate run` plus an "mpi" block.
#include <mpi.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <limits>
#include <memory>

#include "agreement.hpp"
#include "mpi_run.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/catalogue.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/io/run_output.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/mpi/link.hpp"
#include "signrate/mpi/wire.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/text.hpp"
#include "signrate/version.hpp"
#include "train_main.hpp"

namespace {

using namespace signrate;
using mpi::Hello;
using mpi::kBadOptions;
using mpi::kHelp;
using mpi::leave_together;
using mpi::say_line;

struct Options {
  cli::SpecFlags spec;
  std::string out, csv;
  double timeout_s = 60.0;
};

// The end of a rank killed by the MPI runtime (another rank died): one line saying so. Only
// async-signal-safe calls: the text is assembled by hand.
int g_rank = 0;
void on_terminate(int sig) {
  if (mpi::g_leaving) ::_exit(128 + sig);
  char line[160];
  std::size_t k = 0;
  const auto put = [&](const char* s) {
    while (*s && k + 1 < sizeof line) line[k++] = *s++;
  };
  const auto put_uint = [&](std::uint64_t v) {
    char digits[24];
    int m = 0;
    do digits[m++] = static_cast<char>('0' + v % 10), v /= 10;
    while (v);
    while (m && k + 1 < sizeof line) line[k++] = digits[--m];
  };
  put("signrate-mpi: rank ");
  put_uint(static_cast<std::uint64_t>(g_rank));
  put(": ended by signal ");
  put_uint(static_cast<std::uint64_t>(sig));
  put(" at step ");
  put_uint(mpi::g_current_step);
  put(" (the MPI runtime ends every rank when one dies)\n");
  [[maybe_unused]] const auto w = ::write(2, line, k);
  ::_exit(128 + sig);
}

// A one-line summary of the resolved spec, printed by each rank when the ranks disagree.
std::string spec_line(const Experiment& e) {
  const nlohmann::json j = e.resolved_spec();
  std::string s;
  for (const char* part : {"problem", "oracle", "method", "schedule"})
    s += std::string(part) + "=" + spec_text(j[part]) + " ";
  for (const char* key :
       {"d", "T", "replicates", "seed", "batch", "checkpoints_per_decade", "nodes", "byzantine"})
    s += std::string(key) + "=" + j[key].dump() + " ";
  s.pop_back();
  return s;
}

// The spec of the options: signrate run's, except that the default method is a distributed one
// (signum-mv: majority vote of Signum, which needs no bound R), so that `mpirun -np N
// signrate-mpi` runs with its defaults at any N.
nlohmann::json mpi_spec(const Options& o) {
  nlohmann::json j = cli::gather_spec(o.spec, false);
  if (!j.contains("method")) j["method"] = "signum-mv";
  return j;
}

// The run this rank's options describe, refused with a SpecError when signrate-mpi cannot run it.
Experiment prepare(const Options& o, int ranks) {
  nlohmann::json j = mpi_spec(o);
  if (cli::engine_options(o.spec, j).backend != Backend::kCpu)
    throw SpecError("device=" + (o.spec.device.empty() ? std::string("(from --spec)") : o.spec.device) +
                    " is not allowed; signrate-mpi computes on the CPU of every rank (allowed: cpu)");
  if (j.contains("nodes")) {
    const std::uint64_t nodes = parse_count("nodes", j["nodes"], 1, 1u << 20);
    if (nodes != static_cast<std::uint64_t>(ranks))
      throw SpecError("nodes=" + std::to_string(nodes) + " but mpirun started " + std::to_string(ranks) +
                      " ranks; signrate-mpi runs one node per rank (leave --nodes out, or start " +
                      std::to_string(nodes) + " ranks)");
  }
  j["nodes"] = static_cast<std::uint64_t>(ranks);
  const Experiment e = make_experiment(run_spec_from_json(j));
  if (!e.distributed) {
    std::string names;
    for (const auto& c : distributed_method_registry()) names += (names.empty() ? "" : ", ") + c.name;
    throw SpecError("method " + e.spec.method.name +
                    " is single-node; signrate-mpi runs the distributed methods: " + names);
  }
  const std::uint64_t d = e.spec.d, R = e.spec.replicates;
  const std::uint64_t payload = sends_signs(e.dist.base.kind) ? R * mpi::words_for(d) * 8 : R * d * 4;
  if (mpi::kHeaderBytes + payload > static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ||
      R * d > std::numeric_limits<std::uint32_t>::max())
    throw SpecError("replicates x d = " + std::to_string(R * d) + " makes a step's message " +
                    std::to_string(mpi::kHeaderBytes + payload) +
                    " bytes, over MPI's 2^31 - 1 per message; run fewer replicates per job");
  return e;
}

int run_main(int argc, char** argv, int rank, int ranks) {
  auto o = std::make_shared<Options>();
  CLI::App app{
      "signrate-mpi: signrate run and signrate train for the distributed methods, one MPI rank per node\n"
      "  mpirun -np N signrate-mpi [run] [options of signrate run] [--timeout-s S]\n"
      "  mpirun -np N signrate-mpi train [options of signrate train] [--timeout-s S]   (with LibTorch)\n"
      "The default method is signum-mv (signrate run's, smm, is single-node)."};
  app.set_version_flag("--version", kVersion);
  cli::add_spec_flags(&app, o->spec, false);
  app.get_option("--nodes")->description("n nodes: must equal the number of ranks, which it defaults to");
  app.get_option("--method")
      ->description("distributed method SPEC (default signum-mv, for any number of ranks)");
  app.get_option("--threads")
      ->description("threads per rank over its replicates (default 1; never changes the numbers)");
  app.add_option("--out", o->out,
                 "rank 0 writes the JSON here (atomically; - or /dev/stdout: standard output, the default)");
  app.add_option("--csv", o->csv, "rank 0 also writes the checkpoint table as CSV here");
  app.add_option("--timeout-s", o->timeout_s,
                 "longest wait for any message before the run is ended (default 60)")
      ->check(cli::real_in(Domain{0.001, 1e6, false, false}));
  cli::add_catalogue_pointer(app);
  cli::refuse_empty_values(app);
  cli::name_value_types(app);
  cli::set_command_line(argc, argv);

  Hello mine;
  std::unique_ptr<Experiment> experiment;
  EngineOptions engine;
  OutputFiles files;            // rank 0's
  std::string json_path = "-";  // --out, once parsed
  std::string help;
  mpi::check_options(rank, app, "signrate-mpi", mine, help, [&] {
    app.parse(argc, argv);
    if (app.count("--threads") == 0) o->spec.threads = "1";  // one thread per rank unless asked
    // Every option is checked here, before the ranks compare notes: a bad one is exit code 2 on
    // every rank, never an error after the start.
    engine = cli::engine_options(o->spec.threads, o->spec.block, "cpu");
    const std::uint64_t max_memory = cli::max_memory_bytes(o->spec.max_memory);
    json_path = o->out.empty() ? "-" : o->out;
    if (rank == 0) {
      files.add_input("--spec", o->spec.spec_file);
      files.add("--out", json_path);
      if (!o->csv.empty()) files.add("--csv", o->csv);
    }
    {
      // This rank's share: its replicates' x, gradient and messages (and the server's votes or sums,
      // and every node's message, on rank 0), beside the problem and the results.
      RunSpec spec = run_spec_from_json(mpi_spec(*o));
      const double R = spec.replicates, d = spec.d;
      spec.nodes = 1;
      const double share = setup_bytes(spec) + result_bytes(spec) + R * d * 40 +
                           (rank == 0 ? R * d * (12 + static_cast<double>(ranks) / 4) : 0);
      check_memory(share,
                   "rank " + std::to_string(rank) + "'s part of the run (d=" + std::to_string(spec.d) +
                       ", replicates=" + std::to_string(spec.replicates) + ")",
                   max_memory);
    }
    experiment = std::make_unique<Experiment>(prepare(*o, ranks));
    mine.spec_hash = mpi::fnv1a(std::string(kVersion) + " " + experiment->resolved_spec().dump());
  });

  mpi::Link link(MPI_COMM_WORLD, o->timeout_s);
  if (const int code = mpi::agree(link, mine, help, [&] { return spec_line(*experiment); }); code >= 0)
    return code;

  const Experiment& e = *experiment;
  const std::string command =
      "mpirun -np " + std::to_string(ranks) + " signrate-mpi" + cli::command_line().substr(8);
  nlohmann::json j;
  const auto write_outputs = [&](const mpi::MpiRun& run) {
    j = run_json(e, run.result, engine);
    j["command"] = command;
    j["engine"]["backend"] = "mpi";
    j["mpi"] = mpi::mpi_json(e, run, link);
    if (!o->csv.empty()) files.set(o->csv, checkpoints_csv(e, run.result));
    files.set(json_path, cli::json_text(j));
    files.commit();
  };
  try {
    const mpi::MpiRun run = mpi::run_mpi(e, engine, link, mpi::FaultHook::from_environment(), write_outputs);
    if (rank == 0 && !is_stdout_target(json_path)) {
      std::cout << cli::metrics_line(j["metrics"]) << " (" << e.spec.replicates << " replicates, " << ranks
                << (ranks == 1 ? " rank, " : " ranks, ") << cli::format_seconds(run.result.elapsed_seconds)
                << "); wrote " << o->out << "\n";
    }
  } catch (const mpi::RunStopped&) {
    return leave_together(link, 1);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  g_rank = rank;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_terminate;
  sigaction(SIGTERM, &sa, nullptr);
  int code = 0;
  try {
    if (argc > 1 && std::string(argv[1]) == "train") {
#if SIGNRATE_HAVE_TORCH
      code = mpi::train_main(argc, argv, rank, ranks);
#else
      say_line(
          rank,
          "error: this signrate-mpi was built without LibTorch, so it has no train; allowed: run options");
      code = 2;
#endif
    } else if (argc > 1 && std::string(argv[1]) == "run") {  // `signrate-mpi run ...`, as `signrate run ...`
      argv[1] = argv[0];
      code = run_main(argc - 1, argv + 1, rank, ranks);
    } else {
      code = run_main(argc, argv, rank, ranks);
    }
  } catch (const std::exception& e) {  // a bug: no rank should get here
    say_line(rank, std::string("internal error: ") + e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return code;
}
