// Tests of the noise oracles (oracles/*.hpp, oracles/oracle.cpp): moments against the declared
// sigma_i, goodness of fit of every sampler against an independent reference CDF (Boost.Math or a
// closed form), exact values of the discrete and bounded laws, declared shape flags, the scale
// profiles and batching, bad input, reproducibility, and a known-answer file.
//
// Statistical tests and their false-alarm rates (each under a correct implementation):
//   - z-tests at |z| < 5: two-sided false alarm 5.7e-7 each; 27 of them (18 moment tests, 2 batch
//     variance tests, 5 independence tests, 1 Boost comparison of variances, 1 lognormal skew) -> 1.6e-5.
//   - one-sample KS at the DKW-Massart bound eps = sqrt(ln(2/alpha) / (2n)), alpha = 1e-6 (exact for
//     every n, conservative): 13 of them -> 1.3e-5.
//   - chi-square (1 dof) at its 1 - 1e-6 quantile: 3 of them -> 3e-6.
//   - two-sample KS at the asymptotic critical value sqrt(ln(2/alpha)/2) sqrt((n+m)/(nm)), alpha = 1e-6:
//   1e-6.
// Whole suite: about 3.3e-5 < 1e-4. All seeds are fixed, so the outcome is deterministic anyway.
//
// The known-answer file tests/data/oracle_kat.json is only read here; the tool
// tests/tools/write_oracle_kat.cpp writes it (see tests/oracle_kat.hpp and tests/data/README).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "oracle_kat.hpp"
#include "signrate/error.hpp"
#include "signrate/oracle.hpp"
#include "signrate/oracle_law.hpp"
#include "signrate/rng.hpp"
#include "signrate/spec.hpp"

namespace signrate {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

constexpr double kZCritical = 5.0;   // two-sided normal tail 5.7e-7
constexpr double kTestAlpha = 1e-6;  // KS and chi-square tests
constexpr std::uint64_t kKatSeed = kat::kSeed;
constexpr std::uint32_t kKatReplicate = kat::kReplicate;

Oracle make(const std::string& text, std::uint32_t d = 1, std::uint32_t batch = 1) {
  return make_oracle(parse_spec(text, "oracle"), d, batch);
}

RngKey test_key(std::uint32_t replicate = kKatReplicate) {
  return derive_key(kKatSeed, replicate, 0, Stream::kOracleNoise);
}

// n draws xi_i / sigma_i of an oracle, coordinate i = k mod d and step t = k / d, so both counter
// words vary. sigma_i is the declared per-step standard deviation (a scale for infinite variance).
std::vector<double> standardized_draws(const Oracle& o, std::size_t n, RngKey key) {
  const OracleView view = o.view();
  const std::vector<double> sigma = o.sigma();
  const auto d = static_cast<std::uint32_t>(o.dim());
  std::vector<double> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto t = static_cast<std::uint32_t>(k / d);
    const auto i = static_cast<std::uint32_t>(k % d);
    out[k] = oracle_noise(view, key, t, i) / sigma[i];
  }
  return out;
}

struct Moments {
  double n = 0, mean = 0, m2 = 0, m4 = 0;  // m2, m4: raw moments about 0
};

Moments raw_moments(const std::vector<double>& x) {
  Moments m;
  m.n = static_cast<double>(x.size());
  for (double v : x) {
    m.mean += v;
    m.m2 += v * v;
    m.m4 += v * v * v * v;
  }
  m.mean /= m.n;
  m.m2 /= m.n;
  m.m4 /= m.n;
  return m;
}

// z of H0: E x = 0, with the sample standard deviation.
double mean_z(const Moments& m) {
  const double var = m.m2 - m.mean * m.mean;
  return m.mean / std::sqrt(var / m.n);
}

// z of H0: E x^2 = v0 for a mean-zero x: the mean of x^2 against v0, with the standard error
// sqrt((E x^4 - (E x^2)^2) / n) estimated from the sample fourth moment.
// A law with constant x^2 (Rademacher) has no spread in x^2: then m2 must equal v0 exactly.
double variance_z(const Moments& m, double v0) {
  const double se = std::sqrt(std::max(0.0, m.m4 - m.m2 * m.m2) / m.n);
  if (se == 0) return m.m2 == v0 ? 0.0 : std::numeric_limits<double>::infinity();
  return (m.m2 - v0) / se;
}

// One-sample Kolmogorov-Smirnov statistic sup |F_n - F|.
double ks_statistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double f = cdf(x[k]);
    d = std::max(d, std::max(f - static_cast<double>(k) / n, static_cast<double>(k + 1) / n - f));
  }
  return d;
}

// The Dvoretzky-Kiefer-Wolfowitz-Massart bound: P(sup|F_n - F| > eps) <= 2 exp(-2 n eps^2).
double ks_critical(std::size_t n, double alpha) {
  return std::sqrt(std::log(2.0 / alpha) / (2.0 * static_cast<double>(n)));
}

double two_sample_ks(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  while (i < a.size() && j < b.size()) {
    const double v = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == v) ++i;
    while (j < b.size() && b[j] == v) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return d;
}

double normal_cdf(double x) { return boost::math::cdf(boost::math::normal_distribution<>(), x); }

