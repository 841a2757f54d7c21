// Accuracy of the portable elementary functions in include/signrate/hd_math.hpp against <cmath>
// (glibc's log and exp are within 1 ulp of the true value, so "within 2 ulp of std::" bounds the
// portable version's error at about 3 ulp even in the worst case) and exactness of sincos_turns at
// the quadrant boundaries. The single-precision functions of the Gaussian sampler are checked
// against the double-precision std:: results rounded to float (correctly rounded floats, except
// in double-rounding cases far rarer than the tests' points), and the float Box-Muller's range:
// its largest |z| and the normal tail mass it leaves out. Deterministic: every test point comes from a fixed
// splitmix64 sequence, so there is no false-alarm rate to state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "signrate/hd_math.hpp"
#include "signrate/rng.hpp"
#include "test_points.hpp"

namespace signrate {
namespace {

using testing_points::SplitMix;

// Distance in units in the last place: the number of doubles between a and b, counted on the
// monotone integer line that IEEE 754 bit patterns form (negative values mirrored below zero).
std::uint64_t ulp_distance(double a, double b) {
  const auto ordered = [](double x) -> std::int64_t {
    const std::uint64_t bits = hdm::bits_of(x);
    const auto magnitude = static_cast<std::int64_t>(bits & 0x7fffffffffffffffULL);
    return (bits >> 63) ? -magnitude : magnitude;
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

constexpr std::uint64_t kMaxUlp = 2;

TEST(HdMathUlp, DistanceCountsRepresentableDoubles) {
  EXPECT_EQ(ulp_distance(1.0, 1.0), 0u);
  EXPECT_EQ(ulp_distance(1.0, std::nextafter(1.0, 2.0)), 1u);
  EXPECT_EQ(ulp_distance(1.0, std::nextafter(std::nextafter(1.0, 0.0), 0.0)), 2u);
  EXPECT_EQ(ulp_distance(0.0, -0.0), 0u);
  EXPECT_EQ(
      ulp_distance(-std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::denorm_min()),
      2u);
}

// Checks hdm::log(x) against std::log(x); returns the largest distance seen.
std::uint64_t check_log(const std::vector<double>& xs) {
  std::uint64_t worst = 0;
  for (double x : xs) {
    const double got = hdm::log(x);
    const double want = std::log(x);
    const std::uint64_t d = ulp_distance(got, want);
    EXPECT_LE(d, kMaxUlp) << "log(" << std::hexfloat << x << ") = " << got << ", std::log gives " << want
                          << std::defaultfloat;
    worst = std::max(worst, d);
  }
  return worst;
}

TEST(HdMathLog, WithinTwoUlpAcrossTheWholeRange) {
  SplitMix rng(1);
  std::vector<double> xs;
  // Log-uniform over (1e-300, 1e300).
  for (int k = 0; k < 200000; ++k) xs.push_back(std::pow(10.0, rng.between(-300.0, 300.0)));
  // Random bit patterns of every normal exponent in range, so each binade is hit.
  for (int e = -996; e <= 996; ++e)
    for (int k = 0; k < 20; ++k) xs.push_back(std::ldexp(1.0 + rng.unit(), e));
  check_log(xs);
}

TEST(HdMathLog, WithinTwoUlpOnTheUnitInterval) {
  // The samplers take log of uniforms in (0, 1): cover it densely, near 0, and near 1 where
  // log(x) ~ x - 1 is small and cancellation would show.
  SplitMix rng(2);
  std::vector<double> xs;
  for (int k = 0; k < 300000; ++k) xs.push_back(1.0 - rng.unit());                  // (0, 1]
  for (int k = 0; k < 50000; ++k) xs.push_back(std::pow(2.0, -53.0 * rng.unit()));  // near 1 in log scale
  for (int k = 0; k < 20000; ++k) xs.push_back(std::pow(2.0, -1022.0 * rng.unit()));
  // The 52-bit uniforms' extremes, 2^-53 and 1 - 2^-53.
  xs.push_back(0x1.0p-53);
  xs.push_back(1.0 - 0x1.0p-53);
  // Every double within 1000 ulp below 1, and points around sqrt(2)/2 where the mantissa folds.
  double x = 1.0;
  for (int k = 0; k < 1000; ++k) xs.push_back(x = std::nextafter(x, 0.0));
  x = std::sqrt(0.5);
  for (int k = 0; k < 200; ++k) x = std::nextafter(x, 0.0);
  for (int k = 0; k < 400; ++k) xs.push_back(x = std::nextafter(x, 1.0));
  x = std::sqrt(2.0);
  for (int k = 0; k < 200; ++k) x = std::nextafter(x, 0.0);
  for (int k = 0; k < 400; ++k) xs.push_back(x = std::nextafter(x, 2.0));
  check_log(xs);
}

TEST(HdMathLog, ExactAtPowersOfTwoAndOne) {
  EXPECT_EQ(hdm::log(1.0), 0.0);
  for (int e = -1000; e <= 1000; e += 37) {
    const double x = std::ldexp(1.0, e);
    EXPECT_LE(ulp_distance(hdm::log(x), std::log(x)), 1u) << "2^" << e;
  }
  EXPECT_LE(ulp_distance(hdm::log(2.0), 0.69314718055994530942), 1u);
}

// Checks hdm::exp(x) against std::exp(x).
void check_exp(const std::vector<double>& xs) {
  for (double x : xs) {
    const double got = hdm::exp(x);
    const double want = std::exp(x);
    EXPECT_LE(ulp_distance(got, want), kMaxUlp)
        << "exp(" << std::hexfloat << x << ") = " << got << ", std::exp gives " << want << std::defaultfloat;
  }
}

TEST(HdMathExp, WithinTwoUlpOnMinus700To700) {
  SplitMix rng(3);
  std::vector<double> xs;
  for (int k = 0; k < 300000; ++k) xs.push_back(rng.between(-700.0, 700.0));
  // Small arguments (the samplers' exp(-log(u)/alpha) and exp(s z) live here), both signs.
  for (int k = 0; k < 50000; ++k) {
    const double mag = std::pow(10.0, rng.between(-20.0, 1.0));
    xs.push_back(k % 2 ? mag : -mag);
  }
  // Around the reduction's half-integer multiples of ln 2, where k switches.
  for (int j = -1000; j <= 1000; ++j) {
    const double c = (j + 0.5) * 0.69314718055994530942;
    if (std::fabs(c) > 700.0) continue;
    xs.push_back(std::nextafter(c, -1e9));
    xs.push_back(c);
    xs.push_back(std::nextafter(c, 1e9));
  }
  xs.push_back(0.0);
  xs.push_back(-0.0);
  xs.push_back(700.0);
  xs.push_back(-700.0);
  check_exp(xs);
  EXPECT_EQ(hdm::exp(0.0), 1.0);
  EXPECT_LE(ulp_distance(hdm::exp(1.0), 2.71828182845904523536), 1u);
}

TEST(HdMathExp, WithinTwoUlpNearOverflowAndInTheSubnormalRange) {
  // Beyond the brief's [-700, 700]: the largest finite results and the gradual underflow, where
  // the two-step scaling by 2^k rounds once into the subnormal result.
  SplitMix rng(4);
  std::vector<double> xs;
  for (int k = 0; k < 20000; ++k) xs.push_back(rng.between(700.0, 709.78));
  for (int k = 0; k < 20000; ++k) xs.push_back(rng.between(-745.0, -700.0));
  check_exp(xs);
  EXPECT_TRUE(std::isfinite(hdm::exp(709.78)));
}

TEST(HdMathExp, OverflowUnderflowAndNan) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(hdm::exp(709.79), inf);
  EXPECT_EQ(hdm::exp(710.0), inf);
  EXPECT_EQ(hdm::exp(1e300), inf);
  EXPECT_EQ(hdm::exp(inf), inf);
  EXPECT_EQ(hdm::exp(-745.2), 0.0);
  EXPECT_EQ(hdm::exp(-1000.0), 0.0);
  EXPECT_EQ(hdm::exp(-1e300), 0.0);
  EXPECT_EQ(hdm::exp(-inf), 0.0);
  EXPECT_TRUE(std::isnan(hdm::exp(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(hdm::exp(-std::numeric_limits<double>::quiet_NaN())));
}

// Reference sin and cos of 2 pi k / 2^32 in long double (64-bit mantissa on x86; at worst the
// double functions where long double is double, whose error is still far below 1e-15).
void reference_sincos(std::uint32_t k, double* s, double* c) {
  constexpr long double kTwoPi = 6.283185307179586476925286766559005768L;
  const long double angle = kTwoPi * (static_cast<long double>(k) / 4294967296.0L);
  *s = static_cast<double>(std::sin(angle));
  *c = static_cast<double>(std::cos(angle));
}

constexpr double kSinCosTolerance = 1e-15;

void check_sincos(std::uint32_t k) {
  double s = 0, c = 0, rs = 0, rc = 0;
  hdm::sincos_turns(k, &s, &c);
  reference_sincos(k, &rs, &rc);
  EXPECT_NEAR(s, rs, kSinCosTolerance) << "sin at k=" << k;
  EXPECT_NEAR(c, rc, kSinCosTolerance) << "cos at k=" << k;
}

TEST(HdMathSinCosTurns, WithinOneEMinus15OfLongDoubleReference) {
  SplitMix rng(6);
  for (int n = 0; n < 300000; ++n) check_sincos(static_cast<std::uint32_t>(rng.next() >> 32));
  // Both sides of every octant boundary (where the kernel switches between sin and cos).
  for (std::uint64_t oct = 0; oct <= 8; ++oct) {
    const std::int64_t center = static_cast<std::int64_t>(oct << 29);
    for (std::int64_t dk = -300; dk <= 300; ++dk) {
      const std::int64_t k = center + dk;
      if (k < 0 || k > 0xffffffffLL) continue;
      check_sincos(static_cast<std::uint32_t>(k));
    }
  }
}

TEST(HdMathSinCosTurns, ExactAtQuarterTurns) {
  double s = 0, c = 0;
  hdm::sincos_turns(0u, &s, &c);
  EXPECT_EQ(s, 0.0);
  EXPECT_EQ(c, 1.0);
  hdm::sincos_turns(1u << 30, &s, &c);
  EXPECT_EQ(s, 1.0);
  EXPECT_EQ(c, 0.0);
  hdm::sincos_turns(1u << 31, &s, &c);
  EXPECT_EQ(s, 0.0);
  EXPECT_EQ(c, -1.0);
  hdm::sincos_turns(3u << 30, &s, &c);
  EXPECT_EQ(s, -1.0);
  EXPECT_EQ(c, 0.0);
}

TEST(HdMathSinCosTurns, QuarterTurnRotationIsExact) {
  // The quadrant comes from the integer's top bits, so adding a quarter turn permutes and negates
  // the same two kernel values bit for bit: sin(x + pi/2) = cos x, cos(x + pi/2) = -sin x.
  SplitMix rng(7);
  for (int n = 0; n < 100000; ++n) {
    const auto k = static_cast<std::uint32_t>(rng.next() >> 32);
    double s0, c0, s1, c1;
    hdm::sincos_turns(k, &s0, &c0);
    hdm::sincos_turns(k + (1u << 30), &s1, &c1);
    ASSERT_EQ(hdm::bits_of(s1), hdm::bits_of(c0)) << k;
    ASSERT_EQ(hdm::bits_of(c1), hdm::bits_of(-s0)) << k;
  }
}

TEST(HdMathSinCosTurns, StaysOnTheUnitCircle) {
  SplitMix rng(8);
  for (int n = 0; n < 100000; ++n) {
    const auto k = static_cast<std::uint32_t>(rng.next() >> 32);
    double s, c;
    hdm::sincos_turns(k, &s, &c);
    EXPECT_NEAR(s * s + c * c, 1.0, 4e-16) << k;
    EXPECT_LE(std::fabs(s), 1.0);
    EXPECT_LE(std::fabs(c), 1.0);
  }
}

// ---------------------------------------------------------------------------------------------
// Single precision (logf, sin_kernel_f / cos_kernel_f, sincos_turns_f) and the float Gaussian.

// Distance in float ulps, as ulp_distance for doubles.
std::uint32_t ulp_distance_f(float a, float b) {
  const auto ordered = [](float x) -> std::int64_t {
    const std::uint32_t bits = hdm::bits_of_f(x);
    const auto magnitude = static_cast<std::int64_t>(bits & 0x7fffffffu);
    return (bits >> 31) ? -magnitude : magnitude;
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return static_cast<std::uint32_t>(d < 0 ? -d : d);
}

constexpr std::uint32_t kMaxUlpF = 1;  // the float functions' stated bound against correct rounding

// Checks hdm::logf on the floats from bit pattern `first` to `last` (inclusive) in steps of
// `stride`; returns the largest relative error against the exact log (in double).
double check_logf_range(std::uint32_t first, std::uint32_t last, std::uint32_t stride) {
  double worst_rel = 0;
  std::uint32_t failures = 0;
  for (std::uint64_t b = first; b <= last; b += stride) {
    const float x = hdm::from_bits_f(static_cast<std::uint32_t>(b));
    const float got = hdm::logf(x);
    const double exact = std::log(static_cast<double>(x));
    if (ulp_distance_f(got, static_cast<float>(exact)) > kMaxUlpF && ++failures <= 5)
      ADD_FAILURE() << "logf(" << std::hexfloat << x << ") = " << got << ", log rounded to float is "
                    << static_cast<float>(exact) << std::defaultfloat;
    if (exact != 0) worst_rel = std::max(worst_rel, std::fabs((got - exact) / exact));
  }
  EXPECT_EQ(failures, 0u);
  return worst_rel;
}

TEST(HdMathLogf, WithinOneUlpOnEveryFloatOfTheSamplersDomain) {
  // The radius uniforms of the float Box-Muller lie in [2^-33, 1 - 2^-24]: every float of
  // [1/2, 1) and of [2^-33, 2^-32), and every 5th float of the 264 M in [2^-33, 1).
  double rel = check_logf_range(hdm::bits_of_f(0.5f), hdm::bits_of_f(1.0f) - 1, 1);
  rel = std::max(rel, check_logf_range(hdm::bits_of_f(0x1.0p-33f), hdm::bits_of_f(0x1.0p-32f) - 1, 1));
  rel = std::max(rel, check_logf_range(hdm::bits_of_f(0x1.0p-33f), hdm::bits_of_f(1.0f) - 1, 5));
  // The relative error the comments state: < 8.1e-8 (1 ulp of float is up to 1.19e-7).
  EXPECT_LT(rel, 8.1e-8);
  EXPECT_EQ(hdm::logf(1.0f), 0.0f);
}

TEST(HdMathLogf, WithinOneUlpAcrossTheWholeNormalRange) {
  // Every 7th float of [1, 2), and random mantissas in every binade of the normal range.
  check_logf_range(hdm::bits_of_f(1.0f), hdm::bits_of_f(2.0f) - 1, 7);
  SplitMix rng(9);
  for (int e = -126; e <= 127; ++e)
    for (int k = 0; k < 2000; ++k) {
      const auto b =
          static_cast<std::uint32_t>((e + 127) << 23) | static_cast<std::uint32_t>(rng.next() >> 41);
      check_logf_range(b, b, 1);
    }
  EXPECT_LE(ulp_distance_f(hdm::logf(0x1.fffffep127f), 88.7228390f), kMaxUlpF);
  EXPECT_LE(ulp_distance_f(hdm::logf(0x1.0p-126f), -87.3365448f), kMaxUlpF);
}

TEST(HdMathSinCosF, KernelsWithinOneUlpOnZeroToPiOver4) {
  // Every kernel argument sincos_turns_f can form, phi = float(u) * float(pi / 2^31) for
  // u = 0 .. 2^29 (step 1 up to 2^21, where float(u) is still exact, then every 61st).
  const float step = 1.46291807927e-09f;
  std::uint32_t failures = 0;
  for (std::uint32_t u = 0; u <= (1u << 29); u += (u < (1u << 21) ? 1u : 61u)) {
    const float phi = static_cast<float>(u) * step;
    const long double lphi = phi;
    const float s = hdm::sin_kernel_f(phi), c = hdm::cos_kernel_f(phi);
    const float rs = static_cast<float>(std::sin(lphi)), rc = static_cast<float>(std::cos(lphi));
    if ((ulp_distance_f(s, rs) > kMaxUlpF || ulp_distance_f(c, rc) > kMaxUlpF) && ++failures <= 5)
      ADD_FAILURE() << "phi " << std::hexfloat << phi << ": sin " << s << " vs " << rs << ", cos " << c
                    << " vs " << rc << std::defaultfloat;
  }
  EXPECT_EQ(failures, 0u);
  const float quarter = static_cast<float>(1u << 29) * step;  // pi/4 rounded
  EXPECT_LE(ulp_distance_f(hdm::sin_kernel_f(quarter),
                           static_cast<float>(std::sin(static_cast<long double>(quarter)))),
            kMaxUlpF);
}

// sincos_turns_f against the exact angle 2 pi k / 2^32 (long double): the kernel's 1 ulp plus the
// rounding of phi, at most 1.1e-7 in absolute terms.
constexpr double kSinCosFTolerance = 1.1e-7;

TEST(HdMathSinCosTurnsF, WithinOnePointOneEMinus7OfTheExactAngle) {
  SplitMix rng(10);
  double worst = 0;
  const auto check = [&](std::uint32_t k) {
    float s = 0, c = 0;
    double rs = 0, rc = 0;
    hdm::sincos_turns_f(k, &s, &c);
    reference_sincos(k, &rs, &rc);
    worst = std::max({worst, std::fabs(s - rs), std::fabs(c - rc)});
  };
  for (int n = 0; n < 1000000; ++n) check(static_cast<std::uint32_t>(rng.next() >> 32));
  for (std::uint64_t oct = 0; oct <= 8; ++oct)
    for (std::int64_t dk = -300; dk <= 300; ++dk) {
      const std::int64_t k = static_cast<std::int64_t>(oct << 29) + dk;
      if (k >= 0 && k <= 0xffffffffLL) check(static_cast<std::uint32_t>(k));
    }
  EXPECT_LT(worst, kSinCosFTolerance);
}

TEST(HdMathSinCosTurnsF, ExactAtQuarterTurnsAndUnderRotation) {
  float s = 0, c = 0;
  const std::uint32_t quarter[4] = {0u, 1u << 30, 1u << 31, 3u << 30};
  const float want_s[4] = {0.0f, 1.0f, 0.0f, -1.0f}, want_c[4] = {1.0f, 0.0f, -1.0f, 0.0f};
  for (int q = 0; q < 4; ++q) {
    hdm::sincos_turns_f(quarter[q], &s, &c);
    EXPECT_EQ(s, want_s[q]) << q;
    EXPECT_EQ(c, want_c[q]) << q;
  }
  SplitMix rng(11);
  for (int n = 0; n < 100000; ++n) {
    const auto k = static_cast<std::uint32_t>(rng.next() >> 32);
    float s0, c0, s1, c1;
    hdm::sincos_turns_f(k, &s0, &c0);
    hdm::sincos_turns_f(k + (1u << 30), &s1, &c1);
    ASSERT_EQ(hdm::bits_of_f(s1), hdm::bits_of_f(c0)) << k;
    ASSERT_EQ(hdm::bits_of_f(c1), hdm::bits_of_f(-s0)) << k;
    ASSERT_LE(std::fabs(s0), 1.0f);
    ASSERT_LE(std::fabs(c0), 1.0f);
  }
}

// The float Box-Muller radius of a 32-bit word: the cosine draw at angle 0 (cos = 1, sin = 0 exactly).
double float_radius(std::uint32_t k) {
  double z0 = 0, z1 = 0;
  normal_pair_f_from_bits(k, 0u, &z0, &z1);
  return z0;
}

TEST(HdMathGaussianFloat, UniformIsOnTheExactGridNearZeroAndBelowOne) {
  EXPECT_EQ(uniform_open32_f(0u), 0x1.0p-33f);
  for (std::uint32_t k : {1u, 2u, 12345u, (1u << 23) - 1})  // (k + 1/2) / 2^32 exactly
    EXPECT_EQ(static_cast<double>(uniform_open32_f(k)), (k + 0.5) * 0x1.0p-32) << k;
  // The largest words are capped at 1 - 2^-24 (none rounds to 1, which would give z = 0 exactly).
  for (std::uint32_t k : {0xffffff7fu, 0xffffff80u, 0xfffffff0u, 0xffffffffu})
    EXPECT_EQ(uniform_open32_f(k), 0x1.fffffep-1f) << k;
  EXPECT_EQ(uniform_open32_f(0xfffffe00u), 0x1.fffffcp-1f);  // 1 - 2^-23: the grid below the cap
  EXPECT_GT(float_radius(0xffffffffu), 3e-4);                // sqrt(-2 log(1 - 2^-24)) = 3.45e-4
}

// The tail: |z| <= radius(k) for every draw, the radius is largest at k = 0, and that radius is
// sqrt(-2 log 2^-33) = 6.7638 (to float precision), where N(0, 1) leaves out 2 Phi(-6.7638) = 1.34e-11.
TEST(HdMathGaussianFloat, LargestDrawIsTheRadiusOfTheSmallestUniform) {
  const double r_max = float_radius(0u);
  EXPECT_NEAR(r_max, std::sqrt(-2.0 * std::log(0x1.0p-33)), 1e-6);
  EXPECT_NEAR(r_max, 6.7638, 1e-4);
  double z0 = 0, z1 = 1;
  normal_pair_f_from_bits(0u, 0u, &z0, &z1);
  EXPECT_EQ(z1, 0.0);
  // Nonincreasing over every word whose uniform is exact (k < 2^23, u < 2^-9); beyond, u >= 2^-9
  // and the radius is at most sqrt(-2 log 2^-9) = 3.53 < r_max.
  double previous = r_max;
  for (std::uint32_t k = 1; k < (1u << 23); ++k) {
    const double r = float_radius(k);
    if (r > previous) {
      ADD_FAILURE() << "radius grows at k = " << k;
      break;
    }
    previous = r;
  }
  SplitMix rng(12);
  for (int n = 0; n < 200000; ++n) {
    const auto k = static_cast<std::uint32_t>((rng.next() >> 32) | (1u << 23));
    ASSERT_LT(float_radius(k), 3.54) << k;
  }
  // |z| = radius * |cos| or radius * |sin| <= radius: over random angles no draw exceeds r_max.
  for (int n = 0; n < 200000; ++n) {
    double a0, a1;
    normal_pair_f_from_bits(static_cast<std::uint32_t>(n % 4), static_cast<std::uint32_t>(rng.next()), &a0,
                            &a1);
    ASSERT_LE(std::fabs(a0), r_max);
    ASSERT_LE(std::fabs(a1), r_max);
  }
  // The true normal's mass beyond the cut: 2 Phi(-r_max) = erfc(r_max / sqrt 2).
  const double mass = std::erfc(r_max / std::sqrt(2.0));
  EXPECT_GT(mass, 1.3e-11);
  EXPECT_LT(mass, 1.4e-11);
}

// cos_quarter_f, Student-t's |cos theta|, within 1.6e-7 of cos(pi x / 2) at every x it receives,
// (2 j + 1) / 2^24 for j < 2^23, and 1 ulp from 1 at the first.
TEST(HdMathCosQuarterF, WithinOnePointSixEMinus7OnTheWholeGrid) {
  const long double kHalfPi = 1.5707963267948966192313216916397514L;
  double worst = 0;
  for (std::uint32_t j = 0; j < (1u << 23); ++j) {
    const float x = static_cast<float>(2 * j + 1) * 0x1.0p-24f;
    worst = std::max(worst, static_cast<double>(std::fabs(hdm::cos_quarter_f(x) - std::cos(kHalfPi * x))));
  }
  EXPECT_LT(worst, 1.6e-7);
  EXPECT_GT(worst, 3e-8);  // a float result: a bound far below float precision would be wrong
  EXPECT_EQ(hdm::cos_quarter_f(0.0f), 1.0f);
  EXPECT_LT(std::fabs(hdm::cos_quarter_f(1.0f)), 1.6e-7);
}

// ---------------------------------------------------------------------------------------------
// The wide power of two of the heavy-tailed samplers (Student-t, Lomax).

// The kernel 2^f - 1 on |f| <= 1/2 within 2.5e-7 of the true value, relatively, at every float of
// [2^-30, 1/2] and its negatives sampled densely (and exactly 0 at 0).
TEST(HdMathExp2Wide, KernelRelativeErrorBelow2Point5EMinus7) {
  EXPECT_EQ(hdm::exp2m1_kernel_f(0.0f), 0.0f);
  double worst = 0;
  for (float f = 0x1.0p-30f; f <= 0.5f; f = std::nextafter(f, 1.0f) + f * 1e-4f)
    for (float x : {f, -f}) {
      const double want = std::expm1(static_cast<double>(x) * std::log(2.0));
      worst = std::max(worst, std::fabs(hdm::exp2m1_kernel_f(x) - want) / std::fabs(want));
    }
  EXPECT_LT(worst, 2.5e-7);
  EXPECT_GT(worst, 1e-9);  // it is a float result: a bound far below float precision would be wrong
}

// 2^y over the samplers' whole range, y in [-100, 1000]: exact at the integers (2^f - 1 = 0 at
// f = 0), relative error below 2.6e-7.
TEST(HdMathExp2Wide, RelativeErrorOverTheSamplersRange) {
  for (int n = -100; n <= 1000; ++n) EXPECT_EQ(hdm::exp2_wide(n), std::ldexp(1.0, n)) << n;
  SplitMix rng(31);
  double worst = 0;
  for (int k = 0; k < 400000; ++k) {
    const double y = -100.0 + 1100.0 * static_cast<double>(rng.next() >> 11) * 0x1.0p-53;
    worst = std::max(worst, std::fabs(hdm::exp2_wide(y) / std::exp2(y) - 1.0));
  }
  EXPECT_LT(worst, 2.6e-7);
  EXPECT_GT(worst, 1e-9);  // a float's precision: a bound far below it would be wrong
}

TEST(HdMathPow2i, ExactPowersOfTwo) {
  for (int k = -1022; k <= 1023; ++k) EXPECT_EQ(hdm::pow2i(k), std::ldexp(1.0, k)) << k;
}

}  // namespace
}  // namespace signrate
