// Accuracy of the portable elementary functions in include/signrate/hd_math.hpp against <cmath>
// (glibc's log and exp are within 1 ulp of the true value, so "within 2 ulp of std::" bounds the
// portable version's error at about 3 ulp even in the worst case) and exactness of sincos_turns at
// the quadrant boundaries. Deterministic: every test point comes from a fixed splitmix64 sequence,
// so there is no false-alarm rate to state.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "signrate/hd_math.hpp"

namespace signrate {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): a fixed, portable sequence of test points.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }

 private:
  std::uint64_t state_;
};

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
  EXPECT_EQ(ulp_distance(-std::numeric_limits<double>::denorm_min(),
                         std::numeric_limits<double>::denorm_min()),
            2u);
}

// Checks hdm::log(x) against std::log(x); returns the largest distance seen.
std::uint64_t check_log(const std::vector<double>& xs) {
  std::uint64_t worst = 0;
  for (double x : xs) {
    const double got = hdm::log(x);
    const double want = std::log(x);
    const std::uint64_t d = ulp_distance(got, want);
    EXPECT_LE(d, kMaxUlp) << "log(" << std::hexfloat << x << ") = " << got << ", std::log gives "
                          << want << std::defaultfloat;
    worst = std::max(worst, d);
  }
  return worst;
}

TEST(HdMathLog, WithinTwoUlpAcrossTheWholeRange) {
  SplitMix rng(1);
  std::vector<double> xs;
  // Log-uniform over (1e-300, 1e300).
  for (int k = 0; k < 200000; ++k) xs.push_back(std::pow(10.0, rng.uniform(-300.0, 300.0)));
  // Random bit patterns of every normal exponent in range, so each binade is hit.
  for (int e = -996; e <= 996; ++e)
    for (int k = 0; k < 20; ++k)
      xs.push_back(std::ldexp(1.0 + rng.unit(), e));
  check_log(xs);
}

TEST(HdMathLog, WithinTwoUlpOnTheUnitInterval) {
  // The samplers take log of uniforms in (0, 1): cover it densely, near 0, and near 1 where
  // log(x) ~ x - 1 is small and cancellation would show.
  SplitMix rng(2);
  std::vector<double> xs;
  for (int k = 0; k < 300000; ++k) xs.push_back(1.0 - rng.unit());  // (0, 1]
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
        << "exp(" << std::hexfloat << x << ") = " << got << ", std::exp gives " << want
        << std::defaultfloat;
  }
}

TEST(HdMathExp, WithinTwoUlpOnMinus700To700) {
  SplitMix rng(3);
  std::vector<double> xs;
  for (int k = 0; k < 300000; ++k) xs.push_back(rng.uniform(-700.0, 700.0));
  // Small arguments (the samplers' exp(-log(u)/alpha) and exp(s z) live here), both signs.
  for (int k = 0; k < 50000; ++k) {
    const double mag = std::pow(10.0, rng.uniform(-20.0, 1.0));
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
  for (int k = 0; k < 20000; ++k) xs.push_back(rng.uniform(700.0, 709.78));
  for (int k = 0; k < 20000; ++k) xs.push_back(rng.uniform(-745.0, -700.0));
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

TEST(HdMathPow2i, ExactPowersOfTwo) {
  for (int k = -1022; k <= 1023; ++k) EXPECT_EQ(hdm::pow2i(k), std::ldexp(1.0, k)) << k;
}

}  // namespace
}  // namespace signrate
