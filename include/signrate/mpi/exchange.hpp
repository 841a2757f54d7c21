#pragma once
// One step's messages of signrate-mpi (wire.hpp's format over Link's bounded waits): every rank's
// message up to rank 0, and rank 0's reply broadcast down. Owns the buffers; the step loop
// (mpi_run.cpp) and the transport benchmark (bench/bench_mpi.cpp) fill and read them.
//
//   node side, every rank:  fill up_words()+up_mask() (signs) or up_values(); then gather(t, ...)
//   rank 0, after gather:   words(j), mask(j) (null: node j sent no zeros) or values(j), for j = 0..n-1;
//                           fill down_words()+down_mask() or down_values(); then broadcast(t, ...)
//   every rank, after broadcast: down_words()+down_mask() or down_values() hold the reply.
#include <cstdint>
#include <vector>

#include "signrate/mpi/link.hpp"
#include "signrate/mpi/wire.hpp"

namespace signrate::mpi {

// The bytes of one rank's messages, as handed to MPI (up: its message to rank 0; rank 0's own
// is built the same way and handed over in memory) and as received (down: the broadcast).
struct WireCounts {
  std::uint64_t bytes_up = 0, bytes_down = 0, messages_up = 0, messages_down = 0, zeros_up = 0;
};

class Exchange {
 public:
  Exchange(Link& link, bool signs, std::uint32_t replicates, std::uint32_t d);

  std::uint64_t* up_words() { return up_.words(); }
  std::uint64_t* up_mask() { return up_zeros_.mask.data(); }
  float* up_values() { return up_.values(); }
  // Rank 0: posts the receives of step t's messages, so they land while it computes its own.
  void post_receives();
  // Every rank: sends this rank's message (rank 0 keeps its own). `zeros`: how many bits of
  // up_mask() are set; `failed`: this rank could not compute its message (it said why).
  // Rank 0 returns the lowest failing rank, or -1 once every message is in; the others return -1.
  int gather(std::uint32_t t, std::uint64_t zeros, bool failed);

  const std::uint64_t* words(int j) { return j == 0 ? up_.words() : in_[j].words(); }
  const std::uint64_t* mask(int j) const;  // null when node j sent no zeros
  const float* values(int j) { return j == 0 ? up_.values() : in_[j].values(); }

  std::uint64_t* down_words() { return down_.words(); }
  std::uint64_t* down_mask() { return down_zeros_.mask.data(); }
  float* down_values() { return down_.values(); }
  // Every rank: rank 0 sends its reply (`zeros` set bits in down_mask(), or failing >= 0 to say
  // that rank `failing` failed), the others receive it. Returns the reply's header; with
  // kFailed set in its flags the payload means nothing.
  WireHeader broadcast(std::uint32_t t, std::uint64_t zeros, int failing);
  // On rank 0, while its broadcast is held up: the nodes with no later message pending (all of
  // them when every node has one).
  std::vector<int> silent_nodes() const;

  const WireCounts& counts() const { return counts_; }

  // A message: the header, then the payload, in a buffer of the payload's own type (the header
  // is copied in and out as bytes).
  class Message {
   public:
    Message(bool signs, std::uint64_t payload_units);
    void* data() {
      return words_.empty() ? static_cast<void*>(values_.data()) : static_cast<void*>(words_.data());
    }
    const void* data() const {
      return words_.empty() ? static_cast<const void*>(values_.data())
                            : static_cast<const void*>(words_.data());
    }
    int bytes() const { return static_cast<int>(bytes_); }
    WireHeader header() const;
    void set_header(const WireHeader& h);
    std::uint64_t* words() { return words_.data() + kHeaderBytes / 8; }
    float* values() { return values_.data() + kHeaderBytes / 4; }

   private:
    std::vector<std::uint64_t> words_;
    std::vector<float> values_;
    std::uint64_t bytes_ = 0;
  };

  // The zeros of a sign message (up: sign(0) = 0; down: ties) and the form they travel in.
  struct Zeros {
    std::vector<std::uint64_t> mask;  // replicates x words_for(d)
    std::vector<std::uint32_t> list;  // flat indices, when the list is the smaller form
    std::uint32_t count = 0;
    bool as_mask = false;
    void* data() { return as_mask ? static_cast<void*>(mask.data()) : static_cast<void*>(list.data()); }
    int bytes() const { return static_cast<int>(as_mask ? 8 * mask.size() : 4 * list.size()); }
  };

 private:
  Link& link_;
  bool signs_;
  std::uint32_t R_, d_;
  Message up_, down_;
  Zeros up_zeros_, down_zeros_;
  std::vector<Message> in_;      // rank 0: node j's message (index 0 unused)
  std::vector<Zeros> in_zeros_;  // rank 0: node j's zeros
  std::vector<MPI_Request> requests_;
  std::vector<int> peers_;
  WireCounts counts_;
};

}  // namespace signrate::mpi
