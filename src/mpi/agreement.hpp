#pragma once
// How the ranks of signrate-mpi agree to start (docs/mpi.md, "Failures"): every rank checks its
// options, tells rank 0 how it stands (Hello), and rank 0 tells every rank all the answers; a rank
// with bad options, a rank asking for --help, or ranks given different runs stop every rank with
// one line each. Shared by `signrate-mpi` (runs) and `signrate-mpi train`.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "signrate/mpi/link.hpp"

namespace signrate::mpi {

enum Status : std::uint32_t { kOk = 0, kBadOptions = 1, kHelp = 2 };
// What each rank tells rank 0 at start, and rank 0 tells every rank back (all ranks' entries).
struct Hello {
  std::uint32_t status = kOk;
  std::uint32_t reserved = 0;
  std::uint64_t spec_hash = 0;
};
static_assert(sizeof(Hello) == 16);

// "signrate-mpi: rank K: <text>" as one write, so that the ranks' lines do not interleave.
void say_line(int rank, const std::string& text);
// Every rank has printed its line before any leaves; returns code.
int leave_together(Link& link, int code);
// Every rank's Hello, exchanged through rank 0 with bounded waits.
std::vector<Hello> exchange_hellos(Link& link, const Hello& mine);
// Runs `check` (parse and check this rank's options; it sets mine.spec_hash) and turns what it
// throws into mine.status: --help and --version (help gets the text; rank 0 prints the version)
// are kHelp, a parse error or any other error is kBadOptions, printed as one line ("see `usage`
// --help" after a parse error).
void check_options(int rank, CLI::App& app, const std::string& usage, Hello& mine, std::string& help,
                   const std::function<void()>& check);
// Exchanges the Hellos and returns -1 when every rank is ready for the same run; otherwise, having
// printed why (rank 0 prints `help` when every rank asked for it), the exit code every rank
// returns: 0 for --help on every rank, 2 otherwise. `describe` gives this rank's run in one line
// (printed when the spec hashes differ).
int agree(Link& link, const Hello& mine, const std::string& help,
          const std::function<std::string()>& describe);

}  // namespace signrate::mpi
