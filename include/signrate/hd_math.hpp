#pragma once
// Portable elementary functions for the samplers: log, exp, and sin/cos of 2*pi*k/2^32.
//
// Why not <cmath>: glibc picks FMA or non-FMA variants of exp/log at run time by CPU, and CUDA's
// libdevice rounds differently again, so std::log would make the same seed give different noise
// on different machines or backends. These are fdlibm's algorithms (Sun Microsystems, 1993;
// e_log.c, e_exp.c, k_sin.c, k_cos.c) written with + - * / and sqrt only, which IEEE 754 rounds
// identically everywhere as long as contraction to FMA is off (the build passes
// -ffp-contract=off, and --fmad=false to nvcc). Accuracy: within 1-2 ulp of the true value,
// tested against std:: in tests/test_hd_math.cpp.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "signrate/hd.hpp"

namespace signrate::hdm {

SIGNRATE_INLINE std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

SIGNRATE_INLINE double from_bits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// x is neither infinite nor NaN (by its exponent bits, so no compiler flag can fold it away).
SIGNRATE_INLINE bool is_finite(double x) {
  return (bits_of(x) & 0x7ff0000000000000ULL) != 0x7ff0000000000000ULL;
}

// Square root: IEEE 754 requires it correctly rounded, so std::sqrt is the same on every backend.
SIGNRATE_INLINE double sqrt(double x) { return ::sqrt(x); }

// 2^k for -1022 <= k <= 1023, exactly.
SIGNRATE_INLINE double pow2i(int k) { return from_bits(static_cast<std::uint64_t>(k + 1023) << 52); }

// Natural logarithm of a positive normal double (fdlibm e_log.c, general branch).
// Inputs <= 0, subnormal, inf or NaN are outside the domain; the samplers never pass them.
SIGNRATE_INLINE double log(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                   kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                   kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                   kLg7 = 1.479819860511658591e-01;
  const std::uint64_t b = bits_of(x);
  int k = static_cast<int>((b >> 52) & 0x7ff) - 1023;
  // Mantissa m in [1, 2); fold to [sqrt(2)/2, sqrt(2)) so that f = m - 1 is small.
  // Branch-free (the fold is a coin flip for uniform inputs, so a branch would mispredict).
  std::uint64_t mb = (b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  const std::uint64_t fold = mb > 0x3ff6a09e667f3bccULL;  // m > sqrt(2): use m/2, k + 1
  mb -= fold << 52;
  k += static_cast<int>(fold);
  const double f = from_bits(mb) - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const double r = t2 + t1;
  const double hfsq = 0.5 * f * f;
  const double dk = static_cast<double>(k);
  return dk * kLn2Hi - ((hfsq - (s * (hfsq + r) + dk * kLn2Lo)) - f);
}

// e^x (fdlibm e_exp.c). Overflows to +inf above 709.78, underflows to 0 below -745.13.
SIGNRATE_INLINE double exp(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kP1 = 1.66666666666666019037e-01, kP2 = -2.77777777770155933842e-03,
                   kP3 = 6.61375632143793436117e-05, kP4 = -1.65339022054652515390e-06,
                   kP5 = 4.13813679705723846039e-08;
  if (x != x) return x;
  if (x > 7.09782712893383973096e+02) return from_bits(0x7ff0000000000000ULL);
  if (x < -7.45133219101941108420e+02) return 0.0;
  const int k = static_cast<int>(x * kInvLn2 + (x < 0 ? -0.5 : 0.5));
  const double dk = static_cast<double>(k);
  const double hi = x - dk * kLn2Hi;
  const double lo = dk * kLn2Lo;
  const double r = hi - lo;
  const double z = r * r;
  const double c = r - z * (kP1 + z * (kP2 + z * (kP3 + z * (kP4 + z * kP5))));
  const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  // Scale by 2^k in two exact steps so that k outside the normal exponent range still works.
  const int k1 = k / 2;
  return y * pow2i(k1) * pow2i(k - k1);
}

// sin and cos of |x| <= pi/4 (fdlibm k_sin.c / k_cos.c polynomials).
SIGNRATE_INLINE double sin_kernel(double x) {
  constexpr double kS1 = -1.66666666666666324348e-01, kS2 = 8.33333333332248946124e-03,
                   kS3 = -1.98412698298579493134e-04, kS4 = 2.75573137070700676789e-06,
                   kS5 = -2.50507602534068634195e-08, kS6 = 1.58969099521155010221e-10;
  const double z = x * x;
  return x + x * z * (kS1 + z * (kS2 + z * (kS3 + z * (kS4 + z * (kS5 + z * kS6)))));
}

SIGNRATE_INLINE double cos_kernel(double x) {
  constexpr double kC1 = 4.16666666666666019037e-02, kC2 = -1.38888888888741095749e-03,
                   kC3 = 2.48015872894767294178e-05, kC4 = -2.75573143513906633035e-07,
                   kC5 = 2.08757232129817482790e-09, kC6 = -1.13596475577881948265e-11;
  const double z = x * x;
  const double r = z * (kC1 + z * (kC2 + z * (kC3 + z * (kC4 + z * (kC5 + z * kC6)))));
  return 1.0 - (0.5 * z - z * r);
}

// Chooses a when pick is 1 and b when it is 0, without a branch.
SIGNRATE_INLINE double select_bits(std::uint64_t pick, double a, double b) {
  const std::uint64_t mask = 0 - pick;
  return from_bits((bits_of(a) & mask) | (bits_of(b) & ~mask));
}

// sin and cos of the angle 2*pi*(k / 2^32). The reduction to [0, pi/4] is done on the integer,
// so it is exact: the quadrant q from the top two bits, then reflection about pi/4 within the
// quadrant. With phi in [0, pi/4], s0 = sin(phi), c0 = cos(phi): the pair is (s0, c0) or
// (c0, s0) (swapped when exactly one of "reflected" and "q odd" holds), with the sign of sin
// flipped for q >= 2 and that of cos for q = 1, 2. Branch-free: every choice is a bit select.
SIGNRATE_INLINE void sincos_turns(std::uint32_t k, double* s, double* c) {
  constexpr double kPiOver2To31 = 1.4629180792671596e-09;  // pi / 2^31
  const std::uint32_t q = k >> 30;
  const std::uint32_t low = k & 0x3fffffffu;  // angle within the quadrant, in units of pi/2^31
  const std::uint32_t reflected = low >= 0x20000000u;
  const std::uint32_t units = reflected ? 0x40000000u - low : low;
  const double phi = static_cast<double>(units) * kPiOver2To31;
  const double s0 = sin_kernel(phi), c0 = cos_kernel(phi);
  const std::uint64_t swap = reflected ^ (q & 1u);
  const std::uint64_t negate_sin = q >> 1;
  const std::uint64_t negate_cos = (q ^ (q >> 1)) & 1u;  // q = 1 or 2
  *s = from_bits(bits_of(select_bits(swap, c0, s0)) ^ (negate_sin << 63));
  *c = from_bits(bits_of(select_bits(swap, s0, c0)) ^ (negate_cos << 63));
}

// ---------------------------------------------------------------------------------------------
// Single precision, for the Gaussian sampler's fast path (signrate/oracles/gaussian.hpp): twice the lanes
// of double per vector and no division. The same rules as above: + - * and sqrt only, no FMA
// contraction, no subnormal intermediate for the inputs the samplers pass, so IEEE 754 gives the
// same bits on every CPU and on a CUDA device. Accuracy (tests/test_hd_math.cpp): logf within
// 1 ulp of the correctly rounded log on the samplers' domain (relative error < 8.1e-8); the sin
// and cos kernels within 1 ulp on [0, pi/4]; sincos_turns_f within 1.1e-7 of the exact angle.

SIGNRATE_INLINE std::uint32_t bits_of_f(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

SIGNRATE_INLINE float from_bits_f(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// Correctly rounded, like the double square root.
SIGNRATE_INLINE float sqrtf(float x) { return ::sqrtf(x); }

// Natural logarithm of a positive normal float: Cephes logf (S. L. Moshier, 1984-2000): with
// x = 2^k m, m folded into [sqrt(2)/2, sqrt(2)) and f = m - 1 (exact),
//   log x = f - f^2/2 + f^3 P(f) + k ln 2,  ln 2 = 0.693359375 - 2.12194440e-4,
// a degree-8 polynomial and no division. Inputs <= 0, subnormal, inf or NaN are outside the domain.
SIGNRATE_INLINE float logf(float x) {
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;  // kLn2Hi * k is exact
  constexpr float kP0 = 7.0376836292e-2f, kP1 = -1.1514610310e-1f, kP2 = 1.1676998740e-1f,
                  kP3 = -1.2420140846e-1f, kP4 = 1.4249322787e-1f, kP5 = -1.6668057665e-1f,
                  kP6 = 2.0000714765e-1f, kP7 = -2.4999993993e-1f, kP8 = 3.3333331174e-1f;
  const std::uint32_t b = bits_of_f(x);
  int k = static_cast<int>((b >> 23) & 0xffu) - 127;
  // Mantissa m in [1, 2), folded branch-free as in log(double): m > sqrt(2) gives m/2, k + 1.
  std::uint32_t mb = (b & 0x007fffffu) | 0x3f800000u;
  const std::uint32_t fold = mb > 0x3fb504f3u;
  mb -= fold << 23;
  k += static_cast<int>(fold);
  const float f = from_bits_f(mb) - 1.0f;
  const float z = f * f;
  const float p =
      ((((((((kP0 * f + kP1) * f + kP2) * f + kP3) * f + kP4) * f + kP5) * f + kP6) * f + kP7) * f + kP8);
  const float dk = static_cast<float>(k);
  const float y = ((f * z) * p + dk * kLn2Lo) - 0.5f * z;
  return (f + y) + dk * kLn2Hi;
}

// 2^f - 1 for |f| <= 1/2: f times the Taylor polynomial of (2^f - 1)/f = sum_k ln2^k f^(k-1) / k!
// to k = 7 (the first term left out is below 1.6e-8 of the sum), in float. Relative error < 2.5e-7
// (tests/test_hd_math.cpp); accurate near 0, where 2^f - 1 is small.
SIGNRATE_INLINE float exp2m1_kernel_f(float f) {
  constexpr float kC1 = 6.931471806e-1f, kC2 = 2.402265070e-1f, kC3 = 5.550410866e-2f, kC4 = 9.618129108e-3f,
                  kC5 = 1.333355815e-3f, kC6 = 1.540353039e-4f, kC7 = 1.525273380e-5f;
  return f * (kC1 + f * (kC2 + f * (kC3 + f * (kC4 + f * (kC5 + f * (kC6 + f * kC7))))));
}

// 2^y as a double with a float's precision and a double's range, for |y| <= 1000 (the heavy-tailed
// samplers' powers reach 2^530): y = n + f with n the nearest integer and |f| <= 1/2, found by
// the round-to-nearest of adding 1.5 * 2^52 (exact for |y| < 2^51, no conversion instruction); then
// 2^y = 2^n (1 + (2^f - 1)), with 2^n built from its bits and 2^f - 1 from exp2m1_kernel_f.
// Relative error < 2.6e-7.
SIGNRATE_INLINE double exp2_wide(double y) {
  constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52: the sum's last bit is the unit
  const double shifted = y + kShift;
  const double n = shifted - kShift;
  // n as an integer from the sum's bits (the two are in one binade, so their bit patterns differ by n).
  const std::int64_t ni = static_cast<std::int64_t>(bits_of(shifted) - bits_of(kShift));
  const double pow2n = from_bits(static_cast<std::uint64_t>(ni + 1023) << 52);
  const double em1 = static_cast<double>(exp2m1_kernel_f(static_cast<float>(y - n)));  // a float's value
  return pow2n * (1.0 + em1);
}

// 2^y = 2^n (1 + em1) split in single precision, for 0 <= y < 2^22 (the heavy-tailed samplers' float
// exponents, at most 530): n the nearest integer (by the round-to-nearest of adding 1.5 * 2^23),
// f = y - n exact, |f| <= 1/2, and em1 = 2^f - 1 by exp2m1_kernel_f. The whole split stays in float
// lanes; the caller builds 2^n in a double's range with pow2i.
struct Exp2PartsF {
  std::int32_t n;
  float em1;
};

SIGNRATE_INLINE Exp2PartsF exp2_parts_f(float y) {
  constexpr float kShift = 12582912.0f;  // 1.5 * 2^23
  const float shifted = y + kShift;
  const float n = shifted - kShift;
  const std::int32_t ni = static_cast<std::int32_t>(bits_of_f(shifted) - bits_of_f(kShift));
  return Exp2PartsF{ni, exp2m1_kernel_f(y - n)};
}

// sin and cos of |x| <= pi/4 (Cephes sinf.c / cosf.c polynomials).
SIGNRATE_INLINE float sin_kernel_f(float x) {
  constexpr float kS1 = -1.6666654611e-1f, kS2 = 8.3321608736e-3f, kS3 = -1.9515295891e-4f;
  const float z = x * x;
  return x + (x * z) * (kS1 + z * (kS2 + z * kS3));
}

SIGNRATE_INLINE float cos_kernel_f(float x) {
  constexpr float kC1 = 4.166664568298827e-2f, kC2 = -1.388731625493765e-3f, kC3 = 2.443315711809948e-5f;
  const float z = x * x;
  return 1.0f - (0.5f * z - (z * z) * (kC1 + z * (kC2 + z * kC3)));
}

SIGNRATE_INLINE float select_bits_f(std::uint32_t pick, float a, float b) {
  const std::uint32_t mask = 0u - pick;
  return from_bits_f((bits_of_f(a) & mask) | (bits_of_f(b) & ~mask));
}

// sin and cos of 2*pi*(k / 2^32) in single precision: the exact integer reduction of sincos_turns
// (quadrant, reflection about pi/4), then the float kernels. Exact at the quarter turns.
SIGNRATE_INLINE void sincos_turns_f(std::uint32_t k, float* s, float* c) {
  constexpr float kPiOver2To31 = 1.46291807927e-09f;  // pi / 2^31
  const std::uint32_t q = k >> 30;
  const std::uint32_t low = k & 0x3fffffffu;
  const std::uint32_t reflected = low >> 29;  // low >= 2^29
  // units = reflected ? 2^30 - low : low, as bit operations (GCC leaves a branch in the loop else).
  const std::uint32_t units = low + ((0u - reflected) & (0x40000000u - 2u * low));
  const float phi = static_cast<float>(units) * kPiOver2To31;
  const float s0 = sin_kernel_f(phi), c0 = cos_kernel_f(phi);
  const std::uint32_t swap = reflected ^ (q & 1u);
  const std::uint32_t negate_sin = q >> 1;
  const std::uint32_t negate_cos = (q ^ (q >> 1)) & 1u;
  *s = from_bits_f(bits_of_f(select_bits_f(swap, c0, s0)) ^ (negate_sin << 31));
  *c = from_bits_f(bits_of_f(select_bits_f(swap, s0, c0)) ^ (negate_cos << 31));
}

// cos(pi x / 2) for x in [0, 1], a quarter turn, as one polynomial: the Taylor series in z = x^2
// to z^6 (the first term left out, (pi/2)^14 / 14!, is below 6.4e-9), coefficients rounded to float.
// Within 1.6e-7 of the exact value in absolute terms (tests/test_hd_math.cpp); Student-t takes
// |cos theta| from it, one polynomial where sincos_turns_f evaluates two and reflects.
SIGNRATE_INLINE float cos_quarter_f(float x) {
  constexpr float kC1 = -1.2337005501361698f, kC2 = 2.5366950790104801e-1f, kC3 = -2.0863480763352961e-2f,
                  kC4 = 9.1926027483942658e-4f, kC5 = -2.5202042373060605e-5f, kC6 = 4.7108747788181715e-7f;
  const float z = x * x;
  return 1.0f + z * (kC1 + z * (kC2 + z * (kC3 + z * (kC4 + z * (kC5 + z * kC6)))));
}

}  // namespace signrate::hdm
