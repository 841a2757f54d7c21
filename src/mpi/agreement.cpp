// How the ranks agree to start (agreement.hpp).
#include "agreement.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "signrate/text.hpp"

namespace signrate::mpi {

namespace {

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

void say_line(int rank, const std::string& text) {
  const std::string line = "signrate-mpi: rank " + std::to_string(rank) + ": " + printable(text) + "\n";
  [[maybe_unused]] const auto w = ::write(2, line.data(), line.size());
}

// Every rank has printed its line before any leaves: the first rank to exit with a non-zero code
// makes mpirun kill the others, which would cut their messages off.
int leave_together(Link& link, int code) {
  g_leaving = 1;
  std::vector<MPI_Request> requests(1);
  MPI_Ibarrier(MPI_COMM_WORLD, &requests[0]);
  link.wait(requests, std::vector<int>{0}, link.server_timeout(), "before leaving");
  return code;
}

// Every rank's Hello, exchanged through rank 0 with bounded waits.
std::vector<Hello> exchange_hellos(Link& link, const Hello& mine) {
  const int n = link.size();
  std::vector<Hello> all(n);
  std::vector<MPI_Request> requests;
  std::vector<int> peers;
  if (link.rank() == 0) {
    all[0] = mine;
    for (int j = 1; j < n; ++j) {
      requests.emplace_back();
      peers.push_back(j);
      MPI_Irecv(&all[j], sizeof(Hello), MPI_BYTE, j, kTagHello, MPI_COMM_WORLD, &requests.back());
    }
    link.wait(requests, peers, link.timeout(), "at start");
    requests.clear();
    peers.clear();
    for (int j = 1; j < n; ++j) {
      requests.emplace_back();
      peers.push_back(j);
      MPI_Isend(all.data(), static_cast<int>(n * sizeof(Hello)), MPI_BYTE, j, kTagVerdict, MPI_COMM_WORLD,
                &requests.back());
    }
    link.wait(requests, peers, link.timeout(), "at start");
  } else {
    requests.resize(2);
    peers = {0, 0};
    MPI_Isend(&mine, sizeof(Hello), MPI_BYTE, 0, kTagHello, MPI_COMM_WORLD, &requests[0]);
    MPI_Irecv(all.data(), static_cast<int>(n * sizeof(Hello)), MPI_BYTE, 0, kTagVerdict, MPI_COMM_WORLD,
              &requests[1]);
    link.wait(requests, peers, link.server_timeout(), "at start");
  }
  return all;
}

void check_options(int rank, CLI::App& app, const std::string& usage, Hello& mine, std::string& help,
                   const std::function<void()>& check) {
  try {
    check();
  } catch (const CLI::CallForHelp&) {
    help = app.help();
    mine.status = kHelp;
  } catch (const CLI::Success& e) {  // --version
    if (rank == 0) app.exit(e);
    mine.status = kHelp;
  } catch (const CLI::ParseError& e) {
    say_line(rank, std::string("error: ") + e.what() + " (see " + usage + " --help)");
    mine.status = kBadOptions;
  } catch (const std::exception& e) {
    say_line(rank, std::string("error: ") + e.what());
    mine.status = kBadOptions;
  }
}

int agree(Link& link, const Hello& mine, const std::string& help,
          const std::function<std::string()>& describe) {
  const std::vector<Hello> all = exchange_hellos(link, mine);
  std::vector<int> bad, help_ranks, other_spec;
  for (int j = 0; j < link.size(); ++j) {
    if (all[j].status == kBadOptions) bad.push_back(j);
    if (all[j].status == kHelp) help_ranks.push_back(j);
  }
  if (static_cast<int>(help_ranks.size()) == link.size()) {
    if (link.rank() == 0 && !help.empty()) std::cout << help;
    return 0;
  }
  if (!bad.empty()) {
    if (mine.status != kBadOptions)
      link.say("stopping: the options of " + rank_list(bad) + " are not valid (the error is printed above)");
    return leave_together(link, 2);
  }
  if (!help_ranks.empty()) {
    link.say("stopping: " + rank_list(help_ranks) + " asked for --help or --version, the others for a run");
    return leave_together(link, 2);
  }
  for (int j = 0; j < link.size(); ++j)
    if (all[j].spec_hash != all[0].spec_hash) other_spec.push_back(j);
  if (!other_spec.empty()) {
    std::string hashes;
    for (int j = 0; j < link.size(); ++j) {
      if (j > 0) hashes += ' ';
      hashes += std::to_string(j) + ":" + hex(all[j].spec_hash).substr(0, 8);
    }
    link.say("the ranks were given different runs (resolved spec hash by rank: " + hashes +
             "); every rank needs the same options and signrate version. This rank's: " + describe());
    return leave_together(link, 2);
  }

  return -1;
}

}  // namespace signrate::mpi