// The oracle names in the registry (canonical names only).
std::set<std::string> registry_names() {
  std::set<std::string> names;
  for (const auto& info : oracle_registry()) names.insert(info.name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Moments: mean 0 and variance sigma_i^2 for every oracle.

struct MomentCase {
  std::string oracle;  // registry name
  std::string spec;
  std::uint32_t d;
};

// Parameters with a finite fourth moment (and a finite eighth, so that the sample fourth moment
// in the variance's standard error is itself consistent): nu = alpha = 9, lognormal s = 0.5.
const std::vector<MomentCase>& moment_cases() {
  static const std::vector<MomentCase> cases = {
      {"gaussian", "gaussian:sigma=2", 5},
      {"separable-gaussian", "separable-gaussian:law=power,decay=1,sigma=3", 8},
      {"student-t", "student-t:nu=9,sigma=1.5", 3},
      {"lomax", "lomax:alpha=9,sigma=2", 3},
      {"two-point", "two-point:p=0.2,a=4", 4},
      {"lognormal", "lognormal:s=0.5,law=power,decay=0.5", 4},
      {"bimodal", "bimodal:m=0.95", 2},
      {"uniform", "uniform:sigma=0.5", 3},
      {"rademacher", "rademacher:law=spikes,spikes=1,ratio=4", 3},
  };
  return cases;
}

constexpr std::size_t kMomentDraws = std::size_t{1} << 20;  // 1048576

void PrintTo(const MomentCase& c, std::ostream* os) { *os << c.spec << " (d=" << c.d << ")"; }

class OracleMoments : public ::testing::TestWithParam<MomentCase> {};

// False alarm 5.7e-7 (|z| < 5).
TEST_P(OracleMoments, MeanIsZero) {
  const Oracle o = make(GetParam().spec, GetParam().d);
  ASSERT_TRUE(o.traits.finite_variance);
  const Moments m = raw_moments(standardized_draws(o, kMomentDraws, test_key()));
  EXPECT_LT(std::fabs(mean_z(m)), kZCritical) << "mean " << m.mean;
}

// False alarm 5.7e-7 (|z| < 5). Draws are divided by the declared sigma_i, so this checks
// E xi_i^2 = sigma_i^2 for every coordinate together.
TEST_P(OracleMoments, VarianceIsDeclaredSigmaSquared) {
  const Oracle o = make(GetParam().spec, GetParam().d);
  const Moments m = raw_moments(standardized_draws(o, kMomentDraws, test_key()));
  EXPECT_LT(std::fabs(variance_z(m, 1.0)), kZCritical) << "E (xi/sigma)^2 = " << m.m2;
  // The declared totals agree with the per-coordinate sigma.
  double total = 0;
  for (double s : o.sigma()) total += s * s;
  EXPECT_NEAR(o.declared()["variance_total"].get<double>(), total, 1e-12 * total);
}

INSTANTIATE_TEST_SUITE_P(Oracle, OracleMoments, ::testing::ValuesIn(moment_cases()),
                         [](const ::testing::TestParamInfo<MomentCase>& info) {
                           std::string name = info.param.oracle;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(OracleRegistry, EveryOracleHasAMomentTestAndKnownAnswers) {
  std::set<std::string> covered;
  for (const auto& c : moment_cases()) {
    covered.insert(c.oracle);
    EXPECT_EQ(make(c.spec, c.d).resolved["name"], c.oracle) << c.spec;
  }
  EXPECT_EQ(covered, registry_names());
  EXPECT_EQ(registry_names().size(), 9u);
}

TEST(OracleRegistry, ParetoIsAnAliasOfLomax) {
  const Oracle o = make("pareto:alpha=4", 2);
  EXPECT_EQ(o.resolved["name"], "lomax");
  EXPECT_EQ(o.law.shape, NoiseShape::kLomax);
  EXPECT_EQ(o.law.param, 4.0);
}

// ---------------------------------------------------------------------------------------------
// Goodness of fit: one-sample KS of the standardized draws against a reference CDF.

struct KsCase {
  std::string label;
  std::string spec;
  std::uint32_t d;
  std::function<double(double)> cdf;  // CDF of xi_i / sigma_i
};

// Symmetric Lomax with tail index alpha: P(|X| <= x) = 1 - (1 + x)^-alpha.
double symmetric_lomax_cdf(double x, double alpha) {
  const double tail = 0.5 * std::pow(1.0 + std::fabs(x), -alpha);
  return x < 0 ? tail : 1.0 - tail;
}

std::vector<KsCase> ks_cases() {
  namespace bm = boost::math;
  const auto student = [](double nu) {
    // Finite variance: the standardized draw is T sqrt((nu-2)/nu); otherwise sigma is a scale.
    const double c = nu > 2 ? std::sqrt(nu / (nu - 2)) : 1.0;
    return [nu, c](double y) { return bm::cdf(bm::students_t_distribution<>(nu), y * c); };
  };
  const auto lomax = [](double alpha) {
    const double c = alpha > 2 ? std::sqrt(2.0 / ((alpha - 1) * (alpha - 2))) : 1.0;
    return [alpha, c](double y) { return symmetric_lomax_cdf(y * c, alpha); };
  };
  const auto lognormal = [](double s) {
    // xi / sigma = (e^{sZ} - e^{s^2/2}) / sd, sd^2 = (e^{s^2} - 1) e^{s^2}.
    const double mean = std::exp(0.5 * s * s);
    const double sd = std::sqrt((std::exp(s * s) - 1) * std::exp(s * s));
    return [s, mean, sd](double y) {
      const double v = y * sd + mean;
      return v <= 0 ? 0.0 : bm::cdf(bm::lognormal_distribution<>(0.0, s), v);
    };
  };
  const auto bimodal = [](double m) {
    const double w = std::sqrt(1 - m * m);
    return [m, w](double y) { return 0.5 * normal_cdf((y - m) / w) + 0.5 * normal_cdf((y + m) / w); };
  };
  const double r3 = std::sqrt(3.0);
  return {
      {"gaussian", "gaussian:sigma=2", 5, normal_cdf},
      {"separable-gaussian", "separable-gaussian:law=power,decay=0.5,sigma=3", 7, normal_cdf},
      {"student-t nu=3", "student-t", 2, student(3)},
      {"student-t nu=9", "student-t:nu=9,sigma=2", 3, student(9)},
      {"student-t nu=1", "student-t:nu=1", 2, student(1)},
      {"lomax alpha=4", "lomax:alpha=4,sigma=0.5", 3, lomax(4)},
      {"lomax alpha=1.5", "lomax:alpha=1.5", 2, lomax(1.5)},
      {"lognormal s=1", "lognormal", 3, lognormal(1.0)},
      {"lognormal s=0.3", "lognormal:s=0.3,sigma=5", 2, lognormal(0.3)},
      {"bimodal m=0.95", "bimodal", 2, bimodal(0.95)},
      {"bimodal m=0.5", "bimodal:m=0.5,sigma=3", 3, bimodal(0.5)},
      {"bimodal m=0", "bimodal:m=0", 2, bimodal(0.0)},
      {"uniform", "uniform:sigma=2", 4,
       [r3](double y) { return bm::cdf(bm::uniform_distribution<>(-r3, r3), std::clamp(y, -r3, r3)); }},
  };
}

// 13 KS tests at alpha = 1e-6 each (DKW-Massart, conservative): false alarm <= 1.3e-5 in all.
TEST(OracleGoodnessOfFit, KolmogorovSmirnovAgainstReferenceCdf) {
  constexpr std::size_t kN = 20000;
  const double critical = ks_critical(kN, kTestAlpha);  // 0.0190
  for (const auto& c : ks_cases()) {
    SCOPED_TRACE(c.label);
    const Oracle o = make(c.spec, c.d);
    const double d = ks_statistic(standardized_draws(o, kN, test_key()), c.cdf);
    EXPECT_LT(d, critical) << c.label << ": D = " << d;
  }
}

// The KS test above has power against a wrong scale: a draw scaled by 1.1 is rejected.
TEST(OracleGoodnessOfFit, KolmogorovSmirnovRejectsAWrongScale) {
  constexpr std::size_t kN = 20000;
  std::vector<double> x = standardized_draws(make("gaussian", 1), kN, test_key());
  for (double& v : x) v *= 1.1;
  EXPECT_GT(ks_statistic(x, normal_cdf), ks_critical(kN, kTestAlpha));
}

// Chi-square (1 dof) of the positive atom's count; critical value the 1 - 1e-6 quantile (23.9),
// false alarm 1e-6 per law, 3e-6 for the three.
TEST(OracleGoodnessOfFit, ChiSquareOfTheAtomProbabilities) {
  constexpr std::size_t kN = 200000;
  const double critical = boost::math::quantile(
      boost::math::complement(boost::math::chi_squared_distribution<>(1.0), kTestAlpha));
  const std::vector<std::pair<std::string, double>> cases = {
      {"two-point:p=0.2,a=4", 0.2}, {"two-point:p=0.7", 0.7}, {"rademacher", 0.5}};
  for (const auto& [spec, p] : cases) {
    SCOPED_TRACE(spec);
    const Oracle o = make(spec, 3);
    double positive = 0;
    for (double v : standardized_draws(o, kN, test_key())) positive += v > 0 ? 1 : 0;
    const double n = static_cast<double>(kN);
    const double chi2 = (positive - n * p) * (positive - n * p) / (n * p * (1 - p));
    EXPECT_LT(chi2, critical) << "fraction positive " << positive / n << ", expected " << p;
  }
}

// False alarm 5.7e-7 (|z| < 5): the lognormal law is skewed to the right, E (xi/sigma)^3 =
// (e^{s^2} + 2) sqrt(e^{s^2} - 1) (0.9495 for s = 0.3); a symmetric law would give 0.
TEST(OracleGoodnessOfFit, LognormalIsRightSkewed) {
  constexpr std::size_t kN = 200000;
  const double s = 0.3;
  const std::vector<double> x = standardized_draws(make("lognormal:s=0.3", 2), kN, test_key());
  double m3 = 0, m6 = 0;
  for (double v : x) m3 += v * v * v, m6 += v * v * v * v * v * v;
  m3 /= static_cast<double>(kN);
  m6 /= static_cast<double>(kN);
  const double expected = (std::exp(s * s) + 2) * std::sqrt(std::exp(s * s) - 1);
  const double z = (m3 - expected) / std::sqrt((m6 - m3 * m3) / static_cast<double>(kN));
  EXPECT_LT(std::fabs(z), kZCritical) << "third moment " << m3 << ", expected " << expected;
}

// An independent second Gaussian sampler: Boost.Random's normal_distribution on mt19937.
// Two-sample KS at alpha = 1e-6 (asymptotic critical value 2.69 sqrt(2/n)) and a z-test of the
// two variances at |z| < 5 (false alarm 5.7e-7).
TEST(OracleGoodnessOfFit, GaussianMatchesBoostRandom) {
  constexpr std::size_t kN = 20000;
  const Oracle o = make("gaussian:sigma=3", 1);
  const double sigma = o.sigma()[0];
  ASSERT_NEAR(sigma, 3.0, 1e-15);
  std::vector<double> ours(kN), boost_draws(kN);
  for (std::size_t k = 0; k < kN; ++k)
    ours[k] = oracle_noise(o.view(), test_key(), static_cast<std::uint32_t>(k), 0);
  boost::random::mt19937 gen(20250712u);
  boost::random::normal_distribution<double> normal(0.0, sigma);
  for (double& v : boost_draws) v = normal(gen);

  const double n = static_cast<double>(kN);
  const double critical = std::sqrt(std::log(2.0 / kTestAlpha) / 2.0) * std::sqrt(2.0 / n);
  const double d = two_sample_ks(ours, boost_draws);
  EXPECT_LT(d, critical) << "two-sample D = " << d;

  const Moments a = raw_moments(ours), b = raw_moments(boost_draws);
  const double z = (a.m2 - b.m2) / std::sqrt((a.m4 - a.m2 * a.m2) / n + (b.m4 - b.m2 * b.m2) / n);
  EXPECT_LT(std::fabs(z), kZCritical) << "variances " << a.m2 << " vs " << b.m2;
}

// Draws at neighbouring counters and keys are uncorrelated: sqrt(n) r is about N(0, 1) for
// independent Gaussians. Five z-tests at |z| < 5, false alarm 2.9e-6 together.
TEST(OracleGoodnessOfFit, NeighbouringCountersAreUncorrelated) {
  constexpr std::uint32_t kN = 100000;
  const NoiseLaw law = make("gaussian").law;
  const RngKey key = test_key();
  const RngKey other_replicate = test_key(kKatReplicate + 1);
  const RngKey other_stream = derive_key(kKatSeed, kKatReplicate, 0, Stream::kUnbiasedSign);
  struct Pair {
    std::string what;
    std::function<double(std::uint32_t)> a, b;
  };
  const std::vector<Pair> pairs = {
      {"i vs i+1", [&](std::uint32_t k) { return standard_draw(law, key, 5, 2 * k, 0); },
       [&](std::uint32_t k) { return standard_draw(law, key, 5, 2 * k + 1, 0); }},
      {"t vs t+1", [&](std::uint32_t k) { return standard_draw(law, key, 2 * k, 7, 0); },
       [&](std::uint32_t k) { return standard_draw(law, key, 2 * k + 1, 7, 0); }},
      {"b vs b+1", [&](std::uint32_t k) { return standard_draw(law, key, k, 3, 0); },
       [&](std::uint32_t k) { return standard_draw(law, key, k, 3, 1); }},
      {"replicate", [&](std::uint32_t k) { return standard_draw(law, key, k, 0, 0); },
       [&](std::uint32_t k) { return standard_draw(law, other_replicate, k, 0, 0); }},
      {"stream", [&](std::uint32_t k) { return standard_draw(law, key, k, 0, 0); },
       [&](std::uint32_t k) { return standard_draw(law, other_stream, k, 0, 0); }},
  };
  for (const auto& p : pairs) {
    double sab = 0, saa = 0, sbb = 0;
    for (std::uint32_t k = 0; k < kN; ++k) {
      const double x = p.a(k), y = p.b(k);
      sab += x * y, saa += x * x, sbb += y * y;
    }
    const double r = sab / std::sqrt(saa * sbb);
    EXPECT_LT(std::fabs(r * std::sqrt(static_cast<double>(kN))), kZCritical) << p.what << ": r = " << r;
  }
}

// ---------------------------------------------------------------------------------------------
// Exact values and declared shape.

// Every value an oracle takes over n draws per coordinate, per coordinate.
std::vector<std::set<double>> distinct_values(const Oracle& o, std::uint32_t steps) {
  std::vector<std::set<double>> out(o.dim());
  for (std::uint32_t t = 0; t < steps; ++t)
    for (std::uint32_t i = 0; i < o.dim(); ++i) out[i].insert(oracle_noise(o.view(), test_key(), t, i));
  return out;
}

TEST(OracleExact, TwoPointTakesExactlyAAndMinusAPOverOneMinusP) {
  const Oracle o = make("two-point:p=0.2,a=4", 3);
  for (const auto& values : distinct_values(o, 20000)) {
    ASSERT_EQ(values.size(), 2u);
    EXPECT_DOUBLE_EQ(*values.rbegin(), 4.0);
    EXPECT_DOUBLE_EQ(*values.begin(), -1.0);  // -a p/(1-p) = -4 * 0.2 / 0.8
  }
  EXPECT_DOUBLE_EQ(o.noise_bound(), 4.0);
  EXPECT_DOUBLE_EQ(o.declared()["bound"].get<double>(), 4.0);
  // Without `a` the atoms come from sigma: +sigma_i sqrt((1-p)/p) and -sigma_i sqrt(p/(1-p)).
  const Oracle q = make("two-point:p=0.75,sigma=1", 1);
  const auto qv = distinct_values(q, 20000)[0];
  ASSERT_EQ(qv.size(), 2u);
  EXPECT_DOUBLE_EQ(*qv.rbegin(), std::sqrt(0.25 / 0.75));
  EXPECT_DOUBLE_EQ(*qv.begin(), -std::sqrt(0.75 / 0.25));
  EXPECT_DOUBLE_EQ(q.noise_bound(), std::sqrt(3.0));  // the larger atom, in absolute value
}

TEST(OracleExact, RademacherIsExactlyPlusMinusScale) {
  const Oracle o = make("rademacher:law=power,decay=1,sigma=2", 5);
  const auto values = distinct_values(o, 5000);
  for (std::uint32_t i = 0; i < o.dim(); ++i) {
    const double s = o.scale[i];
    EXPECT_EQ(values[i], (std::set<double>{-s, s})) << "coordinate " << i;
  }
  EXPECT_EQ(o.noise_bound(), o.scale[0]);
}

TEST(OracleExact, UniformIsBoundedBySqrt3TimesScale) {
  const Oracle o = make("uniform:law=spikes,spikes=1,ratio=10,sigma=2", 3);
  std::vector<double> largest(o.dim(), 0.0);
  for (std::uint32_t t = 0; t < 100000; ++t)
    for (std::uint32_t i = 0; i < o.dim(); ++i) {
      const double v = oracle_noise(o.view(), test_key(), t, i);
      const double bound = std::sqrt(3.0) * o.scale[i];
      ASSERT_LE(std::fabs(v), bound) << "t=" << t << " i=" << i;
      largest[i] = std::max(largest[i], std::fabs(v) / bound);
    }
  // The bound is tight: P(max of 1e5 |U| < 0.999 sqrt 3) = 0.999^1e5 ~ e^-100.
  for (double m : largest) EXPECT_GT(m, 0.999);
  EXPECT_NEAR(o.noise_bound(), std::sqrt(3.0) * o.scale[0], 1e-15 * o.noise_bound());
}

struct Shape {
  std::string spec;
  bool symmetric, unimodal, bounded, heavy_tailed, finite_variance;
};

TEST(OracleDeclared, ShapeFlagsPerLaw) {
  // As documented in oracles/*.hpp; bimodal is unimodal iff m <= 1/sqrt(2) = 0.70710678...
  const std::vector<Shape> shapes = {
      {"gaussian", true, true, false, false, true},
      {"separable-gaussian", true, true, false, false, true},
      {"student-t", true, true, false, true, true},
      {"student-t:nu=9", true, true, false, true, true},
      {"lomax", true, true, false, true, true},
      {"two-point", false, false, true, false, true},
      {"two-point:p=0.5", true, false, true, false, true},
      {"lognormal", false, true, false, false, true},
      {"bimodal", true, false, false, false, true},
      {"bimodal:m=0.7071", true, true, false, false, true},
      {"bimodal:m=0.7072", true, false, false, false, true},
      {"bimodal:m=0", true, true, false, false, true},
      {"uniform", true, true, true, false, true},
      {"rademacher", true, false, true, false, true},
  };
  for (const auto& s : shapes) {
    SCOPED_TRACE(s.spec);
    const nlohmann::json j = make(s.spec, 4).declared();
    EXPECT_EQ(j["symmetric"], s.symmetric);
    EXPECT_EQ(j["unimodal"], s.unimodal);
    EXPECT_EQ(j["bounded"], s.bounded);
    EXPECT_EQ(j["heavy_tailed"], s.heavy_tailed);
    EXPECT_EQ(j["finite_variance"], s.finite_variance);
    if (s.bounded) {
      EXPECT_TRUE(j["bound"].is_number());
    } else {
      EXPECT_TRUE(j["bound"].is_null());
      EXPECT_EQ(j["infinite"], nlohmann::json::array({"bound"}));  // the flag beside the null
    }
  }
}

TEST(OracleDeclared, InfiniteVarianceForNuAndAlphaAtMostTwo) {
  for (const std::string spec : {"student-t:nu=2", "student-t:nu=1", "student-t:nu=0.5", "lomax:alpha=2",
                                 "lomax:alpha=1.5", "pareto:alpha=1"}) {
    SCOPED_TRACE(spec);
    const Oracle o = make(spec, 3);
    const nlohmann::json j = o.declared();
    EXPECT_EQ(j["finite_variance"], false);
    for (const char* key :
         {"variance_total", "sigma_l1", "sigma_l2", "sigma_coordinate_min", "sigma_coordinate_max"}) {
      EXPECT_TRUE(j[key].is_null()) << key;
      EXPECT_NE(std::find(j["infinite"].begin(), j["infinite"].end(), key), j["infinite"].end()) << key;
    }
    EXPECT_TRUE(std::isinf(o.sigma_l1()));
    EXPECT_TRUE(std::isinf(o.sigma_l2()));
    EXPECT_EQ(o.law.unit, 1.0);  // sigma is then a plain scale of the raw law
  }
  // No mean at all for nu <= 1 or alpha <= 1: declared, since E g = grad f fails.
  for (const std::string spec : {"student-t:nu=1", "student-t:nu=0.5", "pareto:alpha=1"}) {
    SCOPED_TRACE(spec);
    EXPECT_EQ(make(spec, 3).declared()["finite_mean"], false);
  }
  for (const std::string spec : {"student-t:nu=1.5", "lomax:alpha=1.5", "gaussian", "two-point"}) {
    SCOPED_TRACE(spec);
    EXPECT_EQ(make(spec, 3).declared()["finite_mean"], true);
  }
  for (const std::string spec : {"student-t:nu=2.5", "lomax:alpha=2.5"}) {
    SCOPED_TRACE(spec);
    const nlohmann::json j = make(spec, 3).declared();
    EXPECT_EQ(j["finite_variance"], true);
    EXPECT_NEAR(j["variance_total"].get<double>(), 1.0, 1e-12);  // default sigma = 1, norm l2
  }
}

// ---------------------------------------------------------------------------------------------
// Scale profiles and batching.

TEST(OracleProfile, SeparablePowerProfileWithL1Norm) {
  constexpr std::uint32_t kD = 50;
  const Oracle o = make("separable-gaussian:law=power,decay=1,sigma=2,norm=l1", kD);
  EXPECT_NEAR(o.sigma_l1(), 2.0, 2e-12);
  EXPECT_NEAR(o.declared()["sigma_l1"].get<double>(), 2.0, 2e-12);
  const std::vector<double> s = o.sigma();
  ASSERT_EQ(s.size(), kD);
  for (std::uint32_t i = 0; i < kD; ++i)
    EXPECT_NEAR(s[i] / s[0], 1.0 / (i + 1), 1e-12 / (i + 1)) << "i=" << i;
  double l2 = 0;
  for (double v : s) l2 += v * v;
  EXPECT_NEAR(o.sigma_l2(), std::sqrt(l2), 1e-12);
  // separable-gaussian's defaults are law=power, norm=l1, sigma=1.
  const Oracle dflt = make("separable-gaussian", kD);
  EXPECT_NEAR(dflt.sigma_l1(), 1.0, 1e-12);
  EXPECT_NEAR(dflt.sigma()[9] / dflt.sigma()[0], 0.1, 1e-12);
}

TEST(OracleProfile, GaussianConstantProfileSplitsSigmaOverCoordinates) {
  const Oracle o = make("gaussian:sigma=3", 100);
  for (double s : o.sigma()) EXPECT_NEAR(s, 0.3, 0.3 * 1e-12);
  EXPECT_NEAR(o.sigma_l2(), 3.0, 3e-12);
  EXPECT_NEAR(o.declared()["variance_total"].get<double>(), 9.0, 9e-12);
  EXPECT_NEAR(o.sigma_l1(), 30.0, 30e-12);
}

TEST(OracleProfile, SpikesAreRatioTimesLarger) {
  const Oracle o = make("gaussian:law=spikes,spikes=2,ratio=10,sigma=1", 10);
  const std::vector<double> s = o.sigma();
  EXPECT_NEAR(s[0], 10 * s[2], 1e-12);
  EXPECT_NEAR(s[1], 10 * s[9], 1e-12);
  EXPECT_EQ(s[2], s[9]);
  EXPECT_NEAR(o.sigma_l2(), 1.0, 1e-12);
}

TEST(OracleProfile, BatchDividesSigmaByItsSquareRoot) {
  const Oracle one = make("gaussian:sigma=2", 4, 1);
  const Oracle four = make("gaussian:sigma=2", 4, 4);
  EXPECT_EQ(four.scale, one.scale);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(four.sigma()[i], one.sigma()[i] / 2);
  EXPECT_NEAR(four.sigma_l2(), 1.0, 1e-12);
  EXPECT_NEAR(four.declared()["variance_total"].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(four.declared()["batch"], 4);
}

TEST(OracleProfile, BatchNoiseIsTheMeanOfIndependentDraws) {
  // Exact: xi_i = scale_i * (sum_b standard_draw(b)) / B.
  const Oracle o = make("student-t:nu=5,sigma=2", 3, 4);
  for (std::uint32_t t = 0; t < 100; ++t)
    for (std::uint32_t i = 0; i < 3; ++i) {
      double sum = 0;
      for (std::uint32_t b = 0; b < 4; ++b) sum += standard_draw(o.law, test_key(), t, i, b);
      EXPECT_EQ(oracle_noise(o.view(), test_key(), t, i), o.scale[i] * (sum / 4.0));
    }
}

// The engines' tiles (oracle_noise_tile: each law's sampler drawn a whole group at a time,
// vectorized) give oracle_noise's bits at every coordinate, for every law, batch 1 and 3, and tiles
// that start and end inside groups (the groups are 64 or 128 coordinates) as well as on their edges.
TEST(OracleTile, EveryLawAndBatchGivesOracleNoiseBitForBit) {
  const std::uint32_t d = 301;
  for (const std::string spec :
       {"gaussian", "separable-gaussian", "student-t:nu=3", "student-t:nu=0.3", "lomax:alpha=3",
        "lomax:alpha=0.5", "two-point:p=0.2", "lognormal:s=1", "bimodal:m=0.9", "uniform", "rademacher"})
    for (std::uint32_t batch : {1u, 3u}) {
      SCOPED_TRACE(spec + " batch " + std::to_string(batch));
      const Oracle o = make(spec + (spec.find(':') == std::string::npos ? ":" : ",") + "law=power", d, batch);
      const OracleView view = o.view();
      std::vector<double> out(d);
      for (std::uint32_t t : {1u, 77u}) {
        for (std::uint32_t block : {d, 128u, 64u, 24u, 100u, 1u}) {
          for (std::uint32_t i0 = 0; i0 < d; i0 += block)
            oracle_noise_tile(view, test_key(), t, i0, std::min(block, d - i0), out.data() + i0);
          for (std::uint32_t i = 0; i < d; ++i)
            ASSERT_EQ(hdm::bits_of(out[i]), hdm::bits_of(oracle_noise(view, test_key(), t, i)))
                << "t " << t << " block " << block << " i " << i;
        }
      }
    }
}

// Two z-tests at |z| < 5 (false alarm 1.1e-6): with batch 4 the empirical variance is
// sigma_i^2 = scale_i^2 / 4.
TEST(OracleProfile, BatchOfFourHasAQuarterOfTheVariance) {
  for (const std::string spec : {"gaussian:sigma=2", "two-point:p=0.3,sigma=2"}) {
    SCOPED_TRACE(spec);
    const Oracle o = make(spec, 4, 4);
    std::vector<double> x(kMomentDraws);
    for (std::size_t k = 0; k < x.size(); ++k) {
      const auto i = static_cast<std::uint32_t>(k % 4);
      x[k] = oracle_noise(o.view(), test_key(), static_cast<std::uint32_t>(k / 4), i) / o.scale[i];
    }
    const Moments m = raw_moments(x);
    EXPECT_LT(std::fabs(variance_z(m, 0.25)), kZCritical) << "E (xi/scale)^2 = " << m.m2;
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input: a SpecError whose message names the bad value and what is allowed.

void expect_spec_error(const std::string& text, std::uint32_t d, std::uint32_t batch,
                       const std::vector<std::string>& needles) {
  SCOPED_TRACE(text);
  try {
    make(text, d, batch);
    ADD_FAILURE() << "no SpecError for " << text;
  } catch (const SpecError& e) {
    const std::string what = e.what();
    for (const auto& needle : needles)
      EXPECT_NE(what.find(needle), std::string::npos) << "'" << needle << "' not in: " << what;
  }
}

TEST(OracleBadInput, OutOfDomainValuesNameTheValueAndTheDomain) {
  expect_spec_error("student-t:nu=-1", 2, 1, {"student-t", "nu=-1", "[0.25, 1e+30]"});
  expect_spec_error("student-t:nu=0", 2, 1, {"student-t", "nu=0", "[0.25, 1e+30]"});
  expect_spec_error("student-t:nu=0.1", 2, 1, {"nu=0.1", "[0.25, 1e+30]"});
  expect_spec_error("student-t:nu=nan", 2, 1, {"student-t", "nu=nan", "[0.25, 1e+30]"});
  expect_spec_error("student-t:nu=inf", 2, 1, {"nu=inf", "[0.25, 1e+30]"});
  expect_spec_error("student-t:nu=abc", 2, 1, {"nu='abc'", "not a number", "[0.25, 1e+30]"});
  expect_spec_error("two-point:p=1.5", 2, 1,
                    {"two-point", "p=1.5", "[2.3283064365386963e-10, 0.9999999997671694]"});
  expect_spec_error("two-point:p=0", 2, 1, {"p=0", "[2.3283064365386963e-10, 0.9999999997671694]"});
  expect_spec_error("two-point:p=1", 2, 1, {"p=1", "[2.3283064365386963e-10, 0.9999999997671694]"});
  expect_spec_error("two-point:a=-4", 2, 1, {"a=-4", "> 0"});
  expect_spec_error("gaussian:sigma=-1", 2, 1, {"gaussian", "sigma=-1", "> 0"});
  expect_spec_error("gaussian:sigma=0", 2, 1, {"sigma=0", "> 0"});
  expect_spec_error("lomax:alpha=0", 2, 1, {"alpha=0", "[0.1, 1e+30]"});
  expect_spec_error("lomax:alpha=0.01", 2, 1, {"alpha=0.01", "[0.1, 1e+30]"});
  expect_spec_error("lomax:alpha=2e30", 2, 1, {"alpha=2e30", "[0.1, 1e+30]"});
  expect_spec_error("student-t:nu=1e31", 2, 1, {"nu=1e31", "[0.25, 1e+30]"});
  expect_spec_error("lognormal:s=-2", 2, 1, {"s=-2", "(0, 10]"});
  expect_spec_error("lognormal:s=27", 2, 1, {"s=27", "(0, 10]"});
  expect_spec_error("bimodal:m=1", 2, 1, {"m=1", "[0, 1)"});
  expect_spec_error("bimodal:m=-0.1", 2, 1, {"m=-0.1", "[0, 1)"});
  expect_spec_error("separable-gaussian:decay=-1", 2, 1, {"decay=-1", ">= 0"});
  expect_spec_error("gaussian:law=exp", 2, 1, {"law='exp'", "const, power, spikes"});
  expect_spec_error("gaussian:norm=linf", 2, 1, {"norm='linf'", "l2, l1"});
  expect_spec_error("gaussian:law=spikes,spikes=20", 10, 1, {"spikes=20", "[0, 10]"});
  expect_spec_error("gaussian", 4, 0, {"batch=0", ">= 1"});
  // A key that the chosen settings never read would silently do nothing: it is refused.
  expect_spec_error("gaussian:decay=2", 8, 1, {"decay=2", "has no effect"});
  expect_spec_error("two-point:a=4,sigma=2", 8, 1, {"sigma=2", "has no effect"});
  expect_spec_error("uniform:spikes=3", 8, 1, {"spikes=3", "has no effect"});
}

TEST(OracleBadInput, UnknownKeysAndNamesListWhatIsAllowed) {
  expect_spec_error("gaussian:foo=1", 2, 1, {"'foo'", "sigma", "norm"});
  expect_spec_error("two-point:nu=3", 2, 1, {"'nu'", "p", "a"});
  expect_spec_error("gauss", 2, 1, {"'gauss'", "gaussian", "student-t", "rademacher"});
}

// ---------------------------------------------------------------------------------------------
// Reproducibility.

// The laws of the known-answer file, one or more per registry name.
const std::vector<std::string>& kat_specs() { return kat::specs(); }

bool is_discrete(const NoiseLaw& law) {
  return law.shape == NoiseShape::kTwoPoint || law.shape == NoiseShape::kRademacher;
}

TEST(OracleReproducibility, SameCountersGiveTheSameDrawDifferentOnesDiffer) {
  const RngKey key = test_key();
  const RngKey keys[] = {test_key(kKatReplicate + 1),
                         derive_key(kKatSeed, kKatReplicate, 1, Stream::kOracleNoise),
                         derive_key(kKatSeed + 1, kKatReplicate, 0, Stream::kOracleNoise)};
  for (const auto& spec : kat_specs()) {
    SCOPED_TRACE(spec);
    const NoiseLaw law = make(spec).law;
    // 64 draws along i at (t, b) = (10, 1); then each variation of one counter word or the key.
    const auto seq = [&](RngKey k, std::uint32_t t, std::uint32_t i0, std::uint32_t b) {
      std::vector<std::uint64_t> out;
      for (std::uint32_t i = i0; i < i0 + 64; ++i)
        out.push_back(hdm::bits_of(standard_draw(law, k, t, i, b)));
      return out;
    };
    const std::vector<std::uint64_t> base = seq(key, 10, 0, 1);
    EXPECT_EQ(seq(key, 10, 0, 1), base);
    std::vector<std::vector<std::uint64_t>> variants = {seq(key, 11, 0, 1), seq(key, 10, 64, 1),
                                                        seq(key, 10, 0, 0), seq(key, 10, 0, 2)};
    for (const RngKey& k : keys) variants.push_back(seq(k, 10, 0, 1));
    for (std::size_t v = 0; v < variants.size(); ++v) {
      int equal = 0;
      for (std::size_t k = 0; k < base.size(); ++k) equal += variants[v][k] == base[k] ? 1 : 0;
      // Continuous laws: no two of 64 pairs coincide (chance ~1e-14 per pair at worst). Discrete:
      // the sequences differ somewhere (chance of agreement 0.68^64 < 2e-10 for two-point p=0.2).
      if (is_discrete(law)) {
        EXPECT_LT(equal, 64) << "variant " << v;
      } else {
        EXPECT_EQ(equal, 0) << "variant " << v;
      }
    }
  }
}

TEST(OracleReproducibility, KeysOfDifferentRunsDiffer) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  const auto add = [&](RngKey k) { return seen.insert({k.k0, k.k1}).second; };
  EXPECT_TRUE(add(derive_key(42, 3, 0, Stream::kOracleNoise)));
  EXPECT_TRUE(add(derive_key(42, 4, 0, Stream::kOracleNoise)));
  EXPECT_TRUE(add(derive_key(42, 3, 1, Stream::kOracleNoise)));
  EXPECT_TRUE(add(derive_key(42, 3, 0, Stream::kUnbiasedSign)));
  EXPECT_TRUE(add(derive_key(43, 3, 0, Stream::kOracleNoise)));
  EXPECT_TRUE(add(derive_key(42 + (std::uint64_t{1} << 32), 3, 0, Stream::kOracleNoise)));
  // And the same inputs give the same key.
  EXPECT_FALSE(add(derive_key(42, 3, 0, Stream::kOracleNoise)));
}

TEST(OracleRng, UniformsStayInsideTheOpenInterval) {
  EXPECT_GT(uniform_open32(0u), 0.0);
  EXPECT_LT(uniform_open32(0xffffffffu), 1.0);
  // The 52-bit uniform's extremes are exactly 2^-53 and 1 - 2^-53 (nothing rounds).
  EXPECT_EQ(uniform_open52(0u, 0u), 0x1.0p-53);
  EXPECT_EQ(uniform_open52(0xffffffffu, 0xffffffffu), 1.0 - 0x1.0p-53);
  // The extreme radius uniforms give finite, nonzero normal draws.
  EXPECT_NEAR(normal_from_bits(0u, 0u, 0u), std::sqrt(-2.0 * std::log(0x1.0p-53)), 1e-14);
  EXPECT_GT(normal_from_bits(0xffffffffu, 0xffffffffu, 0u), 0.0);
}

// ---------------------------------------------------------------------------------------------
// Known answers: tests/data/oracle_kat.json holds, for each law of kat::specs(), draws
// standard_draw(law, derive_key(42, 3, 0, kOracleNoise), t, i, b) at kat::counters() as uint64
// bit patterns (decimal strings), plus the law's parameters. This test only reads it; a missing
// file fails. Regenerate it with the tool (tests/oracle_kat.hpp):
//   cmake --build build --target signrate_write_kat && build/tests/signrate_write_kat

std::string kat_path() { return std::string(SIGNRATE_TEST_DATA_DIR) + "/oracle_kat.json"; }

std::uint64_t bits_from_text(const nlohmann::json& v) { return std::stoull(v.get<std::string>()); }

TEST(OracleKnownAnswers, DrawsMatchTheFileBitForBit) {
  std::ifstream in(kat_path());
  ASSERT_TRUE(in) << "cannot read " << kat_path()
                  << " (regenerate it: cmake --build build --target signrate_write_kat && "
                     "build/tests/signrate_write_kat)";
  const nlohmann::json j = nlohmann::json::parse(in);

  const RngKey key =
      derive_key(j["seed"].get<std::uint64_t>(), j["replicate"].get<std::uint32_t>(),
                 j["node"].get<std::uint32_t>(), static_cast<Stream>(j["stream"].get<std::uint32_t>()));
  EXPECT_EQ(key.k0, j["key"][0].get<std::uint32_t>());
  EXPECT_EQ(key.k1, j["key"][1].get<std::uint32_t>());

  // The file holds the case list the tool writes, in its order.
  std::vector<std::string> specs;
  for (const auto& entry : j["laws"]) specs.push_back(entry["spec"].get<std::string>());
  EXPECT_EQ(specs, kat::specs());

  std::set<std::string> covered;
  std::size_t checked = 0;
  for (const auto& entry : j["laws"]) {
    const std::string spec = entry["spec"].get<std::string>();
    SCOPED_TRACE(spec);
    // The oracle still builds the same law (unit comes from std::sqrt/exp of the parameter).
    const NoiseLaw built = make(spec).law;
    covered.insert(make(spec).resolved["name"].get<std::string>());
    EXPECT_EQ(static_cast<int>(built.shape), entry["shape"].get<int>());
    EXPECT_EQ(hdm::bits_of(built.param), bits_from_text(entry["param_bits"]));
    EXPECT_EQ(hdm::bits_of(built.unit), bits_from_text(entry["unit_bits"]));
    // The samplers, on the law exactly as stored.
    NoiseLaw law;
    law.shape = static_cast<NoiseShape>(entry["shape"].get<int>());
    law.param = hdm::from_bits(bits_from_text(entry["param_bits"]));
    law.unit = hdm::from_bits(bits_from_text(entry["unit_bits"]));
    for (const auto& draw : entry["draws"]) {
      const auto t = draw["t"].get<std::uint32_t>(), i = draw["i"].get<std::uint32_t>(),
                 b = draw["b"].get<std::uint32_t>();
      const double v = standard_draw(law, key, t, i, b);
      EXPECT_EQ(hdm::bits_of(v), bits_from_text(draw["bits"]))
          << "t=" << t << " i=" << i << " b=" << b << ": got " << v << ", file has "
          << draw["value"].get<std::string>();
      ++checked;
    }
  }
  EXPECT_EQ(covered, registry_names());
  EXPECT_EQ(checked, kat::specs().size() * kat::counters().size());
}

}  // namespace
}  // namespace signrate
