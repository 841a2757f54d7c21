// E S_R(v) = v/R (docs/theory.md, "The unbiased sign S_R"): exactly on the 53-bit grid, and statistically.
#include <gtest/gtest.h>

#include <cmath>

#include "signrate/unbiased_sign.hpp"

namespace signrate {
namespace {

// The exact P(S_R(v) = +1) of the implementation: the number of grid points (k + 1/2)/2^52 below
// p = 1/2 + v/(2R), over 2^52. It must equal p within 2^-53.
TEST(UnbiasedSign, ExactProbabilityOnTheGrid) {
  for (double v : {-1.0, -0.73, -0.25, 0.0, 1e-9, 0.5, 0.999, 1.0}) {
    const double R = 1.0;
    const double p = 0.5 + v / (2 * R);
    const double two52 = 4503599627370496.0;
    // k + 1/2 < p 2^52  <=>  k < p 2^52 - 1/2: count = ceil(p 2^52 - 1/2), clamped to [0, 2^52].
    const double count = std::min(two52, std::max(0.0, std::ceil(p * two52 - 0.5)));
    EXPECT_NEAR(2 * count / two52 - 1, v / R, 5e-16) << "v=" << v;
    // The boundary grid points are classified as the count says.
    if (count > 0 && count < two52) {
      const auto k = static_cast<std::uint64_t>(count - 1) << 12;  // last k with +1
      EXPECT_EQ(unbiased_sign_bits(v, R, static_cast<std::uint32_t>(k >> 32), static_cast<std::uint32_t>(k)),
                1.0);
      const auto k2 = static_cast<std::uint64_t>(count) << 12;  // first k with -1
      EXPECT_EQ(
          unbiased_sign_bits(v, R, static_cast<std::uint32_t>(k2 >> 32), static_cast<std::uint32_t>(k2)),
          -1.0);
    }
  }
}

TEST(UnbiasedSign, MeanIsVOverRStatistically) {
  // n = 400000 draws per value; the mean's standard error is at most 1/sqrt(n) = 1.6e-3, and the
  // test allows 5 standard errors (false-alarm rate 6e-7 per value, fixed seed).
  const RngKey key = derive_key(7, 0, 0, Stream::kUnbiasedSign);
  const std::uint32_t n = 400000;
  for (double v : {-2.0, -0.5, 0.0, 1.3, 3.0}) {
    const double R = 3.0;
    double sum = 0;
    for (std::uint32_t k = 0; k < n; ++k) {
      const Bits4 r = philox(key, k, 0, 0, 0);
      sum += unbiased_sign(v, R, r.v[0], r.v[1]);
    }
    const double mean = sum / n;
    const double sd = std::sqrt(1 - (v / R) * (v / R));
    EXPECT_NEAR(mean, v / R, 5 * sd / std::sqrt(n) + 1e-12) << "v=" << v;
  }
}

TEST(UnbiasedSign, OutsideTheRangeIsAnError) {
  EXPECT_THROW(unbiased_sign(1.5, 1.0, 0, 0), RunError);
  EXPECT_THROW(unbiased_sign(-1.0000001, 1.0, 0, 0), RunError);
  EXPECT_THROW(unbiased_sign(std::nan(""), 1.0, 0, 0), RunError);
  EXPECT_THROW(unbiased_sign(0.5, 0.0, 0, 0), SpecError);
  try {
    unbiased_sign(2.5, 2.0, 0, 0);
    FAIL() << "no error";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("2.5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("R = 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(unbiased_sign(1.0, 1.0, 0xffffffffu, 0xffffffffu), 1.0);  // v = R: always +1
  EXPECT_EQ(unbiased_sign(-1.0, 1.0, 0u, 0u), -1.0);                  // v = -R: always -1
}

}  // namespace
}  // namespace signrate
