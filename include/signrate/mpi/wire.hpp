#pragma once
// The wire format of the multi-process transport (docs/mpi.md, "Wire format": signs travel packed 1 bit per
// coordinate). Pure functions, no MPI, so that the format has its own round-trip tests
// (tests/test_mpi_wire.cpp) in every build.
//
// Each step, each way, one message per rank: a 16-byte WireHeader, then the payload of every
// replicate in replicate order; a second message follows only when the header counts zeros.
//   sign payload: words_for(d) uint64 words per replicate, replicate r's at r * words_for(d);
//     coordinate i is bit (i % 64) of word (i / 64), least significant bit first; 1 means +1,
//     0 means -1 (or 0, see below); unused high bits of the last word are 0.
//   zeros: sign(0) = 0 up and a tie down cannot travel in one bit. Their bit is 0, and the second
//     message names them, in whichever form is smaller: a list of uint32 flat indices r * d + i in
//     increasing order (4 bytes each), or, when the zeros are many (ties of an even vote), a zero
//     mask laid out like the payload (bit 1 = the coordinate is 0). With continuous noise and a
//     method that cannot tie (mvsm-v2) there is no second message.
//   float payload (sgd-dist, sgdm-dist): d float32 per replicate, as the in-process loop sends them.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace signrate::mpi {

// The documented bit order: coordinate i of a replicate is bit (i % 64) of word (i / 64).
inline constexpr const char* kSignBitOrder =
    "coordinate i is bit i%64 of uint64 word i/64 (least significant bit first); 1 = +1, 0 = -1";
inline constexpr std::uint32_t kWordBits = 64;
inline std::uint64_t words_for(std::uint64_t d) { return (d + kWordBits - 1) / kWordBits; }
inline bool sign_bit(const std::uint64_t* words, std::uint32_t i) {
  return (words[i / kWordBits] >> (i % kWordBits)) & 1u;
}

// Header flags.
inline constexpr std::uint32_t kFailed = 1u;    // the sender could not compute its message (it printed why)
inline constexpr std::uint32_t kZeroMask = 2u;  // the zeros follow as a mask, not as a list

struct WireHeader {
  std::uint32_t step = 0;   // t, checked by the receiver
  std::uint32_t flags = 0;  // kFailed, kZeroMask
  std::uint32_t zeros = 0;  // coordinates sent as 0 (all replicates)
  std::uint32_t rank = 0;   // up: the sender; down with kFailed: the lowest failing rank
};
static_assert(sizeof(WireHeader) == 16);
inline constexpr std::uint32_t kHeaderBytes = sizeof(WireHeader);

// Bytes of the second message for `zeros` zeros in a message of `words` payload words: the
// smaller of the list (4 bytes a zero) and the mask (the payload's size); 0 without zeros.
inline std::uint64_t zeros_bytes(std::uint64_t zeros, std::uint64_t words) {
  return zeros == 0 ? 0 : std::min<std::uint64_t>(4 * zeros, 8 * words);
}
inline bool zeros_as_mask(std::uint64_t zeros, std::uint64_t words) {
  return zeros > 0 && 4 * zeros > 8 * words;
}

// Eight signs at once (SWAR, little-endian): the int8 values -1, 0, +1 are the bytes 0xFF, 0x00,
// 0x01, so bit 0 of a byte says "not 0" and bit 7 says "negative". Multiplying the bytes' low
// bits by kGather collects byte k's into bit k of the top byte (no carries: checked for all 256
// patterns by the round-trip test); spread_bits is the inverse.
inline constexpr std::uint64_t kLowBits = 0x0101010101010101ull;
inline constexpr std::uint64_t kGather = 0x0102040810204080ull;
inline constexpr bool kSwar = std::endian::native == std::endian::little;
// Bit k of b to bit 0 of byte k: copy b to every byte, keep bit k in byte k, then "+ 0x7F" sets
// a byte's bit 7 exactly when the kept bit is set (no carry leaves a byte).
inline std::uint64_t spread_bits(std::uint64_t b) {
  return (((((b & 0xFFu) * kLowBits) & 0x8040201008040201ull) + 0x7F7F7F7F7F7F7F7Full) >> 7) & kLowBits;
}

// Packs d signs (each -1, 0 or +1) into words_for(d) sign words and as many zero-mask words.
// Returns the number of zeros.
inline std::uint32_t pack_signs(const std::int8_t* s, std::uint32_t d, std::uint64_t* words,
                                std::uint64_t* zero_mask) {
  const std::uint64_t nw = words_for(d);
  std::uint32_t zeros = 0;
  for (std::uint64_t w = 0; w < nw; ++w) {
    const std::uint32_t base = static_cast<std::uint32_t>(w * kWordBits);
    const std::uint32_t m = std::min(d - base, kWordBits);
    std::uint64_t word = 0, zero = 0;
    if (kSwar && m == kWordBits) {
      for (std::uint32_t q = 0; q < 8; ++q) {
        std::uint64_t bytes;
        std::memcpy(&bytes, s + base + 8 * q, 8);
        const std::uint64_t plus = bytes & ~(bytes >> 7) & kLowBits, is_zero = ~bytes & kLowBits;
        word |= ((plus * kGather) >> 56) << (8 * q);
        zero |= ((is_zero * kGather) >> 56) << (8 * q);
      }
    } else {
      for (std::uint32_t b = 0; b < m; ++b) {
        word |= static_cast<std::uint64_t>(s[base + b] > 0) << b;
        zero |= static_cast<std::uint64_t>(s[base + b] == 0) << b;
      }
    }
    words[w] = word;
    zero_mask[w] = zero;
    zeros += static_cast<std::uint32_t>(std::popcount(zero));
  }
  return zeros;
}

