#pragma once
// Counter-based random numbers (docs/architecture.md's "Reproducibility").
//
// Every random number is Philox4x32-10 (Random123) applied to
//   key     = derive_key(seed, replicate, node, stream)   (64 bits, fixed for a whole run)
//   counter = (step t, coordinate i, draw b, attempt a)    (four 32-bit words)
// so a number depends only on where it is used, never on which thread, tile or backend
// computed it. derive_key is itself one Philox call, a hash of (replicate, node, stream) under
// the 64-bit seed, so seeds use their full 64 bits and keys of different streams are unrelated.
#include <Random123/philox.h>

#include <cstdint>

#include "signrate/hd.hpp"
#include "signrate/hd_math.hpp"

namespace signrate {

// Streams keep independent uses of randomness apart (the key's third input).
enum class Stream : std::uint32_t {
  kOracleNoise = 0,   // the stochastic gradient's noise
  kUnbiasedSign = 1,  // S_R draws of the nodes
  kServer = 2,        // the server's randomness (MVSM v2)
  kProblemData = 3,   // random problem instances (low-rank factors)
  kSweep = 4,         // the seeds of a sweep's grid points
  kBootstrap = 5,     // the resampling of a fit's confidence intervals
};

struct RngKey {
  std::uint32_t k0 = 0, k1 = 0;
};

struct Bits4 {
  std::uint32_t v[4];
};

// Philox4x32-10, bit for bit r123::Philox4x32 (Random123's philox.h): ten rounds of
//   (c0, c1, c2, c3) <- (hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0))
// with M0 = 0xD2511F53, M1 = 0xCD9E8D57 and the key bumped by (0x9E3779B9, 0xBB67AE85) before
// every round after the first. tests/test_philox.cpp checks it against r123::Philox4x32.
//
// On the host the four words live in 64-bit variables whose upper halves stay zero, and each
// round forms one full 64-bit product M * c (hi and lo taken from it). GCC's vectorizer then
// keeps the whole computation in 64-bit lanes, the width Box-Muller's doubles use downstream,
// instead of shuffling between 32-bit words and widened 64-bit products (about twice the
// throughput in oracle_noise_tile). On a CUDA device Random123's own code (mul.hi.u32) is kept.
SIGNRATE_INLINE Bits4 philox(RngKey key, std::uint32_t c0, std::uint32_t c1, std::uint32_t c2,
                             std::uint32_t c3) {
#if defined(__CUDA_ARCH__)
  r123::Philox4x32 gen;
  const r123::Philox4x32::ctr_type ctr = {{c0, c1, c2, c3}};
  const r123::Philox4x32::key_type k = {{key.k0, key.k1}};
  const r123::Philox4x32::ctr_type out = gen(ctr, k);
  return Bits4{{out.v[0], out.v[1], out.v[2], out.v[3]}};
#else
  constexpr std::uint64_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // PHILOX_M4x32_0, _1
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // PHILOX_W32_0, _1
  constexpr std::uint64_t kLo = 0xffffffffu;
  std::uint64_t x0 = c0, x1 = c1, x2 = c2, x3 = c3;  // each < 2^32 throughout
  std::uint32_t k0 = key.k0, k1 = key.k1;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    const std::uint64_t p0 = kM0 * x0;  // < 2^64: the exact 32x32-bit product
    const std::uint64_t p1 = kM1 * x2;
    x0 = (p1 >> 32) ^ x1 ^ k0;
    x1 = p1 & kLo;
    x2 = (p0 >> 32) ^ x3 ^ k1;
    x3 = p0 & kLo;
  }
  return Bits4{{static_cast<std::uint32_t>(x0), static_cast<std::uint32_t>(x1),
                static_cast<std::uint32_t>(x2), static_cast<std::uint32_t>(x3)}};
#endif
}

// The key of one (seed, replicate, node, stream): a Philox hash of the last three under the seed.
SIGNRATE_INLINE RngKey derive_key(std::uint64_t seed, std::uint32_t replicate, std::uint32_t node,
                                  Stream stream) {
  constexpr std::uint32_t kDomainTag = 0x5349474eu;  // "SIGN": separates key derivation from draws
  const RngKey seed_key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  const Bits4 h = philox(seed_key, replicate, node, static_cast<std::uint32_t>(stream), kDomainTag);
  return RngKey{h.v[0], h.v[1]};
}

// Uniform in the open interval (0, 1) from 32 bits: (k + 1/2) / 2^32.
SIGNRATE_INLINE double uniform_open32(std::uint32_t k) {
  return (static_cast<double>(k) + 0.5) * 2.3283064365386963e-10;
}

