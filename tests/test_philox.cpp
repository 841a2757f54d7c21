// signrate::philox (a hand-written Philox4x32-10 shaped for the vectorizer) against Random123's
// own r123::Philox4x32: the published known answers, and bit-identical output on 10^6 random
// (counter, key) pairs and on the counter patterns the engine uses.
#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

// Every other law against its documented layout and formula (signrate/oracles/<law>.hpp), computed
// here in long double from r123::Philox4x32's words: exactly for the bounded laws, and within the
// stated float precision for Student-t, Lomax and lognormal, at coordinates across several groups
// (0 .. 999) and batch members 0 and 2. A wrong word, counter or bit order, or a wrong formula,
// fails it.
TEST(Philox, EveryLawFollowsItsDocumentedLayoutAndFormula) {
  using signrate::NoiseLaw;
  using signrate::NoiseShape;
  const RngKey key = signrate::derive_key(5, 1, 0, signrate::Stream::kOracleNoise);
  const long double kTwoPi = 6.283185307179586476925286766559L;
  const auto u52 = [](std::uint32_t hi, std::uint32_t lo) {  // (k + 1/2) / 2^52, k the top 52 bits
    return (static_cast<long double>(((static_cast<std::uint64_t>(hi) << 32) | lo) >> 12) + 0.5L) / 0x1.0p52L;
  };
  const auto draw = [&](NoiseShape shape, double param, std::uint32_t t, std::uint32_t i, std::uint32_t b) {
    return signrate::standard_draw(NoiseLaw{shape, param, 1.0}, key, t, i, b);
  };
  for (std::uint32_t t : {1u, 4321u})
    for (std::uint32_t b : {0u, 2u})
      for (std::uint32_t i = 0; i < 1000; ++i) {
        SCOPED_TRACE("t " + std::to_string(t) + " b " + std::to_string(b) + " i " + std::to_string(i));
        // Four words per call: coordinate 64 g + 16 q + m takes word q of call 16 g + m.
        const std::uint32_t w = reference(key, t, 16 * (i / 64) + i % 16, b, 0).v[(i / 16) % 4];
        const long double u32 = (w + 0.5L) / 0x1.0p32L;
        EXPECT_DOUBLE_EQ(draw(NoiseShape::kUniform, 0, t, i, b),
                         static_cast<double>((2 * u32 - 1) * std::sqrt(3.0L)));
        EXPECT_EQ(draw(NoiseShape::kTwoPoint, 0.2, t, i, b), u32 < 0.2L ? 1.0 : -0.2 / 0.8);
        // One bit per coordinate: coordinate 128 g + 32 q + k is bit k of word q of call g.
        const std::uint32_t rw = reference(key, t, i / 128, b, 0).v[(i / 32) % 4];
        EXPECT_EQ(draw(NoiseShape::kRademacher, 0, t, i, b), ((rw >> (i % 32)) & 1u) ? 1.0 : -1.0);
        // Bimodal: the Gaussian of coordinate i plus +-m by bit i % 32 of word (i / 32) % 2 of call
        // (t, i / 64, b, 1).
        const std::uint32_t bw = reference(key, t, i / 64, b, 1).v[(i / 32) % 2];
        const double z = draw(NoiseShape::kGaussian, 0, t, i, b);
        EXPECT_EQ(draw(NoiseShape::kBimodal, 0.6, t, i, b),
                  (((bw >> (i % 32)) & 1u) ? 0.6 : -0.6) + std::sqrt(1.0 - 0.6 * 0.6) * z);
        // Lomax: two coordinates per call, 64 g + 32 h + m takes words 2h, 2h + 1 of call 32 g + m
        // (U from their top 52 bits, the sign from bit 0 of word 2h + 1).
        const auto rl = reference(key, t, 32 * (i / 64) + i % 32, b, 0);
        const std::uint32_t h = (i / 32) % 2;
        const long double ul = u52(rl.v[2 * h], rl.v[2 * h + 1]);
        for (double alpha : {0.1, 3.0}) {
          const long double l = std::pow(ul, -1.0L / alpha) - 1;
          const long double want = (rl.v[2 * h + 1] & 1u) ? l : -l;
          // The stated precision (lomax.hpp): ln U to 6e-8 (the float U) plus a relative 2.1e-7, so
          // L + 1 to a relative 6e-8 / alpha + 1.5e-7 y, then 3e-7.
          const long double y = -std::log2(ul) / alpha;
          EXPECT_NEAR(draw(NoiseShape::kLomax, alpha, t, i, b), want,
                      (l + 1) * (6e-8 / alpha + 1.5e-7 * y) + 3e-7 * std::fabs(want) + 6e-8 / alpha);
        }
        // Student-t: the calls and words of Lomax; W from the top 40 bits of hi:lo, |cos theta| =
        // cos(pi x / 2) at x = (j + 1/2) / 2^23 from bits 0-22 of lo, the sign from bit 23.
        const std::uint32_t lo = rl.v[2 * h + 1];
        const long double u =
            (static_cast<long double>(((static_cast<std::uint64_t>(rl.v[2 * h]) << 32) | lo) >> 24) + 0.5L) /
            0x1.0p40L;
        const long double x = ((lo & 0x7fffffu) + 0.5L) / 0x1.0p23L;
        for (double nu : {0.25, 3.0}) {
          const long double radius = std::sqrt(nu * (std::pow(u, -2.0L / nu) - 1));
          const long double cos_abs = std::cos(kTwoPi / 4 * x);
          const long double want = ((lo >> 23) & 1u) ? radius * cos_abs : -radius * cos_abs;
          // As Lomax's (student_t.hpp): W^(-2/nu) = 2^y to a relative 1.2e-7 / nu + 1.5e-7 y, half of
          // that (times (r^2 + nu) / r^2) in the radius r, then the cosine's 1.6e-7 and 3e-7.
          const long double y = -2 * std::log2(u) / nu;
          EXPECT_NEAR(
              draw(NoiseShape::kStudentT, nu, t, i, b), want,
              (radius + nu / radius) * (6e-8 / nu + 7.5e-8 * y) + 3e-7 * radius * cos_abs + 1.6e-7 * radius);
        }
        // Lognormal: two coordinates per call, 32 g + m the cosine and 32 g + 16 + m the sine of call
        // 16 g + m (radius from words 0-1, angle word 2).
        const auto c = reference(key, t, 16 * (i / 32) + i % 16, b, 0);
        const long double rad = std::sqrt(-2 * std::log(u52(c.v[0], c.v[1])));
        const long double angle = kTwoPi * (c.v[2] / 0x1.0p32L);
        const long double zl = rad * ((i / 16) % 2 ? std::sin(angle) : std::cos(angle));
        for (double s : {0.5, 2.0}) {
          const long double e = std::exp(s * zl);
          EXPECT_NEAR(draw(NoiseShape::kLognormal, s, t, i, b), e - std::exp(s * s / 2.0L),
                      e * (5e-7 + s * (3e-7 * rad + 7e-8 / rad)));  // z to 3e-7 rad + 7e-8 / rad
        }
      }
}

