// The canonical summation order (canonical_sum.hpp): its exact tree on hand-computed cases, its
// independence from the tile size, and its accuracy against exact sums on adversarial inputs, next
// to the order it replaced (eight sequential lanes by i mod 8).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "signrate/canonical_sum.hpp"

namespace signrate {
namespace {

double sum_of(const std::vector<double>& v) {
  std::vector<double> chunks(sum_chunks(v.size()));
  return canonical_sum(
      v.size(), [&](std::uint64_t i) { return v[i]; }, chunks.data());
}

// The order before: lane i mod 8 summed left to right, lanes combined as a fixed tree.
double eight_lanes(const std::vector<double>& v) {
  double l[8] = {};
  for (std::size_t i = 0; i < v.size(); ++i) l[i % 8] += v[i];
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

__extension__ typedef __float128 Quad;  // binary128 (GCC, x86-64)

Quad fabsq_free(Quad x) { return x < 0 ? -x : x; }

// An exact reference: Neumaier's compensated sum in binary128, far below double's rounding.
double exact(const std::vector<double>& v) {
  Quad s = 0, c = 0;
  for (double x : v) {
    const Quad y = x, t = s + y;
    c += (fabsq_free(s) >= fabsq_free(y)) ? (s - t) + y : (y - t) + s;
    s = t;
  }
  return static_cast<double>(s + c);
}

TEST(CanonicalSum, FoldPairsJWithJPlusHalfThePaddedLength) {
  // n = 3 pads to 4: (v0 + v2) + v1. 1e16 + 1 rounds to 1e16, so the grouping is visible.
  std::vector<double> a = {1e16, 1.0, -1e16};
  EXPECT_EQ(fold_sum(a.data(), 3), 1.0);
  // n = 5 pads to 8: ((v0 + v4) + v2) + (v1 + v3).
  std::vector<double> b = {1e16, -1e16, 1.0, 1.0, -1e16};
  EXPECT_EQ(fold_sum(b.data(), 5), ((1e16 + -1e16) + 1.0) + (-1e16 + 1.0));
  std::vector<double> one = {-0.0};
  EXPECT_TRUE(std::signbit(fold_sum(one.data(), 1)));  // a single term is returned as it is
  EXPECT_EQ(fold_sum(nullptr, 0), 0.0);
}

TEST(CanonicalSum, ChunksOf32ThenTheirFold) {
  // Coordinate 32 opens the second chunk: the sum is chunk0 + chunk1, chunk0 = 1e16 + ... folded.
  std::vector<double> v(33, 0.0);
  v[0] = 1e16;
  v[16] = 1.0;  // paired with v[0] at h = 16: 1e16 + 1 -> 1e16
  v[1] = 1.0;   // then pairs with the result at h = 1
  v[32] = -1e16;
  const double chunk0 = (1e16 + 1.0) + 1.0;  // h = 16 first, then h = 1 (everything else is 0)
  EXPECT_EQ(sum_of(v), chunk0 + -1e16);
  EXPECT_EQ(kSumChunk, 32u);
}

TEST(CanonicalSum, TilesOfAnyMultipleOf32GiveTheSameBits) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(-1, 1);
  for (std::uint64_t d : {1u, 31u, 32u, 33u, 100u, 1000u, 4099u}) {
    std::vector<double> v(d);
    for (double& x : v) x = u(gen) * std::exp(20 * u(gen));
    const double want = sum_of(v);
    for (std::uint32_t block : {32u, 64u, 96u, 256u, 4096u}) {
      std::vector<double> chunks(sum_chunks(d));
      for (std::uint64_t i0 = 0; i0 < d; i0 += block) {
        const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(block, d - i0));
        tile_chunk_sums(
            n, [&](std::uint32_t j) { return v[i0 + j]; }, chunks.data() + i0 / kSumChunk);
      }
      EXPECT_EQ(fold_sum(chunks.data(), chunks.size()), want) << "d " << d << " block " << block;
    }
  }
}

// Accuracy, reported next to the eight-lane order. The pairwise bound: every term passes through
// at most 5 + ceil(log2 m) additions (m chunks), so |error| <= that many eps times sum |v_i|.
struct Input {
  const char* name;
  std::vector<double> v;
};

std::vector<Input> adversarial_inputs() {
  const std::size_t d = 1 << 20;
  std::vector<Input> in;
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> u(0, 1);
  Input same{"1 + tiny noise (same sign, the norms' case)", std::vector<double>(d)};
  for (double& x : same.v) x = 1.0 + 1e-3 * u(gen);
  in.push_back(same);
  Input growing{"increasing magnitudes 1 .. 2^40", std::vector<double>(d)};
  for (std::size_t i = 0; i < d; ++i) growing.v[i] = std::ldexp(1.0 + u(gen), static_cast<int>(40 * i / d));
  in.push_back(growing);
  Input squares{"squares of N(0,1)-like draws (||g||_2^2)", std::vector<double>(d)};
  std::normal_distribution<double> z(0, 1);
  for (double& x : squares.v) x = z(gen) * z(gen);
  in.push_back(squares);
  Input cancel{"alternating +-(1 + u), large cancellation", std::vector<double>(d)};
  for (std::size_t i = 0; i < d; ++i) cancel.v[i] = (i % 2 ? -1.0 : 1.0) * (1.0 + u(gen));
  in.push_back(cancel);
  return in;
}

TEST(CanonicalSum, WithinThePairwiseBoundAndNoWorseThanEightLanes) {
  constexpr double kEps = 0x1p-53;
  for (const Input& in : adversarial_inputs()) {
    double abs_sum = 0;
    for (double x : in.v) abs_sum += std::fabs(x);
    const double ref = exact(in.v), canon = sum_of(in.v), lanes = eight_lanes(in.v);
    const double m = static_cast<double>(sum_chunks(in.v.size()));
    const double bound = (5 + std::ceil(std::log2(m))) * kEps * abs_sum;
    const double e_canon = std::fabs(canon - ref), e_lanes = std::fabs(lanes - ref);
    std::printf("  %-48s relative error: canonical %.2e, eight lanes %.2e (bound %.2e)\n", in.name,
                e_canon / std::fabs(ref), e_lanes / std::fabs(ref), bound / std::fabs(ref));
    EXPECT_LE(e_canon, bound) << in.name;
    EXPECT_LE(e_canon, 2 * e_lanes + 4 * kEps * std::fabs(ref)) << in.name;
  }
}

}  // namespace
}  // namespace signrate