// The zero list of a message from its mask (replicates r = 0..R-1 of d coordinates each).
inline void mask_to_list(const std::uint64_t* mask, std::uint32_t replicates, std::uint32_t d,
                         std::vector<std::uint32_t>& list) {
  const std::uint64_t nw = words_for(d);
  list.clear();
  for (std::uint32_t r = 0; r < replicates; ++r)
    for (std::uint64_t w = 0; w < nw; ++w)
      for (std::uint64_t z = mask[r * nw + w]; z; z &= z - 1)
        list.push_back(static_cast<std::uint32_t>(r * d + w * kWordBits + std::countr_zero(z)));
}

// The zero mask of a message from its list (mask has replicates * words_for(d) words).
inline void list_to_mask(const std::uint32_t* list, std::size_t count, std::uint32_t replicates,
                         std::uint32_t d, std::uint64_t* mask) {
  const std::uint64_t nw = words_for(d);
  std::fill(mask, mask + replicates * nw, std::uint64_t{0});
  for (std::size_t k = 0; k < count; ++k) {
    const std::uint32_t r = list[k] / d, i = list[k] % d;
    mask[r * nw + i / kWordBits] |= std::uint64_t{1} << (i % kWordBits);
  }
}

// Calls f(base, m, word, zero) for each 64-coordinate block of d: coordinates base..base+m-1,
// their sign word and zero-mask word. Inner loops over a block's bits with constant shifts
// vectorize; per-coordinate loops with a data-dependent branch do not (8 ns a coordinate).
template <class F>
inline void for_each_block(const std::uint64_t* words, const std::uint64_t* zero_mask, std::uint32_t d,
                           F&& f) {
  const std::uint64_t nw = words_for(d);
  for (std::uint64_t w = 0; w < nw; ++w) {
    const std::uint32_t base = static_cast<std::uint32_t>(w * kWordBits);
    f(base, std::min(d - base, kWordBits), words[w], zero_mask[w]);
  }
}

// One replicate's signs from its words and zero mask: +1 for bit 1, -1 for bit 0, 0 where the
// mask is set.
inline void unpack_signs(const std::uint64_t* words, const std::uint64_t* zero_mask, std::uint32_t d,
                         std::int8_t* s) {
  for_each_block(
      words, zero_mask, d, [s](std::uint32_t base, std::uint32_t m, std::uint64_t word, std::uint64_t zero) {
        if (kSwar && m == kWordBits) {
          for (std::uint32_t q = 0; q < 8; ++q) {
            const std::uint64_t plus = spread_bits(word >> (8 * q)), is_zero = spread_bits(zero >> (8 * q));
            const std::uint64_t bytes = (kLowBits | ((plus ^ kLowBits) * 0xFEu)) & ~(is_zero * 0xFFu);
            std::memcpy(s + base + 8 * q, &bytes, 8);
          }
          return;
        }
        for (std::uint32_t b = 0; b < m; ++b) {
          const int bit = static_cast<int>((word >> b) & 1u), z = static_cast<int>((zero >> b) & 1u);
          s[base + b] = static_cast<std::int8_t>((2 * bit - 1) * (1 - z));
        }
      });
}

// votes[i] = sum_j s_j[i] over n nodes' words and zero masks (masks[j] null: node j sent no
// zeros). Integers throughout, so the vote is exact (docs/components.md's "Distributed methods" table): with
// P nodes sending bit 1 and Z sending 0 at i, the other n - P - Z sent -1, so the vote is 2 P - n + Z. P and
// Z are counted eight coordinates at a time in byte lanes (spread_bits), emptied into 32-bit counts every 255
// nodes before a byte can overflow.
inline void count_votes(const std::uint64_t* const* words, const std::uint64_t* const* masks, int n,
                        std::uint32_t d, std::int32_t* votes) {
  const std::uint64_t nw = words_for(d);
  for (std::uint64_t w = 0; w < nw; ++w) {
    const std::uint32_t base = static_cast<std::uint32_t>(w * kWordBits);
    const std::uint32_t m = std::min(d - base, kWordBits);
    std::int32_t P[kWordBits] = {}, Z[kWordBits] = {};
    std::uint64_t p8[8] = {}, z8[8] = {};
    bool any_zero = false;
    const auto flush = [&] {
      for (std::uint32_t q = 0; q < 8; ++q) {
        for (std::uint32_t k = 0; k < 8; ++k)
          P[8 * q + k] += static_cast<std::int32_t>((p8[q] >> (8 * k)) & 0xFFu);
        if (any_zero)
          for (std::uint32_t k = 0; k < 8; ++k)
            Z[8 * q + k] += static_cast<std::int32_t>((z8[q] >> (8 * k)) & 0xFFu);
        p8[q] = z8[q] = 0;
      }
    };
    for (int j = 0; j < n; ++j) {
      const std::uint64_t word = words[j][w], zero = masks[j] ? masks[j][w] : 0;
      for (std::uint32_t q = 0; q < 8; ++q) p8[q] += spread_bits(word >> (8 * q));
      if (zero) {
        any_zero = true;
        for (std::uint32_t q = 0; q < 8; ++q) z8[q] += spread_bits(zero >> (8 * q));
      }
      if (j % 255 == 254) flush();
    }
    flush();
    for (std::uint32_t b = 0; b < m; ++b) votes[base + b] = 2 * P[b] - n + Z[b];
  }
}

// A 64-bit FNV-1a hash (the ranks compare their resolved specs by it at start).
inline std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace signrate::mpi