// Uniform in the open interval (0, 1) on a grid of 2^B cells, B <= 52: (k + 1/2) / 2^B for the top
// B bits k of two words (k + 1/2 needs B + 1 <= 53 significant bits, so nothing rounds and the
// extremes are 2^-(B+1) and 1 - 2^-(B+1)). k < 2^52 becomes a double exactly as the bits of
// 2^52 + k minus 2^52 (the same value as a conversion, but with integer and float operations that
// vectorize without AVX-512's conversions).
template <int B>
SIGNRATE_INLINE double uniform_open_top(std::uint32_t hi, std::uint32_t lo) {
  static_assert(B >= 1 && B <= 52, "a double holds k + 1/2 exactly for k < 2^52");
  const std::uint64_t k = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> (64 - B);
  const double exact_k = hdm::from_bits(k | 0x4330000000000000ULL) - 4503599627370496.0;
  return (exact_k + 0.5) * hdm::pow2i(-B);
}

// The finest grid a double holds exactly: (k + 1/2) / 2^52, extremes 2^-53 and 1 - 2^-53.
SIGNRATE_INLINE double uniform_open52(std::uint32_t hi, std::uint32_t lo) {
  return uniform_open_top<52>(hi, lo);
}

// uniform_open52 rounded to the nearest float, for the heavy-tailed samplers' single-precision
// logarithm: every float in (0, 1) at or above 2^-53 with the probability of its rounding interval
// (so the small values that make the tails keep all 24 bits); values within 2^-25 of 1 round to
// 1, whose logarithm is 0.
SIGNRATE_INLINE float uniform_open52_f(std::uint32_t hi, std::uint32_t lo) {
  return static_cast<float>(uniform_open52(hi, lo));
}

// The same from the top 40 bits, (k + 1/2) / 2^40 rounded to float (extremes 2^-41 and 1), for
// Student-t, whose other 24 bits of the two words are its angle and sign.
SIGNRATE_INLINE float uniform_open40_f(std::uint32_t hi, std::uint32_t lo) {
  return static_cast<float>(uniform_open_top<40>(hi, lo));
}

// Two independent standard normals by Box-Muller from three words: a 52-bit radius uniform u and a
// 32-bit angle theta: z0 = sqrt(-2 log u) cos(theta), z1 = sqrt(-2 log u) sin(theta).
SIGNRATE_INLINE void normal_pair_from_bits(std::uint32_t r_hi, std::uint32_t r_lo, std::uint32_t angle,
                                           double* z0, double* z1) {
  const double u = uniform_open52(r_hi, r_lo);
  double s, c;
  hdm::sincos_turns(angle, &s, &c);
  const double radius = hdm::sqrt(-2.0 * hdm::log(u));
  *z0 = radius * c;
  *z1 = radius * s;
}

// One standard normal: the cosine half of the pair.
SIGNRATE_INLINE double normal_from_bits(std::uint32_t r_hi, std::uint32_t r_lo, std::uint32_t angle) {
  double z0, z1;
  normal_pair_from_bits(r_hi, r_lo, angle, &z0, &z1);
  return z0;
}

// Uniform in the open interval (0, 1) as a float from 32 bits: (k + 1/2) / 2^32 rounded to float
// (exact for k < 2^23, so the small values that make Box-Muller's tail are on the exact grid,
// the smallest being 2^-33), and at most 1 - 2^-24, the largest float below 1: the 128 words
// k >= 2^32 - 128 would round up to 1 otherwise and give a radius, and a normal draw, of exactly 0.
SIGNRATE_INLINE float uniform_open32_f(std::uint32_t k) {
  // Capped on the integer: k <= 2^32 - 129 rounds to at most 2^32 - 256 (2^32 - 128 is a tie that
  // rounds to even, 2^32), so u <= 1 - 2^-24 + 2^-33, which rounds to 1 - 2^-24.
  const std::uint32_t kc = k < 0xffffff7fu ? k : 0xffffff7fu;
  return static_cast<float>(kc) * 0x1.0p-32f + 0x1.0p-33f;
}

// Two independent standard normals by Box-Muller in single precision from two words: a 32-bit
// radius uniform and a 32-bit angle; the float results are converted (exactly) to double.
// The largest |z| is the radius at k = 0, sqrt(-2 log 2^-33) = 6.7638: the law is N(0, 1) cut
// at |z| = 6.7638, beyond which N(0, 1) has mass 1.35e-11. The smallest radius, at u = 1 - 2^-24,
// is 3.5e-4 (no draw is exactly 0 unless its angle is a quarter turn).
SIGNRATE_INLINE void normal_pair_f_from_bits(std::uint32_t radius_bits, std::uint32_t angle, double* z0,
                                             double* z1) {
  float s, c;
  hdm::sincos_turns_f(angle, &s, &c);
  const float radius = hdm::sqrtf(-2.0f * hdm::logf(uniform_open32_f(radius_bits)));
  *z0 = static_cast<double>(radius * c);
  *z1 = static_cast<double>(radius * s);
}

}  // namespace signrate
