// Correctly rounded double results with MPFR (https://www.mpfr.org/mpfr-current/mpfr.html,
// "Exception Related Functions", the subnormal example of mpfr_subnormalize).
//
// Why this is the correctly rounded double: MPFR computes each function correctly rounded to the
// target precision (53 bits) in the current exponent range. With that range set to the double's,
// overflow and underflow happen exactly where they do for doubles; mpfr_subnormalize then
// re-rounds a result in the subnormal range to the coarser grid of multiples of 2^-1074, using
// the ternary value of the first rounding so that the two roundings act as one (no double
// rounding). The final mpfr_get_d converts a number that is already a double, so it is exact.
#include "signrate/exact_pow.hpp"

#include <mpfr.h>

#include <cmath>
#include <limits>
#include <mutex>

namespace signrate {

namespace {

// MPFR's significands lie in [1/2, 1): the smallest subnormal 2^-1074 = (1/2) 2^-1073 has exponent
// -1073, and the largest double (1 - 2^-53) 2^1024 has exponent 1024.
constexpr mpfr_exp_t kDoubleEmin = -1073;
constexpr mpfr_exp_t kDoubleEmax = 1024;
constexpr mpfr_prec_t kDoublePrecision = 53;

// The exponent range is per thread when MPFR is built with thread-local storage (Debian's is);
// otherwise it is global state, and one lock serializes the calls.
std::mutex& global_range_lock() {
  static std::mutex m;
  return m;
}

// Sets the calling thread's exponent range to the double's and restores the caller's on exit.
class DoubleExponentRange {
 public:
  DoubleExponentRange() : emin_(mpfr_get_emin()), emax_(mpfr_get_emax()) {
    mpfr_set_emin(kDoubleEmin);
    mpfr_set_emax(kDoubleEmax);
  }
  ~DoubleExponentRange() {
    mpfr_set_emin(emin_);
    mpfr_set_emax(emax_);
  }
  DoubleExponentRange(const DoubleExponentRange&) = delete;
  DoubleExponentRange& operator=(const DoubleExponentRange&) = delete;

 private:
  mpfr_exp_t emin_, emax_;
};

// op(result, a, b) is an MPFR function with its ternary return value; a and b hold x and y exactly
// (every double, subnormals included, fits 53 bits in the double exponent range).
template <class Op>
double correctly_rounded(Op op, double x, double y) {
  std::unique_lock<std::mutex> lock(global_range_lock(), std::defer_lock);
  if (!mpfr_buildopt_tls_p()) lock.lock();
  const DoubleExponentRange range;
  MPFR_DECL_INIT(a, kDoublePrecision);
  MPFR_DECL_INIT(b, kDoublePrecision);
  MPFR_DECL_INIT(r, kDoublePrecision);
  mpfr_set_d(a, x, MPFR_RNDN);
  mpfr_set_d(b, y, MPFR_RNDN);
  int ternary = op(r, a, b);
  ternary = mpfr_subnormalize(r, ternary, MPFR_RNDN);
  return mpfr_get_d(r, MPFR_RNDN);
}

// The fast path (MPFR costs microseconds a call; a noise profile at d = 10^6 makes 10^6 calls):
// powl's result r in long double is within a few of its ulps of the exact x^y (glibc documents at
// most 1 ulp). When r lies farther than 8 such ulps from every rounding boundary of double (the
// midpoints between doubles), the exact value rounds to the same double as r, so (double) r is
// the correctly rounded result. Only positive finite x and finite y whose result is a normal
// double take this path; everything else, and every result near a midpoint, goes to MPFR. Where
// long double is no wider than double the margin test never passes, so MPFR decides.
bool rounds_surely(double x, double y, double& out) {
  if (!(x > 0.0) || !std::isfinite(x) || !std::isfinite(y)) return false;
  const long double r = std::pow(static_cast<long double>(x), static_cast<long double>(y));
  if (!std::isfinite(r) || r < static_cast<long double>(std::numeric_limits<double>::min()) ||
      r > static_cast<long double>(std::numeric_limits<double>::max()) / 2)
    return false;
  const double d = static_cast<double>(r);
  const long double half_ulp = (static_cast<long double>(std::nextafter(d, HUGE_VAL)) - d) / 2;
  const long double margin = 8 * std::numeric_limits<long double>::epsilon() * r;
  // |r - d| <= half_ulp; the nearer midpoint is half_ulp - |r - d| away (the ulp below d is the
  // same or half as large: then the midpoint below is closer, checked with that half ulp).
  const long double below = (static_cast<long double>(d) - std::nextafter(d, 0.0)) / 2;
  const long double gap = r >= d ? half_ulp - (r - d) : below - (d - r);
  if (!(gap > margin)) return false;
  out = d;
  return true;
}

}  // namespace

double exact_pow(double x, double y) {
  // One IEEE operation is correctly rounded already (and 100 times faster than MPFR): the default
  // profile decay 1 is x^-1. The C99 special values agree for these y: x^1 = x, x^-1 = 1/x
  // (including +-0 -> +-inf and +-inf -> +-0), x^2 = x x (both signs of 0 and inf give +).
  if (y == 1.0) return x;
  if (y == -1.0) return 1.0 / x;
  if (y == 2.0) return x * x;
  double fast;
  if (rounds_surely(x, y, fast)) return fast;
  return correctly_rounded(
      [](mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b) { return mpfr_pow(r, a, b, MPFR_RNDN); }, x, y);
}

double exact_exp(double x) {
  return correctly_rounded([](mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr) { return mpfr_exp(r, a, MPFR_RNDN); },
                           x, 0.0);
}

double exact_expm1(double x) {
  return correctly_rounded([](mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr) { return mpfr_expm1(r, a, MPFR_RNDN); },
                           x, 0.0);
}

}  // namespace signrate
