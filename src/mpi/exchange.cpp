#include "signrate/mpi/exchange.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace signrate::mpi {

namespace {

std::string at_step(std::uint32_t t) { return "at step " + std::to_string(t); }

// After packing into z.mask: the form the zeros travel in (wire.hpp zeros_bytes).
void encode(Exchange::Zeros& z, std::uint64_t count, std::uint32_t replicates, std::uint32_t d) {
  z.count = static_cast<std::uint32_t>(count);
  z.as_mask = zeros_as_mask(count, z.mask.size());
  if (!z.as_mask) mask_to_list(z.mask.data(), replicates, d, z.list);
}
// Before receiving `count` zeros in the form a header says.
void expect(Exchange::Zeros& z, std::uint32_t count, bool as_mask) {
  z.count = count;
  z.as_mask = as_mask;
  if (!as_mask) z.list.resize(count);
}
// After receiving: the mask, whatever form travelled.
void decode(Exchange::Zeros& z, std::uint32_t replicates, std::uint32_t d) {
  if (!z.as_mask) list_to_mask(z.list.data(), z.list.size(), replicates, d, z.mask.data());
}

}  // namespace

Exchange::Message::Message(bool signs, std::uint64_t payload_units) {
  if (signs) {
    words_.assign(kHeaderBytes / 8 + payload_units, 0);
    bytes_ = kHeaderBytes + 8 * payload_units;
  } else {
    values_.assign(kHeaderBytes / 4 + payload_units, 0.0f);
    bytes_ = kHeaderBytes + 4 * payload_units;
  }
}

WireHeader Exchange::Message::header() const {
  WireHeader h;
  std::memcpy(&h, data(), sizeof h);
  return h;
}

void Exchange::Message::set_header(const WireHeader& h) { std::memcpy(data(), &h, sizeof h); }

Exchange::Exchange(Link& link, bool signs, std::uint32_t replicates, std::uint32_t d)
    : link_(link),
      signs_(signs),
      R_(replicates),
      d_(d),
      up_(signs, signs ? replicates * words_for(d) : std::uint64_t{replicates} * d),
      down_(up_) {
  const std::uint64_t mask_words = signs ? replicates * words_for(d) : 0;
  up_zeros_.mask.assign(mask_words, 0);
  down_zeros_.mask.assign(mask_words, 0);
  if (link.rank() == 0) {
    in_.reserve(link.size());
    in_.emplace_back(signs, 0);  // node 0's message is up_
    for (int j = 1; j < link.size(); ++j) in_.push_back(up_);
    in_zeros_.resize(link.size());
    for (auto& z : in_zeros_) z.mask.assign(mask_words, 0);
  }
}

const std::uint64_t* Exchange::mask(int j) const {
  const Zeros& z = j == 0 ? up_zeros_ : in_zeros_[j];
  return z.count > 0 ? z.mask.data() : nullptr;
}

void Exchange::post_receives() {
  requests_.clear();
  peers_.clear();
  for (int j = 1; j < link_.size(); ++j) {
    requests_.emplace_back();
    peers_.push_back(j);
    MPI_Irecv(in_[j].data(), in_[j].bytes(), MPI_BYTE, j, kTagUp, MPI_COMM_WORLD, &requests_.back());
  }
}

int Exchange::gather(std::uint32_t t, std::uint64_t zeros, bool failed) {
  const int me = link_.rank(), n = link_.size();
  WireHeader h{t, failed ? kFailed : 0u, 0, static_cast<std::uint32_t>(me)};
  up_zeros_.count = 0;
  if (signs_ && !failed && zeros > 0) {
    if (me == 0) {  // handed over in memory: the mask as it is
      up_zeros_.count = static_cast<std::uint32_t>(zeros);
      up_zeros_.as_mask = zeros_as_mask(zeros, up_zeros_.mask.size());
    } else {
      encode(up_zeros_, zeros, R_, d_);
    }
    h.zeros = up_zeros_.count;
    if (up_zeros_.as_mask) h.flags |= kZeroMask;
  }
  up_.set_header(h);
  const bool second = h.zeros > 0;
  counts_.bytes_up += up_.bytes() + zeros_bytes(h.zeros, up_zeros_.mask.size());
  counts_.messages_up += 1 + second;
  counts_.zeros_up += h.zeros;

  if (me != 0) {
    requests_.clear();
    peers_.clear();
    requests_.emplace_back();
    peers_.push_back(0);
    MPI_Isend(up_.data(), up_.bytes(), MPI_BYTE, 0, kTagUp, MPI_COMM_WORLD, &requests_.back());
    if (second) {
      requests_.emplace_back();
      peers_.push_back(0);
      MPI_Isend(up_zeros_.data(), up_zeros_.bytes(), MPI_BYTE, 0, kTagUpZeros, MPI_COMM_WORLD,
                &requests_.back());
    }
    return -1;  // the sends complete with the broadcast's wait (broadcast() waits on them too)
  }

  std::vector<MPI_Status> statuses;
  link_.wait(requests_, peers_, link_.timeout(), at_step(t), &statuses);
  requests_.clear();
  peers_.clear();
  int failing = failed ? 0 : -1;
  for (int j = 1; j < n; ++j) {
    int got = 0;
    MPI_Get_count(&statuses[j - 1], MPI_BYTE, &got);
    const WireHeader hj = in_[j].header();
    if (got != in_[j].bytes() || hj.step != t || static_cast<int>(hj.rank) != j)
      link_.fail_all("rank " + std::to_string(j) + " sent a message that does not belong to step " +
                         std::to_string(t) + " (" + std::to_string(got) + " bytes, step " +
                         std::to_string(hj.step) + ", rank " + std::to_string(hj.rank) +
                         "); do all ranks run the same signrate-mpi build?",
                     {});
    in_zeros_[j].count = 0;
    if (hj.flags & kFailed) {
      if (failing < 0) failing = j;
    } else if (hj.zeros > 0) {
      expect(in_zeros_[j], hj.zeros, hj.flags & kZeroMask);
      requests_.emplace_back();
      peers_.push_back(j);
      MPI_Irecv(in_zeros_[j].data(), in_zeros_[j].bytes(), MPI_BYTE, j, kTagUpZeros, MPI_COMM_WORLD,
                &requests_.back());
    }
  }
  link_.wait(requests_, peers_, link_.timeout(), at_step(t));
  requests_.clear();
  peers_.clear();
  for (int j = 1; j < n; ++j)
    if (in_zeros_[j].count > 0) decode(in_zeros_[j], R_, d_);
  return failing;
}

