#pragma once
// Bounded waits over MPI (docs/mpi.md, "Failures"): every wait of signrate-mpi polls its
// nonblocking requests against a deadline, so a rank that dies, hangs or disagrees ends the run
// with a message on every rank instead of a hang.
//
// When a wait runs out, the rank that noticed prints "signrate-mpi: rank K: no message from
// rank J within N s at step t", sends that line to every rank it still hears from (they print it
// and acknowledge), waits a moment for the acknowledgements, then calls MPI_Abort. Rank 0, the
// server, waits --timeout-s for the nodes; the other ranks give the server half as long again
// plus a second (server_timeout), so that when a node falls silent the server, which can name
// it, is the one that reports.
#include <mpi.h>

#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace signrate::mpi {

// Message tags (the down message is a broadcast and has none).
enum Tag : int {
  kTagHello = 1,
  kTagVerdict = 2,
  kTagUp = 3,
  kTagUpZeros = 4,
  kTagReport = 5,
  kTagMeasure = 6,  // signrate-mpi train: each rank's measures of a step, to rank 0
  kTagNotice = 90,
  kTagAck = 91
};

class Link {
 public:
  Link(MPI_Comm comm, double timeout_s);
  int rank() const { return rank_; }
  int size() const { return size_; }
  double timeout() const { return timeout_; }
  double server_timeout() const { return timeout_ * 1.5 + 1.0; }

  // Waits until every request completes; peers[k] is the rank request k waits on (for a
  // broadcast, its root). statuses (if not null) receive the statuses, aligned with requests.
  // `where` completes the message: "at step 17", "at start". On the deadline: fail_all.
  // A peer equal to this rank (the root of its own broadcast, which completes only when the
  // others take part) is named by `silent_instead` when given: the ranks that fell silent.
  void wait(std::vector<MPI_Request>& requests, const std::vector<int>& peers, double limit_s,
            const std::string& where, std::vector<MPI_Status>* statuses = nullptr,
            const std::function<std::vector<int>()>& silent_instead = {});

  // Prints "signrate-mpi: rank K: <message>", passes it to every rank not in `silent`, waits
  // briefly for their acknowledgements, and ends the job with MPI_Abort (exit code 3).
  [[noreturn]] void fail_all(const std::string& message, const std::vector<int>& silent);

  // Prints "signrate-mpi: rank K: <text>" on stderr as one write.
  void say(const std::string& text) const;

 private:
  // An abort notice from another rank: print it, acknowledge, wait to be ended.
  void service_notices();
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  double timeout_;
  bool failing_ = false;
};

// Set once this rank has printed why it ends (a failure it saw or was told of), so that the
// signal the MPI runtime then sends to end it adds no second line (src/mpi/main.cpp).
extern volatile std::sig_atomic_t g_leaving;

// "rank 2", "ranks 2, 3", with " (the server)" after rank 0.
std::string rank_list(const std::vector<int>& ranks);
// Seconds as printed in messages: "60", "2.5".
std::string seconds_text(double s);

}  // namespace signrate::mpi
