#include "signrate/mpi/link.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "signrate/spec.hpp"

namespace signrate::mpi {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Polling: MPI moves a nonblocking transfer (a large broadcast goes in segments) only inside MPI
// calls, so the first 50 ms of a wait test back to back, yielding the core between tests to ranks
// that share it (mpirun --oversubscribe); a longer wait (a slow step elsewhere) tests every 100 us.
class Backoff {
 public:
  void pause() {
    if (since(start_) < 0.05) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }

 private:
  Clock::time_point start_ = Clock::now();
};

constexpr double kAckGrace = 2.0;   // how long fail_all waits for acknowledgements
constexpr double kEndGrace = 10.0;  // how long a notified rank waits to be ended before aborting itself

}  // namespace

volatile std::sig_atomic_t g_leaving = 0;

std::string seconds_text(double s) { return format_real(s); }

std::string rank_list(const std::vector<int>& ranks) {
  std::string out = ranks.size() == 1 ? "rank " : "ranks ";
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    out += (k ? ", " : "") + std::to_string(ranks[k]);
    if (ranks[k] == 0) out += " (the server)";
  }
  return out;
}

Link::Link(MPI_Comm comm, double timeout_s) : comm_(comm), timeout_(timeout_s) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

void Link::say(const std::string& text) const {
  const std::string line = "signrate-mpi: rank " + std::to_string(rank_) + ": " + text + "\n";
  [[maybe_unused]] const auto n = ::write(2, line.data(), line.size());
}

void Link::wait(std::vector<MPI_Request>& requests, const std::vector<int>& peers, double limit_s,
                const std::string& where, std::vector<MPI_Status>* statuses,
                const std::function<std::vector<int>()>& silent_instead) {
  const int count = static_cast<int>(requests.size());
  if (statuses) statuses->assign(requests.size(), MPI_Status{});
  std::vector<int> done(requests.size());
  std::vector<MPI_Status> got(requests.size());
  const auto start = Clock::now();
  Backoff backoff;
  for (;;) {
    int outcount = 0;
    MPI_Testsome(count, requests.data(), &outcount, done.data(), got.data());
    if (outcount == MPI_UNDEFINED) return;  // every request is done (or was null)
    if (statuses)
      for (int k = 0; k < outcount; ++k) (*statuses)[done[k]] = got[k];
    if (std::all_of(requests.begin(), requests.end(), [](MPI_Request r) { return r == MPI_REQUEST_NULL; }))
      return;
    service_notices();
    if (since(start) > limit_s) {
      std::vector<int> silent;
      for (int k = 0; k < count; ++k) {
        if (requests[k] == MPI_REQUEST_NULL) continue;
        // Waiting on itself: its broadcast, held up by the ranks that do not take part.
        const std::vector<int> who =
            peers[k] == rank_ && silent_instead ? silent_instead() : std::vector<int>{peers[k]};
        for (int j : who)
          if (std::find(silent.begin(), silent.end(), j) == silent.end()) silent.push_back(j);
      }
      std::sort(silent.begin(), silent.end());
      fail_all("no message from " + rank_list(silent) + " within " + seconds_text(limit_s) + " s " + where,
               silent);
    }
    backoff.pause();
  }
}

void Link::fail_all(const std::string& message, const std::vector<int>& silent) {
  failing_ = true;
  say(message);
  g_leaving = 1;
  const std::string notice = "rank " + std::to_string(rank_) + " reports: " + message;
  std::vector<MPI_Request> requests;
  std::vector<char> acks(size_);
  for (int r = 0; r < size_; ++r) {
    if (r == rank_ || std::find(silent.begin(), silent.end(), r) != silent.end()) continue;
    MPI_Request send, ack;
    MPI_Isend(notice.data(), static_cast<int>(notice.size()), MPI_CHAR, r, kTagNotice, comm_, &send);
    MPI_Irecv(&acks[r], 1, MPI_CHAR, r, kTagAck, comm_, &ack);
    requests.push_back(send);
    requests.push_back(ack);
  }
  const auto start = Clock::now();
  Backoff backoff;
  while (since(start) < kAckGrace) {
    int all = 0;
    MPI_Testall(static_cast<int>(requests.size()), requests.data(), &all, MPI_STATUSES_IGNORE);
    if (all) break;
    service_notices();  // another rank failing at the same time: acknowledge it
    backoff.pause();
  }
  MPI_Abort(comm_, 3);
  std::_Exit(3);
}

void Link::service_notices() {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, kTagNotice, comm_, &flag, &st);
  if (!flag) return;
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, kTagNotice, comm_, MPI_STATUS_IGNORE);
  if (!failing_) say("stopping: " + text);
  g_leaving = 1;
  char ack = 1;
  MPI_Request request;
  MPI_Isend(&ack, 1, MPI_CHAR, st.MPI_SOURCE, kTagAck, comm_, &request);
  const auto start = Clock::now();
  Backoff backoff;
  int done = 0;
  while (!done && since(start) < kAckGrace) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (!done) backoff.pause();
  }
  if (failing_) return;
  // The reporting rank ends the job with MPI_Abort; if that never reaches us, end it ourselves.
  failing_ = true;
  const auto wait_start = Clock::now();
  while (since(wait_start) < kEndGrace) {
    int f = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagNotice, comm_, &f, MPI_STATUS_IGNORE);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  MPI_Abort(comm_, 3);
  std::_Exit(3);
}

}  // namespace signrate::mpi
