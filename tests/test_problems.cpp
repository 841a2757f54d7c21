// Tests of the test problems (problems/*.cpp): gradients against finite differences, the declared
// constants of docs/theory.md's assumptions against random samples, f* and Delta, the dense low-rank
// quadratic against a dense eigen-solve, and bad input.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "signrate/error.hpp"
#include "signrate/problem.hpp"
#include "signrate/spec.hpp"

namespace signrate {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();

Problem Make(const std::string& spec, std::uint32_t d) {
  return make_problem(parse_spec(spec, "problem"), d);
}

// Every family, with its default parameters and with non-default ones (both diag-quadratic
// spectra and negative curvature included).
const std::vector<std::string>& AllSpecs() {
  static const std::vector<std::string> specs = {
      "quadratic",
      "quadratic:L=2.5,a=3",
      "diag-quadratic",
      "diag-quadratic:law=power,decay=1.5,l1=3",
      "diag-quadratic:law=spikes,spikes=1,ratio=10",
      "diag-quadratic:negative=2",
      "lowrank-quadratic",
      "lowrank-quadratic:rank=3,mu=0.5,s=2,seed=7",
      "nonconvex-separable",
      "nonconvex-separable:c=3,a=0.5",
      "rosenbrock",
      "rosenbrock:b=10",
      // Heterogeneous families with one node (Make's default n = 1); tests/test_distributed.cpp
      // checks them with several nodes.
      "hetero-quadratic:centers=0.5,x1=-1",
      "hetero-nonconvex:spread=2,c=3",
  };
  return specs;
}

// The specs whose declared L, L_inf are finite (every one but rosenbrock).
std::vector<std::string> SmoothSpecs() {
  std::vector<std::string> out;
  for (const auto& s : AllSpecs())
    if (s.rfind("rosenbrock", 0) != 0) out.push_back(s);
  return out;
}

constexpr std::uint32_t kDims[] = {2, 7, 64};

double NormInf(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

double Norm1(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += std::abs(x);
  return s;
}

double Norm2(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

std::vector<double> Grad(const Problem& p, const std::vector<double>& x) {
  std::vector<double> g(x.size());
  p.gradient(x.data(), g.data());
  return g;
}

double Value(const Problem& p, const std::vector<double>& x) { return p.value(x.data()); }

// Sum of the absolute values of the terms whose sum is f(x): the size of f's rounding error.
// Separable: sum_i |f_i(x_i)|; the dense problems here are sums of non-negative terms, so |f|.
double ValueMagnitude(const Problem& p, const std::vector<double>& x) {
  if (!p.separable) return std::abs(Value(p, x));
  const SeparableView v = p.separable_view();
  double s = 0;
  for (std::uint32_t i = 0; i < p.dim(); ++i) s += std::abs(separable_value(v, x[i], i));
  return s;
}

// A random point whose coordinates have a random overall scale in [1e-3, 1e3] (near the
// optimum to far away), signs mixed.
std::vector<double> RandomPoint(std::mt19937_64& rng, std::uint32_t d, double max_log10 = 3.0) {
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_real_distribution<double> expo(-3.0, max_log10);
  const double scale = std::pow(10.0, expo(rng));
  std::vector<double> x(d);
  for (auto& v : x) v = scale * unit(rng);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Registry coverage: the list above tests every registered family.

TEST(ProblemRegistry, EveryRegisteredFamilyIsTestedHere) {
  std::set<std::string> tested;
  for (const auto& s : AllSpecs()) tested.insert(parse_spec(s, "problem").name);
  ASSERT_EQ(problem_registry().size(), 7u);
  for (const auto& info : problem_registry())
    EXPECT_TRUE(tested.count(info.name)) << info.name << " is registered but not in AllSpecs()";
  for (const auto& s : AllSpecs()) EXPECT_EQ(Make(s, 7).name, parse_spec(s, "problem").name);
}

// ---------------------------------------------------------------------------------------------
// Gradient against central finite differences.
//
// Step h_i = cbrt(eps) * max(1, |x_i|). The central difference's truncation error is
// h^2/6 |f'''| ~ 4e-11 max(1,|x_i|)^2 |f'''|, and its rounding error is ~ eps * mag(f) / h
// ~ 4e-11 mag(f) / max(1,|x_i|), where mag(f) is the sum of the absolute values of f's terms.
// For these polynomial / rational functions both are ~1e-10 of the natural gradient scale
// max(1, |g_i|, mag(f)/max(1,||x||_inf)) (the third derivative is 0 for the quadratics; for
// Rosenbrock with |x| <= 3, b = 100, h^2/6 |f'''| <= 4e-7 < 1e-6). A relative tolerance of 1e-6 on
// that scale therefore leaves orders of magnitude of margin while still catching a wrong
// coefficient, sign or index (errors of O(1) relative size).

void CheckGradientByFiniteDifferences(const std::string& spec, std::uint32_t d, std::uint64_t seed) {
  const Problem p = Make(spec, d);
  std::mt19937_64 rng(seed);
  const double cbrt_eps = std::cbrt(kEps);
  // Rosenbrock grows quartically: keep its points within |x| <= 3 (see the bound above).
  const double max_log10 = p.name == "rosenbrock" ? std::log10(3.0) : 2.0;
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<double> x = RandomPoint(rng, d, max_log10);
    if (trial == 0) x = p.x0;
    const std::vector<double> g = Grad(p, x);
    const double scale0 = std::max(1.0, ValueMagnitude(p, x) / std::max(1.0, NormInf(x)));
    for (std::uint32_t i = 0; i < d; ++i) {
      const double h = cbrt_eps * std::max(1.0, std::abs(x[i]));
      std::vector<double> xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      const double fd = (Value(p, xp) - Value(p, xm)) / (xp[i] - xm[i]);
      const double tol = 1e-6 * std::max(scale0, std::abs(g[i]));
      ASSERT_NEAR(g[i], fd, tol) << spec << " d=" << d << " trial=" << trial << " i=" << i << " x_i=" << x[i];
    }
  }
}

TEST(ProblemGradient, MatchesCentralFiniteDifferences) {
  std::uint64_t seed = 1;
  for (const auto& spec : AllSpecs())
    for (std::uint32_t d : kDims) {
      SCOPED_TRACE(spec + " d=" + std::to_string(d));
      CheckGradientByFiniteDifferences(spec, d, seed++);
    }
}

// A gradient that is off by a factor would fail the check above: make sure it is sensitive by
// applying the same comparison to 1.001 * gradient on a quadratic at a point of size 1.
TEST(ProblemGradient, FiniteDifferenceCheckDetectsAOneInAThousandError) {
  const Problem p = Make("quadratic:L=2", 3);
  const std::vector<double> x = {0.7, -0.3, 1.1};
  const std::vector<double> g = Grad(p, x);
  const double h = std::cbrt(kEps) * 1.1;
  std::vector<double> xp = x, xm = x;
  xp[2] += h;
  xm[2] -= h;
  const double fd = (Value(p, xp) - Value(p, xm)) / (xp[2] - xm[2]);
  EXPECT_NEAR(g[2], fd, 1e-6 * std::abs(g[2]));
  EXPECT_GT(std::abs(1.001 * g[2] - fd), 1e-6 * std::abs(g[2]));
}

// ---------------------------------------------------------------------------------------------
// Declared constants against random pairs (x, y): far points (scales up to 1e3) and close ones
// (y - x down to 1e-6 times x's scale).
//
// Rounding slack: every coordinate of a computed gradient has an absolute error of at most a few
// eps * L_i ||x||_inf (|g_i(x)| <= L_i ||x||_inf for every problem here and the terms that make
// up g_i are bounded by the same), so the computed difference g(x) - g(y) is off by at most
// c eps L_inf (||x||_inf + ||y||_inf) in l1 (hence in l2) with c ~ rank + 2 <= 5. The slack used is
// 1e-14 * L_inf * (||x||_inf + ||y||_inf), which matters only for pairs closer than ~1e-12
// relative; well-separated pairs are tested at relative precision 1e-12.

struct PairStats {
  double max_ratio_l2 = 0;   // ||g(x)-g(y)||_2 / ||x-y||_2
  double max_ratio_inf = 0;  // ||g(x)-g(y)||_1 / ||x-y||_inf
  double max_grad_inf = 0;   // ||g(x)||_inf
};

PairStats CheckDeclaredConstants(const std::string& spec, std::uint32_t d, std::uint64_t seed) {
  const Problem p = Make(spec, d);
  const ProblemConstants& k = p.constants;
  EXPECT_TRUE(std::isfinite(k.L) && std::isfinite(k.L_inf)) << spec;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_real_distribution<double> expo(-6.0, 0.0);
  PairStats st;
  for (int pair = 0; pair < 2000; ++pair) {
    const std::vector<double> x = RandomPoint(rng, d);
    std::vector<double> y(d);
    if (pair % 2 == 0) {
      y = RandomPoint(rng, d);  // an independent point: usually far
    } else {
      const double rel = std::pow(10.0, expo(rng));  // a close point
      const double sx = std::max(NormInf(x), 1e-3);
      for (std::uint32_t i = 0; i < d; ++i) y[i] = x[i] + rel * sx * unit(rng);
    }
    std::vector<double> dx(d), dg(d);
    const std::vector<double> gx = Grad(p, x), gy = Grad(p, y);
    for (std::uint32_t i = 0; i < d; ++i) dx[i] = y[i] - x[i], dg[i] = gy[i] - gx[i];
    if (NormInf(dx) == 0) continue;
    // A heterogeneous family computes g_i from x_i - c_j, which rounds relative to |c_j| as well.
    const double shift = p.heterogeneous() ? 2 * NormInf(p.node_centers) : 0.0;
    const double slack = 1e-14 * k.L_inf * (NormInf(x) + NormInf(y) + shift);
    // Assumption 2.
    EXPECT_LE(Norm2(dg), k.L * Norm2(dx) * (1 + 1e-12) + slack) << spec << " d=" << d << " pair " << pair;
    // Assumption 3.
    EXPECT_LE(Norm1(dg), k.L_inf * NormInf(dx) * (1 + 1e-12) + slack)
        << spec << " d=" << d << " pair " << pair;
    // Assumption 1 (separable smoothness), where declared.
    if (!k.L_vec.empty()) {
      EXPECT_EQ(k.L_vec.size(), d);
      double lin = 0, quad = 0, lin_abs = 0;
      for (std::uint32_t i = 0; i < d; ++i) {
        lin += gx[i] * dx[i];
        lin_abs += std::abs(gx[i] * dx[i]);
        quad += 0.5 * k.L_vec[i] * dx[i] * dx[i];
      }
      const double fx = Value(p, x), fy = Value(p, y);
      const double f_slack = 1e-13 * (ValueMagnitude(p, x) + ValueMagnitude(p, y) + lin_abs + quad +
                                      k.L_inf * (NormInf(x) * NormInf(x) + NormInf(y) * NormInf(y)));
      EXPECT_LE(fy, fx + lin + quad + f_slack) << spec << " d=" << d << " pair " << pair;
    }
    // Assumption 9, where declared.
    if (std::isfinite(k.G)) {
      EXPECT_LE(NormInf(gx), k.G) << spec << " d=" << d << " pair " << pair;
      EXPECT_LE(NormInf(gy), k.G) << spec << " d=" << d << " pair " << pair;
    }
    // Well-separated pairs only for the ratios (close pairs' ratios carry rounding noise).
    if (NormInf(dx) > 1e-4 * std::max(NormInf(x), NormInf(y))) {
      st.max_ratio_l2 = std::max(st.max_ratio_l2, Norm2(dg) / Norm2(dx));
      st.max_ratio_inf = std::max(st.max_ratio_inf, Norm1(dg) / NormInf(dx));
    }
    st.max_grad_inf = std::max({st.max_grad_inf, NormInf(gx), NormInf(gy)});
  }
  return st;
}

TEST(ProblemConstants, DeclaredConstantsAreNeverExceededOnRandomPairs) {
  std::uint64_t seed = 100;
  for (const auto& spec : SmoothSpecs())
    for (std::uint32_t d : kDims) {
      SCOPED_TRACE(spec + " d=" + std::to_string(d));
      const PairStats st = CheckDeclaredConstants(spec, d, seed++);
      EXPECT_GT(st.max_ratio_l2, 0.0);
    }
}

TEST(ProblemConstants, RosenbrockDeclaresNoGlobalSmoothnessOrGradientBound) {
  const Problem p = Make("rosenbrock", 7);
  EXPECT_EQ(p.constants.L, kInf);
  EXPECT_EQ(p.constants.L_inf, kInf);
  EXPECT_EQ(p.constants.G, kInf);
  EXPECT_TRUE(p.constants.L_vec.empty());
  const auto j = p.declared();
  EXPECT_TRUE(j["L"].is_null());
  EXPECT_TRUE(j["f_star"].is_number());
  EXPECT_EQ(j["infinite"], nlohmann::json::array({"L", "L_inf", "L_vec_l1", "L_vec_max", "G"}));
  EXPECT_EQ(j["assumptions"]["2"], false);
  EXPECT_EQ(j["assumptions"]["1"], false);
}

// The quadratic's l2 ratio is exactly L for every pair: the declared constant is tight.
TEST(ProblemConstants, QuadraticLIsReached) {
  for (std::uint32_t d : kDims) {
    const PairStats st = CheckDeclaredConstants("quadratic:L=2.5,a=3", d, 7 + d);
    EXPECT_NEAR(st.max_ratio_l2, 2.5, 2.5 * 1e-9) << "d=" << d;
  }
}

// diag-quadratic: ||g(x)-g(y)||_1 / ||x-y||_inf reaches sum |h_i| = l1 at y - x = a sign vector.
TEST(ProblemConstants, DiagQuadraticLInfIsReachedAtASignVector) {
  for (const char* spec : {"diag-quadratic:l1=3", "diag-quadratic:law=power,decay=2,l1=3,negative=2"}) {
    const Problem p = Make(spec, 7);
    std::vector<double> x(7, 0.0), y(7);
    for (std::uint32_t i = 0; i < 7; ++i) y[i] = (i % 2 ? 1.0 : -1.0);
    const std::vector<double> gx = Grad(p, x), gy = Grad(p, y);
    std::vector<double> dg(7);
    for (std::uint32_t i = 0; i < 7; ++i) dg[i] = gy[i] - gx[i];
    EXPECT_NEAR(Norm1(dg), p.constants.L_inf, 3 * 1e-12) << spec;
  }
}

// nonconvex-separable: |f_i'| peaks at x_i^2 = 1/3 with value G = (c/d) 3 sqrt(3)/8; L_i = 2c/d
// is f_i'' at 0, approached by the ratio of two close points near 0.
TEST(ProblemConstants, NonconvexSeparableGAndLAreReached) {
  for (std::uint32_t d : kDims) {
    const Problem p = Make("nonconvex-separable:c=3", d);
    const std::vector<double> x(d, 1.0 / std::sqrt(3.0));
    const std::vector<double> g = Grad(p, x);
    EXPECT_NEAR(NormInf(g), p.constants.G, p.constants.G * 1e-12) << "d=" << d;
    EXPECT_NEAR(p.constants.G, 3.0 / d * 3.0 * std::sqrt(3.0) / 8.0, 1e-15);
    // Slightly off the peak the gradient is smaller: G is the supremum.
    const std::vector<double> x2(d, 1.0 / std::sqrt(3.0) * 1.01);
    EXPECT_LT(NormInf(Grad(p, x2)), p.constants.G);
    // Curvature at 0: (g(h) - g(0)) / h -> 2c/d.
    std::vector<double> y(d, 0.0);
    y[0] = 1e-5;
    EXPECT_NEAR(Grad(p, y)[0] / 1e-5, p.constants.L, p.constants.L * 1e-9);
    EXPECT_DOUBLE_EQ(p.constants.L_inf, 6.0);
    const PairStats st = CheckDeclaredConstants("nonconvex-separable:c=3", d, 900 + d);
    EXPECT_LE(st.max_grad_inf, p.constants.G);
  }
}

// ---------------------------------------------------------------------------------------------
// f*, Delta.

std::vector<double> Optimum(const Problem& p) {
  if (p.heterogeneous()) return std::vector<double>(p.dim(), p.node_centers[0]);  // one node: its centre
  return std::vector<double>(p.dim(), p.name == "rosenbrock" ? 1.0 : 0.0);
}

TEST(ProblemOptimum, FStarIsAttainedWithZeroGradientAndIsALowerBound) {
  std::mt19937_64 rng(5);
  for (const auto& spec : AllSpecs())
    for (std::uint32_t d : kDims) {
      const Problem p = Make(spec, d);
      SCOPED_TRACE(spec + " d=" + std::to_string(d));
      if (!p.constants.has_f_star) {
        EXPECT_EQ(spec, "diag-quadratic:negative=2");
        continue;
      }
      const std::vector<double> opt = Optimum(p);
      EXPECT_EQ(Value(p, opt), p.constants.f_star);
      EXPECT_EQ(p.gap(opt.data()), 0.0);
      for (double gi : Grad(p, opt)) EXPECT_EQ(gi, 0.0);
      for (int k = 0; k < 200; ++k) {
        const std::vector<double> x = RandomPoint(rng, d);
        EXPECT_GE(Value(p, x), p.constants.f_star);
      }
    }
}

TEST(ProblemOptimum, DeltaIsValueAtStartMinusFStar) {
  for (const auto& spec : AllSpecs())
    for (std::uint32_t d : kDims) {
      const Problem p = Make(spec, d);
      if (!p.constants.has_f_star) continue;
      EXPECT_EQ(p.constants.delta, Value(p, p.x0) - p.constants.f_star) << spec << " d=" << d;
      EXPECT_EQ(p.constants.delta, p.gap(p.x0.data())) << spec << " d=" << d;
      EXPECT_GT(p.constants.delta, 0.0) << spec << " d=" << d;
    }
}

// docs/theory.md: Delta = L a^2/2 stays fixed as d grows.
TEST(ProblemOptimum, QuadraticDeltaIsFixedInD) {
  for (std::uint32_t d : {1u, 10u, 1000u}) {
    const Problem p = Make("quadratic:L=2,a=3", d);
    EXPECT_NEAR(p.constants.delta, 9.0, 9.0 * 1e-12) << "d=" << d;
    EXPECT_NEAR(Norm2(p.x0), 3.0, 3.0 * 1e-14) << "d=" << d;
    EXPECT_EQ(p.constants.L, 2.0);
    EXPECT_EQ(p.constants.L_inf, 2.0 * d);
  }
}

// diag-quadratic: L_inf = ||L||_1 = l1 and Delta = a^2 l1 / 2 for any d and spectrum.
TEST(ProblemOptimum, DiagQuadraticLInfAndDeltaAreFixedInD) {
  for (const char* spec : {"diag-quadratic:l1=3,a=2", "diag-quadratic:law=power,decay=1,l1=3,a=2",
                           "diag-quadratic:law=spikes,spikes=1,ratio=50,l1=3,a=2"})
    for (std::uint32_t d : {1u, 10u, 1000u}) {
      const Problem p = Make(spec, d);
      SCOPED_TRACE(std::string(spec) + " d=" + std::to_string(d));
      EXPECT_EQ(p.constants.L_inf, 3.0);
      double l1 = 0, lmax = 0;
      for (double v : p.constants.L_vec) l1 += v, lmax = std::max(lmax, v);
      EXPECT_NEAR(l1, 3.0, 3.0 * 1e-13);
      EXPECT_EQ(p.constants.L, lmax);
      EXPECT_NEAR(p.constants.delta, 2.0 * 2.0 * 3.0 / 2.0, 6.0 * 1e-13);
    }
  // law=power: h_i proportional to i^-decay.
  const Problem p = Make("diag-quadratic:law=power,decay=1", 4);
  const double total = 1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4;
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_NEAR(p.constants.L_vec[i], 1.0 / (i + 1) / total, 1e-15);
}

TEST(ProblemOptimum, DiagQuadraticWithNegativeCurvatureHasNoFStar) {
  const Problem p = Make("diag-quadratic:negative=1", 10);
  EXPECT_FALSE(p.constants.has_f_star);
  EXPECT_EQ(p.constants.delta, kInf);
  EXPECT_TRUE(std::isnan(p.gap(p.x0.data())));
  EXPECT_TRUE(p.declared()["f_star"].is_null());  // none declared: null, and the flag says why
  EXPECT_EQ(p.declared()["assumptions"]["f_star_finite"], false);
  EXPECT_EQ(p.declared()["infinite"], nlohmann::json::array({"delta", "G"}));
  // Unbounded below along the last coordinate, and only there.
  std::vector<double> x(10, 0.0);
  x[9] = 1e4;
  EXPECT_LT(Value(p, x), -1e6);
  x[9] = 0;
  x[8] = 1e4;
  EXPECT_GT(Value(p, x), 1e6);
  // The smoothness constants still hold with |h_i|.
  EXPECT_EQ(p.constants.L_inf, 1.0);
  const Problem q = Make("diag-quadratic:negative=0", 10);
  EXPECT_TRUE(q.constants.has_f_star);
}

// ---------------------------------------------------------------------------------------------
// lowrank-quadratic against its dense matrix.

Eigen::MatrixXd DenseMatrix(const Problem& p) {
  const std::uint32_t d = p.dim();
  Eigen::MatrixXd a(d, d);
  std::vector<double> e(d, 0.0), g(d);
  for (std::uint32_t j = 0; j < d; ++j) {
    e[j] = 1.0;
    p.gradient(e.data(), g.data());
    for (std::uint32_t i = 0; i < d; ++i) a(i, j) = g[i];
    e[j] = 0.0;
  }
  return a;
}

TEST(ProblemLowRank, DeclaredConstantsMatchTheDenseMatrix) {
  for (const char* spec : {"lowrank-quadratic", "lowrank-quadratic:rank=5,mu=0,s=3,seed=11"}) {
    SCOPED_TRACE(spec);
    const Problem p = Make(spec, 32);
    EXPECT_FALSE(p.separable);
    const Eigen::MatrixXd a = DenseMatrix(p);
    EXPECT_LT((a - a.transpose()).cwiseAbs().maxCoeff(), 1e-13 * a.cwiseAbs().maxCoeff());
    const Eigen::MatrixXd sym = 0.5 * (a + a.transpose());
    const Eigen::VectorXd eig = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(sym).eigenvalues();
    EXPECT_NEAR(p.constants.L, eig.maxCoeff(), 1e-12 * eig.maxCoeff());
    EXPECT_GE(eig.minCoeff(), -1e-12 * eig.maxCoeff());  // PSD, so f* = 0 is right
    // L_i >= sum_j |A_ij| (so diag(L) - A is PSD, Assumption 1), and L_inf = sum_i L_i.
    double l1 = 0;
    for (int i = 0; i < 32; ++i) {
      EXPECT_GE(p.constants.L_vec[i] * (1 + 1e-13), a.row(i).cwiseAbs().sum()) << "row " << i;
      l1 += p.constants.L_vec[i];
    }
    EXPECT_NEAR(p.constants.L_inf, l1, 1e-12 * l1);
    EXPECT_GE(p.constants.L_inf * (1 + 1e-13), a.cwiseAbs().sum());
    // value = x^T A x / 2.
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(32, -1.0, 2.0);
    const std::vector<double> xv(x.data(), x.data() + 32);
    EXPECT_NEAR(Value(p, xv), 0.5 * x.dot(a * x), 1e-12 * std::abs(x.dot(a * x)));
    // The l2 constant is reached along the top eigenvector.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(sym);
    const Eigen::VectorXd top = es.eigenvectors().col(31);
    const std::vector<double> tv(top.data(), top.data() + 32);
    EXPECT_NEAR(Norm2(Grad(p, tv)) / Norm2(tv), p.constants.L, 1e-9 * p.constants.L);
    // L_inf is much larger than L in this family (the point of the problem).
    EXPECT_GT(p.constants.L_inf, 5 * p.constants.L);
  }
}

TEST(ProblemLowRank, StartHasNormA) {
  const Problem p = Make("lowrank-quadratic:a=2.5", 32);
  EXPECT_NEAR(Norm2(p.x0), 2.5, 1e-14);
}

TEST(ProblemLowRank, DeterministicGivenSeedAndDifferentAcrossSeeds) {
  const Problem a = Make("lowrank-quadratic:seed=5,rank=3", 16);
  const Problem b = Make("lowrank-quadratic:seed=5,rank=3", 16);
  const Problem c = Make("lowrank-quadratic:seed=6,rank=3", 16);
  const Problem def = Make("lowrank-quadratic", 16);
  const Problem zero = Make("lowrank-quadratic:seed=0", 16);
  std::mt19937_64 rng(3);
  const std::vector<double> x = RandomPoint(rng, 16);
  EXPECT_EQ(Grad(a, x), Grad(b, x));
  EXPECT_EQ(Value(a, x), Value(b, x));
  EXPECT_EQ(a.constants.L, b.constants.L);
  EXPECT_EQ(a.constants.L_vec, b.constants.L_vec);
  EXPECT_NE(Grad(a, x), Grad(c, x));
  EXPECT_NE(a.constants.L, c.constants.L);
  EXPECT_EQ(Grad(def, x), Grad(zero, x));
  EXPECT_EQ(a.resolved["seed"], 5);
}

// ---------------------------------------------------------------------------------------------
// Bad input: a SpecError that names the value and the allowed range.

void ExpectSpecError(const std::string& spec, std::uint32_t d, const std::vector<std::string>& parts) {
  try {
    Make(spec, d);
    ADD_FAILURE() << "no SpecError for '" << spec << "' at d=" << d;
  } catch (const SpecError& e) {
    const std::string msg = e.what();
    for (const auto& part : parts)
      EXPECT_NE(msg.find(part), std::string::npos) << "'" << msg << "' lacks '" << part << "'";
  }
}

TEST(ProblemBadInput, ThrowsSpecErrorNamingValueAndRange) {
  ExpectSpecError("rosenbrock", 1, {"rosenbrock", "d=1", "d >= 2"});
  ExpectSpecError("quadratic:L=-1", 4, {"L=-1", "> 0"});
  ExpectSpecError("quadratic:L=nan", 4, {"L=nan", "> 0"});
  ExpectSpecError("quadratic:L=0", 4, {"L=0", "> 0"});
  ExpectSpecError("quadratic:L=abc", 4, {"L='abc'", "not a number", "> 0"});
  ExpectSpecError("quadratic:foo=1", 4, {"unknown parameter 'foo'", "allowed: L, a"});
  ExpectSpecError("cubic", 4,
                  {"unknown problem 'cubic'", "quadratic", "diag-quadratic", "lowrank-quadratic",
                   "nonconvex-separable", "rosenbrock"});
  ExpectSpecError("diag-quadratic:negative=3", 2, {"negative=3", "[0, 2]"});
  ExpectSpecError("diag-quadratic:law=cubic", 2, {"law='cubic'", "const, power, spikes"});
  ExpectSpecError("lowrank-quadratic:rank=65", 8, {"rank=65", "[1, 64]"});
  ExpectSpecError("nonconvex-separable:c=-2", 8, {"c=-2", "> 0"});
  EXPECT_NO_THROW(Make("rosenbrock", 2));
}

}  // namespace
}  // namespace signrate

namespace signrate {
namespace {

// A key that the chosen settings never read would silently do nothing: it is refused.
TEST(ProblemBadInput, KeysWithoutEffectAreRefused) {
  for (const char* spec : {"diag-quadratic:decay=2", "diag-quadratic:law=power,ratio=3"}) {
    try {
      make_problem(parse_spec(spec, "problem"), 8);
      FAIL() << spec;
    } catch (const SpecError& e) {
      EXPECT_NE(std::string(e.what()).find("has no effect"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace signrate
