// signrate::philox (a hand-written Philox4x32-10 shaped for the vectorizer) against Random123's
// own r123::Philox4x32: the published known answers, and bit-identical output on 10^6 random
// (counter, key) pairs and on the counter patterns the engine uses.
#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "signrate/oracle_law.hpp"
#include "signrate/rng.hpp"

namespace {

using signrate::Bits4;
using signrate::RngKey;

r123::Philox4x32::ctr_type reference(RngKey key, std::uint32_t c0, std::uint32_t c1, std::uint32_t c2,
                                     std::uint32_t c3) {
  const r123::Philox4x32 gen;
  const r123::Philox4x32::ctr_type ctr = {{c0, c1, c2, c3}};
  const r123::Philox4x32::key_type k = {{key.k0, key.k1}};
  return gen(ctr, k);
}

void expect_same(RngKey key, std::uint32_t c0, std::uint32_t c1, std::uint32_t c2, std::uint32_t c3) {
  const Bits4 got = signrate::philox(key, c0, c1, c2, c3);
  const auto want = reference(key, c0, c1, c2, c3);
  for (int w = 0; w < 4; ++w) {
    ASSERT_EQ(got.v[w], want.v[w]) << "word " << w << " key " << key.k0 << ' ' << key.k1 << " ctr " << c0
                                   << ' ' << c1 << ' ' << c2 << ' ' << c3;
  }
}

// Random123's examples/kat_vectors, the "philox4x32 10" lines: counter (4 words), key (2), output (4).
TEST(Philox, KnownAnswers) {
  struct Kat {
    std::uint32_t ctr[4], key[2], out[4];
  };
  const Kat kats[] = {
      {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u},
       {0x00000000u, 0x00000000u},
       {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
       {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const Kat& k : kats) {
    const RngKey key{k.key[0], k.key[1]};
    const Bits4 got = signrate::philox(key, k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]);
    const auto ref = reference(key, k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]);
    for (int w = 0; w < 4; ++w) {
      EXPECT_EQ(got.v[w], k.out[w]) << "word " << w;
      EXPECT_EQ(ref.v[w], k.out[w]) << "word " << w;
    }
  }
}

TEST(Philox, MatchesRandom123OnRandomInputs) {
  std::mt19937_64 gen(0x5349474e50484c58ull);
  for (int n = 0; n < 1000000; ++n) {
    const std::uint64_t a = gen(), b = gen(), c = gen();
    expect_same(RngKey{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32)},
                static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(b >> 32),
                static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(c >> 32));
  }
}

// The engine's pattern: a fixed key, counter (t, k, b, 0) over consecutive k (the vectorized loop),
// plus the extremes of each word.
TEST(Philox, MatchesRandom123OnEngineCounters) {
  const RngKey key = signrate::derive_key(12345, 3, 1, signrate::Stream::kOracleNoise);
  for (std::uint32_t t : {0u, 1u, 77u, 0xffffffffu}) {
    for (std::uint32_t k = 0; k < 4099; ++k) expect_same(key, t, k, 0, 0);
    for (std::uint32_t k = 0xffffffffu - 100; k != 0; ++k) expect_same(key, t, k, 1, 0);
  }
  const std::uint32_t edges[] = {0u, 1u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu};
  for (std::uint32_t x : edges)
    for (std::uint32_t y : edges) {
      expect_same(RngKey{x, y}, x, y, y, x);
      expect_same(RngKey{y, x}, x, x, y, y);
    }
}

// The same calls from a plain loop over consecutive counters, which the compiler vectorizes (as in
// oracle_noise_tile), so the vector code path is checked too, not only the scalar one.
TEST(Philox, VectorizedLoopMatchesRandom123) {
  const RngKey key = signrate::derive_key(7, 0, 0, signrate::Stream::kOracleNoise);
  const std::uint32_t n = 10007;
  std::vector<std::uint32_t> out(4 * static_cast<std::size_t>(n));
  for (std::uint32_t t : {0u, 5u, 0xfffffff0u}) {
    for (std::uint32_t k = 0; k < n; ++k) {
      const Bits4 r = signrate::philox(key, t, k, 0, 0);
      out[4 * k] = r.v[0];
      out[4 * k + 1] = r.v[1];
      out[4 * k + 2] = r.v[2];
      out[4 * k + 3] = r.v[3];
    }
    for (std::uint32_t k = 0; k < n; ++k) {
      const auto want = reference(key, t, k, 0, 0);
      for (int w = 0; w < 4; ++w)
        ASSERT_EQ(out[4 * k + w], want.v[w]) << "t " << t << " k " << k << " word " << w;
    }
  }
}

// The engine's hot loop (Gaussian noise, batch 1): oracle_noise_tile against the float Box-Muller
// applied to r123::Philox4x32's bits in the documented layout (signrate/oracles/gaussian.hpp: coordinate
// 64 g + 16 j + m takes normal j of the call at counter 16 g + m), bit for bit, for tiles that
// start and end inside groups as well as on their edges.
TEST(Philox, GaussianTileMatchesRandom123) {
  const RngKey key = signrate::derive_key(11, 2, 0, signrate::Stream::kOracleNoise);
  const std::uint32_t d = 4001;
  std::vector<double> scale(d, 1.0), want(d), out(d);
  const signrate::OracleView view{{signrate::NoiseShape::kGaussian, 0.0, 1.0}, scale.data(), 1};
  for (std::uint32_t t : {1u, 999u}) {
    for (std::uint32_t g = 0; 64 * g < d; ++g)
      for (std::uint32_t m = 0; m < 16; ++m) {
        const auto r = reference(key, t, 16 * g + m, 0, 0);
        double z[4];
        signrate::normal_pair_f_from_bits(r.v[0], r.v[1], &z[0], &z[1]);
        signrate::normal_pair_f_from_bits(r.v[2], r.v[3], &z[2], &z[3]);
        for (std::uint32_t j = 0; j < 4; ++j)
          if (64 * g + 16 * j + m < d) want[64 * g + 16 * j + m] = z[j];
      }
    for (std::uint32_t block : {d, 256u, 64u, 24u, 8u, 100u, 1u}) {
      for (std::uint32_t i0 = 0; i0 < d; i0 += block)
        signrate::oracle_noise_tile(view, key, t, i0, std::min(block, d - i0), out.data() + i0);
      for (std::uint32_t i = 0; i < d; ++i)
        ASSERT_EQ(out[i], want[i]) << "t " << t << " block " << block << " i " << i;
    }
  }
}

}  // namespace