// Student-t's documented tail cut (student_t.hpp): the 40-bit uniform spans [2^-41, 1] (words all
// zero and all one), so the largest |T| is sqrt(nu (2^(82/nu) - 1)) times cos(pi 2^-24 / 2), taken
// with the sign of bit 23 of the low word; W rounded to 1 gives exactly 0. A W from 52 bits, or the
// sign from another bit, fails it.
TEST(Philox, StudentTLargestDrawIsTheDocumentedCut) {
  EXPECT_EQ(signrate::uniform_open40_f(0, 0), 0x1.0p-41f);
  EXPECT_EQ(signrate::uniform_open40_f(0, 0xffffffu), 0x1.0p-41f);  // the low 24 bits are not W's
  EXPECT_EQ(signrate::uniform_open40_f(0, 0x01000000u), 3 * 0x1.0p-41f);
  EXPECT_EQ(signrate::uniform_open40_f(0xffffffffu, 0xffffffffu), 1.0f);
  const long double kHalfPi = 1.5707963267948966192313216916397514L;
  for (double nu : {0.25, 3.0, 30.0}) {
    const signrate::laws::StudentTLaw law(nu);
    const long double largest =
        std::sqrt(nu * (std::pow(2.0L, 82.0L / nu) - 1)) * std::cos(kHalfPi * 0x1.0p-24L);
    const double positive = law.from_words(0, 1u << 23), negative = law.from_words(0, 0);
    EXPECT_NEAR(positive, largest, 5e-7 * largest) << nu;
    EXPECT_EQ(negative, -positive) << nu;
    EXPECT_EQ(law.from_words(0xffffffffu, 0xffffffffu), 0.0) << nu;
  }
}

}  // namespace
