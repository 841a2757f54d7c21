// Tests of the single-node method steps (method_step.hpp), their resolution from specs
// (method.cpp) and the schedules (schedule.cpp), against docs/components.md's update rules.
//
// Every step test runs 2-3 steps on a 4-vector with a zero gradient coordinate and a momentum
// that becomes exactly zero, and compares with (a) the rule written out here and (b) literal
// numbers computed by hand (exact binary fractions wherever possible, so == is exact). The
// library is built with -ffp-contract=off, and so is this file, so the same operations in the
// same order give the same bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "signrate/error.hpp"
#include "signrate/method.hpp"
#include "signrate/method_step.hpp"
#include "signrate/schedule.hpp"
#include "signrate/spec.hpp"

namespace signrate {
namespace {

using Vec = std::vector<double>;

Method MakeMethod(const std::string& spec, double eta, double beta) {
  return make_method(parse_spec(spec, "method"), eta, beta);
}

ScheduleValues MakeSchedule(const std::string& spec, std::uint32_t d, std::uint32_t T) {
  return make_schedule(parse_spec(spec, "schedule"), d, T);
}

// x and the method's two state slots, m and s, zero-initialized as the engine does.
struct State {
  Vec x, m, s;
  explicit State(Vec x0) : x(std::move(x0)), m(x.size(), 0.0), s(x.size(), 0.0) {}
};

// One step of the method at step t over all coordinates, the way the engine calls it (two
// phases for error feedback, with scale = ||p||_1 / d).
void Step(const Method& method, std::uint32_t t, const Vec& g, State& st) {
  const MethodCoeffs c = method.coeffs_at(t);
  const std::size_t d = g.size();
  if (method.two_phase()) {
    double l1 = 0.0;
    for (std::size_t i = 0; i < d; ++i) l1 += ef_accumulate(c, g[i], st.m[i]);
    const double scale = l1 / static_cast<double>(d);
    for (std::size_t i = 0; i < d; ++i) ef_apply(scale, st.x[i], st.m[i]);
  } else {
    for (std::size_t i = 0; i < d; ++i) method_step(c, g[i], st.x[i], st.m[i], st.s[i]);
  }
}

double Sgn(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

void ExpectVecEq(const Vec& actual, const Vec& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_EQ(actual[i], expected[i]) << what << " [" << i << "]";
}

void ExpectVecDoubleEq(const Vec& actual, const Vec& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_DOUBLE_EQ(actual[i], expected[i]) << what << " [" << i << "]";
}

// ---------------------------------------------------------------------------------------------
// sign

TEST(MethodSign, ZeroMapsToZeroAndTinyValuesKeepTheirSign) {
  EXPECT_EQ(sign(0.0), 0.0);
  EXPECT_EQ(sign(-0.0), 0.0);
  EXPECT_EQ(sign(1e-300), 1.0);
  EXPECT_EQ(sign(-1e-300), -1.0);
  EXPECT_EQ(sign(std::numeric_limits<double>::denorm_min()), 1.0);
  EXPECT_EQ(sign(-std::numeric_limits<double>::denorm_min()), -1.0);
  EXPECT_EQ(sign(3.5), 1.0);
  EXPECT_EQ(sign(-2.0), -1.0);
  EXPECT_EQ(sign(std::numeric_limits<double>::infinity()), 1.0);
  EXPECT_EQ(sign(-std::numeric_limits<double>::infinity()), -1.0);
  EXPECT_EQ(sign(std::numeric_limits<double>::quiet_NaN()), 0.0);  // documented in method_step.hpp
}

// ---------------------------------------------------------------------------------------------
// Each method against its rule.

TEST(MethodStep, Sgd) {
  const Method method = MakeMethod("sgd", 0.5, 0.1);
  State st({1.0, -2.0, 0.5, 0.0});
  const Vec g1 = {0.25, 0.0, -1.0, 3.0}, g2 = {1.0, 2.0, -0.5, 0.0};
  Vec want = st.x;
  for (std::size_t i = 0; i < 4; ++i) want[i] -= 0.5 * g1[i];
  Step(method, 1, g1, st);
  ExpectVecEq(st.x, want, "x_2");
  ExpectVecEq(st.x, {0.875, -2.0, 1.0, -1.5}, "x_2 literal");
  Step(method, 2, g2, st);
  ExpectVecEq(st.x, {0.375, -3.0, 1.25, -1.5}, "x_3 literal");
}

// PyTorch SGD(momentum=mu, dampening=0): buf_1 = g_1; buf_t = mu buf_{t-1} + g_t; x -= eta buf.
TEST(MethodStep, SgdmPyTorchConvention) {
  const double eta = 0.25, mu = 0.5;
  const Method method = MakeMethod("sgdm:mu=0.5", eta, 0.9);
  EXPECT_EQ(method.base.mu, mu);
  State st(Vec(4, 0.0));
  st.m = {7.0, 7.0, 7.0, 7.0};  // whatever is in the slot, buf_1 = g_1
  const std::vector<Vec> gs = {{1.0, 0.0, -2.0, 4.0}, {2.0, 0.0, 1.0, -2.0}, {0.0, 4.0, 0.0, 1.0}};
  Vec x(4, 0.0), buf(4, 0.0);
  for (std::uint32_t t = 1; t <= 3; ++t) {
    for (std::size_t i = 0; i < 4; ++i) {
      buf[i] = (t == 1) ? gs[t - 1][i] : mu * buf[i] + gs[t - 1][i];
      x[i] -= eta * buf[i];
    }
    Step(method, t, gs[t - 1], st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
    ExpectVecEq(st.m, buf, "buf at t=" + std::to_string(t));
  }
  // By hand: buf = (1,0,-2,4), (2.5,0,0,0), (1.25,4,0,1).
  ExpectVecEq(st.m, {1.25, 4.0, 0.0, 1.0}, "buf_3 literal");
  ExpectVecEq(st.x, {-1.1875, -1.0, 0.5, -1.25}, "x_4 literal");
}

// PyTorch AdamW (torch.optim.AdamW, single-tensor path):
//   x *= 1 - lr wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//   step_size = lr / (1 - b1^t);  denom = sqrt(v) / sqrt(1 - b2^t) + eps;  x -= step_size m / denom.
// (Equivalently x -= lr mhat / (sqrt(vhat) + eps) with mhat = m/(1-b1^t), vhat = v/(1-b2^t).)
void AdamwReference(double lr, double b1, double b2, double eps, double wd, std::uint32_t t, const Vec& g,
                    Vec& x, Vec& m, Vec& v) {
  const double bc1 = 1.0 - std::pow(b1, t), bc2 = 1.0 - std::pow(b2, t);
  const double step_size = lr / bc1;
  for (std::size_t i = 0; i < g.size(); ++i) {
    x[i] *= 1.0 - lr * wd;
    m[i] = b1 * m[i] + (1.0 - b1) * g[i];
    v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
    const double denom = std::sqrt(v[i]) / std::sqrt(bc2) + eps;
    x[i] -= step_size * m[i] / denom;
  }
}

TEST(MethodStep, AdamwMatchesPyTorch) {
  const double lr = 0.1, b1 = 0.5, b2 = 0.75, eps = 1e-8, wd = 0.5;
  const Method method = MakeMethod("adamw:b1=0.5,b2=0.75,eps=1e-8,wd=0.5", lr, 0.1);
  const Vec x0 = {1.0, -1.0, 2.0, 0.0};
  State st(x0);
  Vec x = x0, m(4, 0.0), v(4, 0.0);
  // Coordinate 1 has g = 0 for two steps (only the decay moves it); coordinate 2's m is exactly
  // 0 after step 2 (the step is then 0 while v > 0).
  const std::vector<Vec> gs = {{2.0, 0.0, -1.0, 0.5}, {-2.0, 0.0, 0.5, 0.5}, {1.0, 3.0, 0.0, -1.0}};
  for (std::uint32_t t = 1; t <= 3; ++t) {
    const Vec prev = st.x;
    AdamwReference(lr, b1, b2, eps, wd, t, gs[t - 1], x, m, v);
    Step(method, t, gs[t - 1], st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
    ExpectVecEq(st.m, m, "m at t=" + std::to_string(t));
    ExpectVecEq(st.s, v, "v at t=" + std::to_string(t));
    if (t == 1) {
      // By hand: x = 0.95 x0 - 0.2 * m / (sqrt(v)/0.5 + 1e-8), m = g/2, v = g^2/4.
      EXPECT_NEAR(st.x[0], 0.8500000005, 1e-15);
      EXPECT_EQ(st.x[1], -0.95);
      EXPECT_NEAR(st.x[2], 1.999999999, 1e-15);
      EXPECT_NEAR(st.x[3], -0.099999998, 1e-15);
    }
    if (t == 2) {
      // m_2 = 0.5 * (-0.5) + 0.5 * 0.5 = 0: only the decay acts on coordinate 2.
      EXPECT_EQ(st.m[2], 0.0);
      EXPECT_GT(st.s[2], 0.0);
      EXPECT_EQ(st.x[2], prev[2] * 0.95);
      EXPECT_NEAR(st.x[2], 1.89999999905, 1e-15);
      EXPECT_EQ(st.x[1], -0.95 * 0.95);
    }
  }
  // High-precision values of the same three steps (computed with 40-digit decimals).
  EXPECT_NEAR(st.x[0], 0.78141234555015984640, 1e-15);
  EXPECT_NEAR(st.x[1], -0.94427160713521266446, 1e-15);
  EXPECT_NEAR(st.x[2], 1.80499999909750000902, 1e-15);
  EXPECT_NEAR(st.x[3], -0.13812369475614308283, 1e-15);
}

TEST(MethodStep, AdamwWithDefaultsMatchesPyTorch) {
  const Method method = MakeMethod("adamw", 1e-3, 0.1);
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  const Vec x0 = {0.3, -1.2, 0.0, 2.0};
  State st(x0);
  Vec x = x0, m(4, 0.0), v(4, 0.0);
  for (std::uint32_t t = 1; t <= 5; ++t) {
    Vec g(4);
    for (auto& gi : g) gi = normal(rng);
    g[2] = 0.0;
    AdamwReference(1e-3, 0.9, 0.999, 1e-8, 0.01, t, g, x, m, v);
    Step(method, t, g, st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
  }
  EXPECT_EQ(st.x[2], 0.0);
  // The first Adam step is lr g / (|g| + eps) (mhat = g, vhat = g^2): by hand,
  // 1e-3 * 2 / (2 + 1e-8), 1e-3 * 0.5 / (0.5 + 1e-8), 1e-3 * 1e-3 / (1e-3 + 1e-8).
  State one(Vec(4, 0.0));
  Step(method, 1, {2.0, -0.5, 0.0, 1e-3}, one);
  EXPECT_NEAR(one.x[0], -0.000999999995000000025, 1e-18);
  EXPECT_NEAR(one.x[1], 0.00099999998000000040, 1e-18);
  EXPECT_EQ(one.x[2], 0.0);
  EXPECT_NEAR(one.x[3], -0.00099999000009999900, 1e-18);
}

TEST(MethodStep, SignSgd) {
  const Method method = MakeMethod("signsgd", 0.25, 0.1);
  State st({1.0, 1.0, 1.0, 1.0});
  Step(method, 1, {3.0, 0.0, -1e-300, -0.0}, st);
  ExpectVecEq(st.x, {0.75, 1.0, 1.25, 1.0}, "x_2");
  Step(method, 2, {-2.0, 5.0, 0.0, 1e-300}, st);
  ExpectVecEq(st.x, {1.0, 0.75, 1.25, 0.75}, "x_3");
}

// Signum: m_0 = 0, m = mu m + (1-mu) g (mu weighs the OLD momentum), x -= eta sign(m).
TEST(MethodStep, Signum) {
  const double eta = 0.5, mu = 0.75;
  const Method method = MakeMethod("signum:mu=0.75", eta, 0.1);
  State st(Vec(4, 0.0));
  const std::vector<Vec> gs = {{4.0, 0.0, -4.0, 4.0}, {-4.0, 0.0, 2.0, -3.0}, {1.0, 0.0, 0.0, 0.25}};
  Vec x(4, 0.0), m(4, 0.0);
  for (std::uint32_t t = 1; t <= 3; ++t) {
    for (std::size_t i = 0; i < 4; ++i) {
      m[i] = mu * m[i] + (1.0 - mu) * gs[t - 1][i];
      x[i] -= eta * Sgn(m[i]);
    }
    Step(method, t, gs[t - 1], st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
    ExpectVecEq(st.m, m, "m at t=" + std::to_string(t));
    if (t == 1) ExpectVecEq(st.m, {1.0, 0.0, -1.0, 1.0}, "m_1 literal (m_0 = 0: m_1 = (1-mu) g_1)");
    if (t == 2) {
      // m_2 = (-0.25, 0, -0.25, 0): coordinate 3's momentum is exactly 0, so it does not move
      // although g_2 = -3.
      ExpectVecEq(st.m, {-0.25, 0.0, -0.25, 0.0}, "m_2 literal");
      ExpectVecEq(st.x, {0.0, 0.0, 1.0, -0.5}, "x_3 literal");
    }
  }
  ExpectVecEq(st.m, {0.0625, 0.0, -0.1875, 0.0625}, "m_3 literal");
  ExpectVecEq(st.x, {-0.5, 0.0, 1.5, -1.0}, "x_4 literal");
}

// SMM (Algorithm 1): v_1 = g_1; v_t = (1-beta) v_{t-1} + beta g_t (beta weighs the NEW gradient).
TEST(MethodStep, Smm) {
  const double eta = 0.1, beta = 0.25;
  const Method method = MakeMethod("smm", eta, beta);
  State st(Vec(4, 0.0));
  const std::vector<Vec> gs = {{1.0, 0.0, -2.0, 4.0}, {-4.0, 0.0, 1.0, -12.0}, {2.0, 0.0, 0.0, 1.0}};
  Vec x(4, 0.0), v(4, 0.0);
  for (std::uint32_t t = 1; t <= 3; ++t) {
    for (std::size_t i = 0; i < 4; ++i) {
      v[i] = (t == 1) ? gs[0][i] : (1.0 - beta) * v[i] + beta * gs[t - 1][i];
      x[i] -= eta * Sgn(v[i]);
    }
    Step(method, t, gs[t - 1], st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
    ExpectVecEq(st.m, v, "v at t=" + std::to_string(t));
    if (t == 1) ExpectVecEq(st.m, {1.0, 0.0, -2.0, 4.0}, "v_1 = g_1");
    if (t == 2) ExpectVecEq(st.m, {-0.25, 0.0, -1.25, 0.0}, "v_2 literal (coordinate 3 exactly 0)");
  }
  ExpectVecEq(st.m, {0.3125, 0.0, -0.9375, 0.25}, "v_3 literal");
  ExpectVecDoubleEq(st.x, {-0.1, 0.0, 0.3, -0.2}, "x_4 literal");
}

// signSGD-SIM: m_0 = 0, m = (1-beta) m + beta g, x -= eta sign(m); s keeps x_{t-1}.
TEST(MethodStep, SignSgdSim) {
  const double eta = 0.5, beta = 0.25;
  const Method method = MakeMethod("signsgd-sim", eta, beta);
  EXPECT_FALSE(method.extrapolate);
  const Vec x0 = {1.0, -1.0, 0.0, 2.0};
  State st(x0);
  Step(method, 1, {4.0, 0.0, -4.0, 4.0}, st);
  ExpectVecEq(st.m, {1.0, 0.0, -1.0, 1.0}, "m_1 = beta g_1 (m_0 = 0)");
  ExpectVecEq(st.s, x0, "s = x_1");
  ExpectVecEq(st.x, {0.5, -1.0, 0.5, 1.5}, "x_2");
  const Vec x2 = st.x;
  Step(method, 2, {-4.0, 0.0, 2.0, -3.0}, st);
  ExpectVecEq(st.m, {-0.25, 0.0, -0.25, 0.0}, "m_2");
  ExpectVecEq(st.s, x2, "s = x_2");
  ExpectVecEq(st.x, {1.0, -1.0, 1.0, 1.5}, "x_3");
  // The extrapolated query point x_t + ((1-beta)/beta)(x_t - x_{t-1}) = x_3 + 3 (x_3 - x_2).
  const Vec want = {2.5, -1.0, 2.5, 1.5};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(extrapolated_point(beta, st.x[i], st.s[i]), want[i]) << i;
  EXPECT_EQ(extrapolated_point(1.0, 5.0, -7.0), 5.0);  // beta = 1: no extrapolation
  EXPECT_TRUE(MakeMethod("signsgd-sim:extrapolate=1", eta, beta).extrapolate);
}

// Error feedback: p = eta g + e; D = (||p||_1/d) sign(p); x -= D; e = p - D.
TEST(MethodStep, EfSignSgd) {
  const double eta = 0.5;
  const Method method = MakeMethod("ef-signsgd", eta, 0.1);
  EXPECT_TRUE(method.two_phase());
  State st(Vec(4, 0.0));
  const std::vector<Vec> gs = {{1.0, -2.0, 0.0, 4.0}, {0.75, 0.25, 0.0, -2.0}, {2.0, 0.0, -1.0, 0.0}};
  Vec x(4, 0.0), e(4, 0.0);
  for (std::uint32_t t = 1; t <= 3; ++t) {
    Vec p(4);
    double l1 = 0;
    for (std::size_t i = 0; i < 4; ++i) p[i] = eta * gs[t - 1][i] + e[i], l1 += std::abs(p[i]);
    for (std::size_t i = 0; i < 4; ++i) {
      const double step = (l1 / 4) * Sgn(p[i]);
      x[i] -= step;
      e[i] = p[i] - step;
    }
    Step(method, t, gs[t - 1], st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
    ExpectVecEq(st.m, e, "e at t=" + std::to_string(t));
    if (t == 1) {
      // p = (0.5, -1, 0, 2), ||p||_1/d = 0.875.
      ExpectVecEq(st.x, {-0.875, 0.875, 0.0, -0.875}, "x_2 literal");
      ExpectVecEq(st.m, {-0.375, -0.125, 0.0, 1.125}, "e_1 literal");
    }
    if (t == 2) {
      // p = (0, 0, 0, 0.125): the zero coordinates of p do not move.
      ExpectVecEq(st.x, {-0.875, 0.875, 0.0, -0.90625}, "x_3 literal");
      ExpectVecEq(st.m, {0.0, 0.0, 0.0, 0.09375}, "e_2 literal");
    }
  }
  // p = (1, 0, -0.5, 0.09375), ||p||_1/d = 0.3984375.
  ExpectVecEq(st.x, {-1.2734375, 0.875, 0.3984375, -1.3046875}, "x_4 literal");
  ExpectVecEq(st.m, {0.6015625, 0.0, -0.1015625, -0.3046875}, "e_3 literal");
}

// Error feedback keeps x_t - e_t on plain SGD's path: x_t - e_t = x_1 - eta sum_{s<t} g_s.
TEST(MethodStep, EfSignSgdVirtualIterateFollowsSgd) {
  const double eta = 0.01;
  const Method method = MakeMethod("ef-signsgd", eta, 0.1);
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal;
  const Vec x0 = {1.0, -0.5, 0.25, 2.0, 0.0, -3.0};
  State st(x0);
  Vec sgd = x0;
  for (std::uint32_t t = 1; t <= 200; ++t) {
    Vec g(6);
    for (auto& gi : g) gi = normal(rng);
    for (std::size_t i = 0; i < 6; ++i) sgd[i] -= eta * g[i];
    Step(method, t, g, st);
  }
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(st.x[i] - st.m[i], sgd[i], 1e-12) << i;
}

// Lion: c = b1 m + (1-b1) g; x -= eta (sign(c) + wd x); m = b2 m + (1-b2) g.
TEST(MethodStep, Lion) {
  const double eta = 0.25, b1 = 0.5, b2 = 0.75, wd = 0.5;
  const Method method = MakeMethod("lion:b1=0.5,b2=0.75,wd=0.5", eta, 0.1);
  const Vec x0 = {1.0, -1.0, 0.0, 2.0};
  State st(x0);
  const std::vector<Vec> gs = {{2.0, 0.0, -1.0, 0.0}, {-1.0, 0.0, 0.25, 3.0}, {0.0, 1.0, 0.0, -1.0}};
  Vec x = x0, m(4, 0.0);
  for (std::uint32_t t = 1; t <= 3; ++t) {
    for (std::size_t i = 0; i < 4; ++i) {
      const double c = b1 * m[i] + (1.0 - b1) * gs[t - 1][i];
      x[i] -= eta * (Sgn(c) + wd * x[i]);
      m[i] = b2 * m[i] + (1.0 - b2) * gs[t - 1][i];
    }
    Step(method, t, gs[t - 1], st);
    ExpectVecEq(st.x, x, "x at t=" + std::to_string(t));
    ExpectVecEq(st.m, m, "m at t=" + std::to_string(t));
    if (t == 1) ExpectVecEq(st.x, {0.625, -0.875, 0.25, 1.75}, "x_2 literal");
    // Step 2: c = (-0.25, 0, 0, 1.5); coordinate 2's c is exactly 0 although g_2 != 0.
    if (t == 2) ExpectVecEq(st.x, {0.796875, -0.765625, 0.21875, 1.28125}, "x_3 literal");
  }
  ExpectVecEq(st.x, {0.447265625, -0.919921875, 0.44140625, 1.37109375}, "x_4 literal");
  ExpectVecEq(st.m, {0.09375, 0.25, -0.09375, 0.3125}, "m_3 literal");
}

// ---------------------------------------------------------------------------------------------
// Equivalences (docs/theory.md, "Methods").

// signum with mu = 1 - beta is smm except for the first step: m_1 = beta g_1 vs v_1 = g_1.
TEST(MethodEquivalence, SignumWithMuOneMinusBetaIsSmmExceptTheFirstStep) {
  const double eta = 0.125, beta = 0.5;
  const Method signum = MakeMethod("signum", eta, beta);  // mu defaults to 1 - beta
  const Method smm = MakeMethod("smm", eta, beta);
  ASSERT_EQ(signum.base.mu, 1.0 - beta);
  State a({0.0}), b({0.0});
  Step(signum, 1, {1.0}, a);
  Step(smm, 1, {1.0}, b);
  EXPECT_EQ(a.x, b.x);     // sign(beta g_1) = sign(g_1): same first move...
  EXPECT_EQ(a.m[0], 0.5);  // ...but different momentum
  EXPECT_EQ(b.m[0], 1.0);
  Step(signum, 2, {-0.75}, a);  // 0.25 - 0.375 < 0
  Step(smm, 2, {-0.75}, b);     // 0.5 - 0.375 > 0
  EXPECT_EQ(a.x[0], 0.0);
  EXPECT_EQ(b.x[0], -0.25);
}

TEST(MethodEquivalence, SignumAndSmmStepIdenticallyFromTheSameMomentum) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  for (double beta : {0.25, 0.1, 1.0 / 16}) {
    const double eta = 0.01;
    const Method signum = MakeMethod("signum", eta, beta);
    const Method smm = MakeMethod("smm", eta, beta);
    const Vec x0 = {0.5, -1.0, 2.0, 0.0, 1e-3};
    State a(x0), b(x0);
    // One smm step sets v_1 = g_1; give signum the same momentum, then run both from t = 2.
    const Vec g1 = {1.0, -2.0, 0.5, 0.0, 3.0};
    Step(smm, 1, g1, b);
    a.x = b.x;
    a.m = b.m;
    for (std::uint32_t t = 2; t <= 40; ++t) {
      Vec g(5);
      for (auto& gi : g) gi = normal(rng);
      Step(signum, t, g, a);
      Step(smm, t, g, b);
      if (beta == 0.25 || beta == 1.0 / 16) {
        // 1 - (1 - beta) == beta exactly: the same operations, the same bits.
        ExpectVecEq(a.m, b.m, "m at t=" + std::to_string(t));
      } else {
        for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(a.m[i], b.m[i], 1e-14) << "t=" << t;
      }
      ExpectVecEq(a.x, b.x, "x at t=" + std::to_string(t));
    }
  }
}

// Lion with b1 = b2 and wd = 0 is Signum with mu = b1 (its c is Signum's new momentum).
TEST(MethodEquivalence, LionWithEqualBetasAndNoDecayIsSignum) {
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal;
  for (const char* b : {"0.9", "0.75", "0.5"}) {
    const Method lion = MakeMethod(std::string("lion:wd=0,b1=") + b + ",b2=" + b, 0.05, 0.1);
    const Method signum = MakeMethod(std::string("signum:mu=") + b, 0.05, 0.1);
    const Vec x0 = {1.0, -2.0, 0.0, 0.25};
    State l(x0), s(x0);
    for (std::uint32_t t = 1; t <= 25; ++t) {
      Vec g(4);
      for (auto& gi : g) gi = normal(rng);
      if (t == 3) g[2] = 0.0;
      Step(lion, t, g, l);
      Step(signum, t, g, s);
      ExpectVecEq(l.x, s.x, std::string("x, b=") + b + " t=" + std::to_string(t));
      ExpectVecEq(l.m, s.m, std::string("m, b=") + b + " t=" + std::to_string(t));
    }
  }
  // With b1 != b2 they differ (the equivalence is not vacuous): m_1 = 0.25 g; c_2 differs.
  const Method lion = MakeMethod("lion:b1=0.5,b2=0.75,wd=0", 0.5, 0.1);
  const Method signum = MakeMethod("signum:mu=0.5", 0.5, 0.1);
  State l({0.0}), s({0.0});
  Step(lion, 1, {1.0}, l);
  Step(signum, 1, {1.0}, s);
  Step(lion, 2, {-0.4}, l);    // c = 0.5 * 0.25 - 0.2 < 0
  Step(signum, 2, {-0.4}, s);  // m = 0.5 * 0.5 - 0.2 > 0
  EXPECT_NE(l.x, s.x);
}

// ---------------------------------------------------------------------------------------------
// make_method: names, defaults, overrides, coefficients per step.

TEST(MethodMake, EveryNameResolvesToItsKind) {
  const std::vector<std::pair<std::string, MethodKind>> names = {{"sgd", MethodKind::kSgd},
                                                                 {"sgdm", MethodKind::kSgdm},
                                                                 {"adamw", MethodKind::kAdamw},
                                                                 {"signsgd", MethodKind::kSignSgd},
                                                                 {"signum", MethodKind::kSignum},
                                                                 {"smm", MethodKind::kSmm},
                                                                 {"signsgd-sim", MethodKind::kSignSgdSim},
                                                                 {"ef-signsgd", MethodKind::kEfSignSgd},
                                                                 {"lion", MethodKind::kLion}};
  EXPECT_EQ(method_registry().size(), names.size());
  for (const auto& [name, kind] : names) {
    const Method m = MakeMethod(name, 0.01, 0.2);
    EXPECT_EQ(m.name, name);
    EXPECT_EQ(m.kind, kind) << name;
    EXPECT_EQ(m.base.kind, kind) << name;
    EXPECT_EQ(m.base.eta, 0.01) << name;
    EXPECT_EQ(m.base.beta, 0.2) << name;
    EXPECT_EQ(m.two_phase(), kind == MethodKind::kEfSignSgd) << name;
    EXPECT_EQ(default_schedule(name), name == "signsgd-sim" ? "theorem2" : "theorem1") << name;
  }
}

TEST(MethodMake, MomentumDefaultsToOneMinusBetaAndAGivenMuOverrides) {
  for (const char* name : {"signum", "sgdm"}) {
    const Method def = MakeMethod(name, 0.01, 0.125);
    EXPECT_EQ(def.base.mu, 0.875) << name;
    EXPECT_EQ(def.resolved["mu"], 0.875) << name;
    const Method given = MakeMethod(std::string(name) + ":mu=0.3", 0.01, 0.125);
    EXPECT_EQ(given.base.mu, 0.3) << name;
    EXPECT_EQ(given.resolved["mu"], 0.3) << name;
    EXPECT_THROW(MakeMethod(std::string(name) + ":mu=1", 0.01, 0.125), SpecError) << name;
    EXPECT_THROW(MakeMethod(std::string(name) + ":mu=-0.1", 0.01, 0.125), SpecError) << name;
    EXPECT_NO_THROW(MakeMethod(std::string(name) + ":mu=0", 0.01, 0.125)) << name;
  }
}

TEST(MethodMake, AdamwAndLionDefaults) {
  const Method adamw = MakeMethod("adamw", 1e-3, 0.1);
  EXPECT_EQ(adamw.base.b1, 0.9);
  EXPECT_EQ(adamw.base.b2, 0.999);
  EXPECT_EQ(adamw.base.eps, 1e-8);
  EXPECT_EQ(adamw.base.wd, 0.01);
  EXPECT_EQ(adamw.resolved["wd"], 0.01);
  const Method lion = MakeMethod("lion", 1e-4, 0.1);
  EXPECT_EQ(lion.base.b1, 0.9);
  EXPECT_EQ(lion.base.b2, 0.99);
  EXPECT_EQ(lion.base.wd, 0.0);
  const Method custom = MakeMethod("adamw:b1=0.8,b2=0.99,eps=1e-6,wd=0", 1e-3, 0.1);
  EXPECT_EQ(custom.base.b1, 0.8);
  EXPECT_EQ(custom.base.b2, 0.99);
  EXPECT_EQ(custom.base.eps, 1e-6);
  EXPECT_EQ(custom.base.wd, 0.0);
}

TEST(MethodMake, AdamwBiasCorrectionsPerStep) {
  const Method m = MakeMethod("adamw:b1=0.5,b2=0.75", 0.1, 0.1);
  const MethodCoeffs c1 = m.coeffs_at(1), c3 = m.coeffs_at(3);
  EXPECT_EQ(c1.t, 1u);
  EXPECT_DOUBLE_EQ(c1.adam_step, 0.2);      // 0.1 / (1 - 0.5)
  EXPECT_DOUBLE_EQ(c1.adam_sqrt_bc2, 0.5);  // sqrt(1 - 0.75)
  EXPECT_EQ(c3.t, 3u);
  EXPECT_DOUBLE_EQ(c3.adam_step, 0.1 / 0.875);
  EXPECT_DOUBLE_EQ(c3.adam_sqrt_bc2, std::sqrt(1.0 - 27.0 / 64.0));
  EXPECT_EQ(MakeMethod("smm", 0.1, 0.2).coeffs_at(7).t, 7u);
}

TEST(MethodMake, BadInputThrowsSpecError) {
  EXPECT_THROW(MakeMethod("adam", 0.1, 0.1), SpecError);
  EXPECT_THROW(MakeMethod("smm:mu=0.5", 0.1, 0.1), SpecError);  // smm takes beta from the schedule
  EXPECT_THROW(MakeMethod("adamw:eps=0", 0.1, 0.1), SpecError);
  EXPECT_THROW(MakeMethod("lion:wd=-1", 0.1, 0.1), SpecError);
  EXPECT_THROW(MakeMethod("signsgd-sim:extrapolate=2", 0.1, 0.1), SpecError);
  try {
    MakeMethod("signum:mu=1.5", 0.1, 0.1);
    ADD_FAILURE() << "no SpecError";
  } catch (const SpecError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("mu=1.5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[0, 1)"), std::string::npos) << msg;
  }
}

// ---------------------------------------------------------------------------------------------
// Schedules.

TEST(ScheduleValues, Theorem1HasTheDFactor) {
  const ScheduleValues v = MakeSchedule("theorem1", 16, 256);
  EXPECT_DOUBLE_EQ(v.beta, 1.0 / 16);                      // T^-1/2
  EXPECT_DOUBLE_EQ(v.eta, 0.25 * std::pow(256.0, -0.75));  // d^-1/2 T^-3/4
  EXPECT_DOUBLE_EQ(v.eta, 1.0 / 256);
  const ScheduleValues w = MakeSchedule("theorem1", 64, 256);
  EXPECT_DOUBLE_EQ(w.eta, v.eta / 2);
  EXPECT_DOUBLE_EQ(w.beta, v.beta);
}

TEST(ScheduleValues, Theorem2HasNoDFactor) {
  for (std::uint32_t d : {1u, 16u, 1000u}) {
    const ScheduleValues v = MakeSchedule("theorem2", d, 256);
    EXPECT_DOUBLE_EQ(v.beta, 1.0 / 16) << d;
    EXPECT_DOUBLE_EQ(v.eta, 1.0 / 64) << d;
  }
}

TEST(ScheduleValues, ScalesMultiply) {
  const ScheduleValues v = MakeSchedule("theorem1:eta_scale=3,beta_scale=2", 16, 256);
  EXPECT_DOUBLE_EQ(v.beta, 2.0 / 16);
  EXPECT_DOUBLE_EQ(v.eta, 3.0 / 256);
  const ScheduleValues w = MakeSchedule("theorem2:eta_scale=0.5,beta_scale=4", 7, 10000);
  EXPECT_DOUBLE_EQ(w.beta, 4.0 / 100);
  EXPECT_DOUBLE_EQ(w.eta, 0.5 / 1000);
  EXPECT_EQ(w.resolved["eta_scale"], 0.5);
  EXPECT_EQ(w.resolved["beta_scale"], 4.0);
}

TEST(ScheduleValues, ConstantAndPower) {
  const ScheduleValues c = MakeSchedule("constant:eta=0.3,beta=0.2", 5, 1000);
  EXPECT_EQ(c.eta, 0.3);
  EXPECT_EQ(c.beta, 0.2);
  const ScheduleValues def = MakeSchedule("constant", 5, 1000);
  EXPECT_EQ(def.eta, 0.01);
  EXPECT_EQ(def.beta, 0.1);
  EXPECT_EQ(MakeSchedule("constant:beta=1", 5, 10).beta, 1.0);  // beta = 1 is allowed
  // eta = 2 d^0.5 T^-1, beta = 0.5 d^0 T^-0.5 at d = 4, T = 16.
  const ScheduleValues p =
      MakeSchedule("power:eta_c=2,eta_d=0.5,eta_T=-1,beta_c=0.5,beta_d=0,beta_T=-0.5", 4, 16);
  EXPECT_DOUBLE_EQ(p.eta, 0.25);
  EXPECT_DOUBLE_EQ(p.beta, 0.125);
  // power's defaults are theorem2's exponents.
  const ScheduleValues pd = MakeSchedule("power", 9, 256), t2 = MakeSchedule("theorem2", 9, 256);
  EXPECT_DOUBLE_EQ(pd.eta, t2.eta);
  EXPECT_DOUBLE_EQ(pd.beta, t2.beta);
  // power with a d-exponent: eta = d^-1/2 T^-3/4 reproduces theorem1.
  const ScheduleValues p1 = MakeSchedule("power:eta_d=-0.5", 16, 256);
  EXPECT_DOUBLE_EQ(p1.eta, MakeSchedule("theorem1", 16, 256).eta);
}

void ExpectScheduleError(const std::string& spec, std::uint32_t d, std::uint32_t T,
                         const std::vector<std::string>& parts) {
  try {
    MakeSchedule(spec, d, T);
    ADD_FAILURE() << "no SpecError for '" << spec << "'";
  } catch (const SpecError& e) {
    const std::string msg = e.what();
    for (const auto& part : parts)
      EXPECT_NE(msg.find(part), std::string::npos) << "'" << msg << "' lacks '" << part << "'";
  }
}

TEST(ScheduleValues, OutOfDomainThrowsNeverClamps) {
  // beta = 100 / sqrt(4) = 50.
  ExpectScheduleError("theorem1:beta_scale=100", 16, 4, {"beta", "50", "(0, 1]"});
  ExpectScheduleError("theorem2:beta_scale=3", 16, 4, {"beta", "1.5", "(0, 1]"});
  ExpectScheduleError("constant:eta=0", 16, 4, {"eta=0", "> 0"});
  ExpectScheduleError("constant:eta=-1", 16, 4, {"eta=-1", "> 0"});
  ExpectScheduleError("constant:beta=0", 16, 4, {"beta=0", "(0, 1]"});
  ExpectScheduleError("constant:beta=1.5", 16, 4, {"beta=1.5", "(0, 1]"});
  ExpectScheduleError("theorem1:eta_scale=0", 16, 4, {"eta_scale=0", "> 0"});
  ExpectScheduleError("power:beta_c=2,beta_T=0", 16, 4, {"beta", "2", "(0, 1]"});
  ExpectScheduleError("power:eta_T=-400", 16, 1000000, {"eta", "finite eta > 0"});  // underflows to 0
  ExpectScheduleError("power:eta_d=400", 1000000, 4, {"eta", "finite eta > 0"});    // overflows to inf
  ExpectScheduleError("linear", 16, 4,
                      {"unknown schedule 'linear'", "theorem1", "theorem2", "constant", "power"});
  EXPECT_NO_THROW(MakeSchedule("theorem1:beta_scale=2", 16, 4));  // beta = 1 exactly
}

}  // namespace
}  // namespace signrate
