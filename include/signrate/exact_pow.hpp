#pragma once
// Correctly rounded pow, exp and expm1 for the host: the double nearest the exact real result
// (ties to even), subnormals included, computed with MPFR. libm's pow and exp are accurate to
// about half an ulp, but which of the two neighbours they return differs between glibc versions,
// between its FMA and non-FMA variants, and on CUDA; a schedule's eta, an AdamW bias correction or
// a noise profile computed with them would make the same spec give different bits on different
// machines. A correctly rounded result is one number, the same everywhere.
//
// Host only (MPFR is a host library): the engines receive the results, never call these.
// Special values follow ISO C99 Annex F, as std::pow does (pow(x, 0) = 1 even for NaN x,
// pow(-1, +-inf) = 1, pow(-8, 1/3) = NaN, pow(-0, -1) = -inf, ...).
namespace signrate {

double exact_pow(double x, double y);
double exact_exp(double x);
double exact_expm1(double x);

}  // namespace signrate