std::vector<int> Exchange::silent_nodes() const {
  // A node that took its part of step t's broadcast goes on and sends its next message (step
  // t + 1's, its step measures under signrate-mpi train, or its report after the last step): the
  // nodes with none pending are the silent ones.
  std::vector<int> silent;
  for (int j = 1; j < link_.size(); ++j) {
    int next = 0, measure = 0, report = 0;
    MPI_Iprobe(j, kTagUp, MPI_COMM_WORLD, &next, MPI_STATUS_IGNORE);
    MPI_Iprobe(j, kTagMeasure, MPI_COMM_WORLD, &measure, MPI_STATUS_IGNORE);
    MPI_Iprobe(j, kTagReport, MPI_COMM_WORLD, &report, MPI_STATUS_IGNORE);
    if (!next && !measure && !report) silent.push_back(j);
  }
  if (silent.empty())
    for (int j = 1; j < link_.size(); ++j) silent.push_back(j);
  return silent;
}

WireHeader Exchange::broadcast(std::uint32_t t, std::uint64_t zeros, int failing) {
  const bool root = link_.rank() == 0;
  if (root) {
    WireHeader h{t, 0, 0, 0};
    down_zeros_.count = 0;
    if (failing >= 0) {
      h.flags = kFailed;
      h.rank = static_cast<std::uint32_t>(failing);
    } else if (signs_ && zeros > 0) {
      encode(down_zeros_, zeros, R_, d_);
      h.zeros = down_zeros_.count;
      if (down_zeros_.as_mask) h.flags |= kZeroMask;
    }
    down_.set_header(h);
  }
  // Non-root ranks: the up sends of gather() are still in requests_ and complete here too.
  const double limit = root ? link_.timeout() : link_.server_timeout();
  requests_.emplace_back();
  peers_.push_back(0);
  MPI_Ibcast(down_.data(), down_.bytes(), MPI_BYTE, 0, MPI_COMM_WORLD, &requests_.back());
  link_.wait(requests_, peers_, limit, at_step(t), nullptr, [&] { return silent_nodes(); });
  requests_.clear();
  peers_.clear();
  const WireHeader h = down_.header();
  if (h.step != t)
    link_.fail_all(
        "the server's message is for step " + std::to_string(h.step) + ", not " + std::to_string(t), {});
  if (h.flags & kFailed) return h;
  const bool second = h.zeros > 0;
  if (second) {
    if (!root) expect(down_zeros_, h.zeros, h.flags & kZeroMask);
    requests_.emplace_back();
    peers_.push_back(0);
    MPI_Ibcast(down_zeros_.data(), down_zeros_.bytes(), MPI_BYTE, 0, MPI_COMM_WORLD, &requests_.back());
    link_.wait(requests_, peers_, limit, at_step(t), nullptr, [&] { return silent_nodes(); });
    requests_.clear();
    peers_.clear();
    if (!root) decode(down_zeros_, R_, d_);
  } else if (!root && signs_) {
    std::fill(down_zeros_.mask.begin(), down_zeros_.mask.end(), 0);
  }
  counts_.bytes_down += down_.bytes() + zeros_bytes(h.zeros, down_zeros_.mask.size());
  counts_.messages_down += 1 + second;
  return h;
}

}  // namespace signrate::mpi
