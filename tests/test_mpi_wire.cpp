// The wire format of signrate-mpi (signrate/mpi/wire.hpp): the documented bit order, round trips of
// signs with zeros in both zero forms, and votes from packed words equal to the plain integer sum.
// Pure functions: these run in every build, with or without MPI.
#include <gtest/gtest.h>

#include <random>

#include "signrate/mpi/wire.hpp"

namespace signrate::mpi {
namespace {

std::vector<std::int8_t> random_signs(std::uint32_t n, double p_zero, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::int8_t> s(n);
  for (auto& v : s) v = u(rng) < p_zero ? 0 : (u(rng) < 0.5 ? -1 : 1);
  return s;
}

TEST(MpiWire, BitOrderIsLeastSignificantFirst) {
  // Coordinates 0, 3 and 64 are +1, the rest -1: bits 0 and 3 of word 0, bit 0 of word 1.
  std::vector<std::int8_t> s(70, -1);
  s[0] = s[3] = s[64] = 1;
  std::vector<std::uint64_t> words(words_for(70)), mask(words.size());
  EXPECT_EQ(words.size(), 2u);
  EXPECT_EQ(pack_signs(s.data(), 70, words.data(), mask.data()), 0u);
  EXPECT_EQ(words[0], 0b1001u);
  EXPECT_EQ(words[1], 1u);  // the unused bits 70..127 stay 0
  EXPECT_EQ(mask[0], 0u);
  EXPECT_EQ(mask[1], 0u);
  EXPECT_EQ(words_for(1), 1u);
  EXPECT_EQ(words_for(64), 1u);
  EXPECT_EQ(words_for(65), 2u);
  EXPECT_EQ(kHeaderBytes, 16u);
}

TEST(MpiWire, RoundTripWithZerosAsListAndAsMask) {
  std::mt19937_64 rng(5);
  for (const std::uint32_t d : {1u, 63u, 64u, 65u, 200u}) {
    for (const double p_zero : {0.0, 0.01, 0.5}) {
      const std::uint32_t R = 3;
      const std::uint64_t W = words_for(d);
      const auto s = random_signs(R * d, p_zero, rng);
      std::vector<std::uint64_t> words(R * W), mask(R * W);
      std::uint64_t zeros = 0;
      for (std::uint32_t r = 0; r < R; ++r)
        zeros += pack_signs(s.data() + r * d, d, words.data() + r * W, mask.data() + r * W);
      std::uint64_t expected_zeros = 0;
      for (auto v : s) expected_zeros += v == 0;
      EXPECT_EQ(zeros, expected_zeros);
      // The list form, back to a mask, is the same mask.
      std::vector<std::uint32_t> list;
      mask_to_list(mask.data(), R, d, list);
      ASSERT_EQ(list.size(), zeros);
      EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
      std::vector<std::uint64_t> back(R * W, ~std::uint64_t{0});
      list_to_mask(list.data(), list.size(), R, d, back.data());
      EXPECT_EQ(back, mask);
      EXPECT_EQ(zeros_bytes(zeros, R * W), zeros == 0 ? 0 : std::min<std::uint64_t>(4 * zeros, 8 * R * W));
      EXPECT_EQ(zeros_as_mask(zeros, R * W), 4 * zeros > 8 * R * W);
      for (std::uint32_t r = 0; r < R; ++r) {
        std::vector<std::int8_t> out(d, 7);
        unpack_signs(words.data() + r * W, back.data() + r * W, d, out.data());
        EXPECT_TRUE(std::equal(out.begin(), out.end(), s.begin() + r * d)) << "d=" << d << " r=" << r;
      }
    }
  }
}

TEST(MpiWire, VotesFromWordsEqualTheIntegerSum) {
  std::mt19937_64 rng(9);
  for (const auto& [d, nodes] :
       {std::pair<std::uint32_t, int>{1, 5}, {64, 5}, {131, 5}, {70, 600}}) {  // 600: past 255
    const std::uint64_t W = words_for(d);
    std::vector<std::int32_t> direct(d, 0), packed(d, 7);
    std::vector<std::vector<std::uint64_t>> words(nodes, std::vector<std::uint64_t>(W)), masks = words;
    std::vector<const std::uint64_t*> w_ptr, m_ptr;
    for (int j = 0; j < nodes; ++j) {
      const auto s = random_signs(d, j == 2 ? 0.0 : 0.2, rng);
      for (std::uint32_t i = 0; i < d; ++i) direct[i] += s[i];
      const auto zeros = pack_signs(s.data(), d, words[j].data(), masks[j].data());
      w_ptr.push_back(words[j].data());
      m_ptr.push_back(zeros ? masks[j].data() : nullptr);  // null: no zeros
    }
    count_votes(w_ptr.data(), m_ptr.data(), nodes, d, packed.data());
    EXPECT_EQ(packed, direct) << "d=" << d;
  }
}

// The eight-at-a-time path against the bit-by-bit definition: every pattern of +1/-1 bits and
// zero bits in one byte of a block, at every byte position.
TEST(MpiWire, EightAtATimeMatchesBitByBit) {
  for (std::uint32_t plus = 0; plus < 256; ++plus)
    for (std::uint32_t zero = 0; zero < 256; ++zero) {
      std::vector<std::int8_t> s(64, 1);
      const std::uint32_t q = (plus + zero) % 8;
      for (std::uint32_t k = 0; k < 8; ++k) s[8 * q + k] = (zero >> k) & 1u ? 0 : ((plus >> k) & 1u ? 1 : -1);
      std::uint64_t word = 0, mask = 0;
      pack_signs(s.data(), 64, &word, &mask);
      for (std::uint32_t i = 0; i < 64; ++i) {
        ASSERT_EQ(sign_bit(&word, i), s[i] > 0) << plus << " " << zero << " " << i;
        ASSERT_EQ(sign_bit(&mask, i), s[i] == 0) << plus << " " << zero << " " << i;
      }
      std::vector<std::int8_t> out(64, 7);
      unpack_signs(&word, &mask, 64, out.data());
      ASSERT_EQ(out, s) << plus << " " << zero;
    }
}

TEST(MpiWire, SpecHashSeesEveryByte) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ull);
  EXPECT_NE(fnv1a("{\"d\":64}"), fnv1a("{\"d\":128}"));
}

}  // namespace
}  // namespace signrate::mpi
