// The LibTorch optimizers (workloads/optim/) against the simulator's method steps
// (method_step.hpp): fed the same gradient sequence on float64 CPU tensors, every optimizer's
// parameters equal the reference loop's bit for bit, also across a save and load of its state
// and with per-group options. The reference is the loop tests/test_methods.cpp checks against
// docs/components.md's "Methods" table: method_step per coordinate with Method::coeffs_at(t), and for error
// feedback the scale ||p||_1 / d in the canonical summation order.
#include <gtest/gtest.h>
#include <torch/serialize.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "signrate/canonical_sum.hpp"
#include "signrate/error.hpp"
#include "signrate/method_step.hpp"
#include "signrate/workloads/optimizers.hpp"

namespace signrate::workloads {
namespace {

using Vec = std::vector<double>;

// The simulator's step over one tensor's coordinates (the engine's order: tests/test_methods.cpp).
void reference_step(const Method& method, std::uint32_t t, const Vec& g, Vec& x, Vec& m, Vec& s) {
  const MethodCoeffs c = method.coeffs_at(t);
  if (method.two_phase()) {
    std::vector<double> chunks(sum_chunks(g.size()));
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      const std::size_t i0 = k * kSumChunk;
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(kSumChunk, g.size() - i0));
      chunks[k] = chunk_sum(n, [&](std::uint32_t j) { return ef_accumulate(c, g[i0 + j], m[i0 + j]); });
    }
    const double scale = fold_sum(chunks.data(), chunks.size()) / static_cast<double>(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) ef_apply(scale, x[i], m[i]);
  } else {
    for (std::size_t i = 0; i < g.size(); ++i) method_step(c, g[i], x[i], m[i], s[i]);
  }
}

// Gradients with exact zeros, negative zeros and a spread of magnitudes.
Vec gradient(std::mt19937_64& rng, std::size_t n) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, 9);
  Vec g(n);
  for (auto& v : g) {
    const int k = pick(rng);
    v = k == 0 ? 0.0 : (k == 1 ? -0.0 : normal(rng) * std::ldexp(1.0, pick(rng) - 5));
  }
  return g;
}

torch::Tensor tensor_of(const Vec& v, at::IntArrayRef shape) {
  return torch::from_blob(const_cast<double*>(v.data()), {static_cast<std::int64_t>(v.size())},
                          torch::kDouble)
      .clone()
      .reshape(shape);
}

Vec values_of(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().contiguous();
  return Vec(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Bitwise equality; with `any_zero_sign`, +0 and -0 count as equal (LibTorch's SGD starts its
// momentum as a copy of g_1, keeping a -0, where the simulator's 0 m + g_1 gives +0).
void expect_bits_equal(const Vec& got, const Vec& want, const std::string& what, bool any_zero_sign = false) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int shown = 0;
  for (std::size_t i = 0; i < got.size() && shown < 5; ++i)
    if (std::bit_cast<std::uint64_t>(got[i]) != std::bit_cast<std::uint64_t>(want[i]) &&
        !(any_zero_sign && got[i] == 0.0 && want[i] == 0.0)) {
      ADD_FAILURE() << what << " [" << i << "]: " << got[i] << " != " << want[i];
      ++shown;
    }
}

// Two parameter tensors (a matrix and a vector whose length is not a multiple of 32), T steps.
struct Problem {
  std::vector<Vec> x0;
  std::vector<std::vector<Vec>> grads;  // [step][tensor]
  explicit Problem(std::uint32_t T, std::uint64_t seed = 7) {
    std::mt19937_64 rng(seed);
    for (auto shape : {std::int64_t{63}, std::int64_t{37}}) x0.push_back(gradient(rng, shape));
    for (std::uint32_t t = 0; t < T; ++t) grads.push_back({gradient(rng, 63), gradient(rng, 37)});
  }
  std::vector<torch::Tensor> params() const {
    return {tensor_of(x0[0], {7, 9}).requires_grad_(), tensor_of(x0[1], {37}).requires_grad_()};
  }
};

void feed(std::vector<torch::Tensor>& params, const std::vector<Vec>& g) {
  for (std::size_t k = 0; k < params.size(); ++k)
    params[k].mutable_grad() = tensor_of(g[k], params[k].sizes());
}

const char* const kSpecs[] = {"sgd:lr=0.1",
                              "sgdm:lr=0.1,mu=0.9",
                              "adamw:lr=0.01,wd=0.1",
                              "signsgd:lr=0.01",
                              "signum:lr=0.01,beta=0.2",
                              "smm:lr=0.01,beta=0.1",
                              "signsgd-sim:lr=0.01,beta=0.3",
                              "ef-signsgd:lr=0.05",
                              "lion:lr=0.01,b1=0.8,b2=0.95,wd=0.5"};

class FollowsSimulator : public ::testing::TestWithParam<const char*> {};

// LibTorch's SGD and AdamW run on ATen's kernels, whose AVX2 and AVX-512 versions compute
// p + alpha g as one fused multiply-add (a last-bit difference from the simulator, which never
// contracts); ctest runs this executable with ATEN_CPU_CAPABILITY=default, the portable kernels.
// SignOptimizer's CPU loop does not depend on it.
TEST_P(FollowsSimulator, BitForBitAcrossASaveAndLoad) {
  const OptimizerSpec spec = parse_optimizer_spec(GetParam());
  const MethodKind kind = spec.method.kind;
  if (kind == MethodKind::kSgd || kind == MethodKind::kSgdm || kind == MethodKind::kAdamw) {
    const char* capability = std::getenv("ATEN_CPU_CAPABILITY");
    ASSERT_TRUE(capability != nullptr && std::string(capability) == "default")
        << "run with ATEN_CPU_CAPABILITY=default (as ctest does) to compare LibTorch's own optimizers "
           "bitwise";
  }
  constexpr std::uint32_t kT = 12, kSaveAt = 5;
  const Problem problem(kT);
  std::vector<Vec> x = problem.x0, m = {Vec(63, 0.0), Vec(37, 0.0)}, s = m;

  auto params = problem.params();
  auto opt = make_optimizer(spec, params);
  auto resumed_params = problem.params();
  auto first = make_optimizer(spec, resumed_params);
  std::unique_ptr<torch::optim::Optimizer> resumed;
  for (std::uint32_t t = 1; t <= kT; ++t) {
    for (std::size_t k = 0; k < 2; ++k)
      reference_step(spec.method, t, problem.grads[t - 1][k], x[k], m[k], s[k]);
    feed(params, problem.grads[t - 1]);
    opt->step();
    // The second optimizer is saved after kSaveAt steps and continued by a fresh one that loads it.
    if (t == kSaveAt + 1) {
      std::stringstream buffer;
      torch::save(*first, buffer);
      resumed = make_optimizer(spec, resumed_params);
      torch::load(*resumed, buffer);
    }
    torch::optim::Optimizer& other = t <= kSaveAt ? *first : *resumed;
    feed(resumed_params, problem.grads[t - 1]);
    other.step();
    const bool any_zero_sign = spec.method.kind == MethodKind::kSgdm;
    for (std::size_t k = 0; k < 2; ++k) {
      expect_bits_equal(values_of(params[k]), x[k], std::string(GetParam()) + " t=" + std::to_string(t),
                        any_zero_sign);
      expect_bits_equal(values_of(resumed_params[k]), x[k],
                        std::string(GetParam()) + " resumed, t=" + std::to_string(t), any_zero_sign);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryOptimizer, FollowsSimulator, ::testing::ValuesIn(kSpecs));

// Per-group options: each group follows the simulator with its own learning rate and beta.
TEST(SignOptimizer, PerGroupOptionsFollowTheirOwnSteps) {
  const OptimizerSpec a = parse_optimizer_spec("smm:lr=0.01,beta=0.1");
  const OptimizerSpec b = parse_optimizer_spec("smm:lr=0.25,beta=0.5");
  const Problem problem(6);
  auto params = problem.params();
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{params[0]}, std::make_unique<SignOptions>(a.method.base));
  groups.emplace_back(std::vector<torch::Tensor>{params[1]}, std::make_unique<SignOptions>(b.method.base));
  SignOptimizer opt(std::move(groups), SignOptions(a.method.base));
  std::vector<Vec> x = problem.x0, m = {Vec(63, 0.0), Vec(37, 0.0)}, s = m;
  for (std::uint32_t t = 1; t <= 6; ++t) {
    reference_step(a.method, t, problem.grads[t - 1][0], x[0], m[0], s[0]);
    reference_step(b.method, t, problem.grads[t - 1][1], x[1], m[1], s[1]);
    feed(params, problem.grads[t - 1]);
    opt.step();
    expect_bits_equal(values_of(params[0]), x[0], "group 0");
    expect_bits_equal(values_of(params[1]), x[1], "group 1");
  }
}

// The fused-tensor path (other devices) computes the same steps up to rounding.
TEST(SignOptimizer, TensorOpsPathMatchesTheLoopToRounding) {
  for (const char* text : kSpecs) {
    const OptimizerSpec spec = parse_optimizer_spec(text);
    const MethodKind kind = spec.method.kind;
    if (kind == MethodKind::kSgd || kind == MethodKind::kSgdm || kind == MethodKind::kAdamw) continue;
    const Problem problem(10);
    auto params = problem.params();
    SignOptimizer opt(params, SignOptions(spec.method.base));
    opt.use_tensor_ops(true);
    std::vector<Vec> x = problem.x0, m = {Vec(63, 0.0), Vec(37, 0.0)}, s = m;
    for (std::uint32_t t = 1; t <= 10; ++t) {
      for (std::size_t k = 0; k < 2; ++k)
        reference_step(spec.method, t, problem.grads[t - 1][k], x[k], m[k], s[k]);
      feed(params, problem.grads[t - 1]);
      opt.step();
    }
    for (std::size_t k = 0; k < 2; ++k) {
      const Vec got = values_of(params[k]);
      for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], x[k][i], 1e-12 * (1.0 + std::abs(x[k][i]))) << text << " [" << i << "]";
    }
  }
}

// float32 parameters: each coordinate is widened, stepped by method_step and rounded back.
TEST(SignOptimizer, Float32StepsRoundTheDoubleStep) {
  const OptimizerSpec spec = parse_optimizer_spec("smm:lr=0.01,beta=0.1");
  const Problem problem(5);
  torch::Tensor p = tensor_of(problem.x0[1], {37}).to(torch::kFloat).requires_grad_();
  SignOptimizer opt({p}, SignOptions(spec.method.base));
  std::vector<float> x(37), m(37, 0.0f);
  for (std::size_t i = 0; i < 37; ++i) x[i] = static_cast<float>(problem.x0[1][i]);
  for (std::uint32_t t = 1; t <= 5; ++t) {
    const Vec& g = problem.grads[t - 1][1];
    const MethodCoeffs c = spec.method.coeffs_at(t);
    for (std::size_t i = 0; i < 37; ++i) {
      double xi = x[i], mi = m[i], si = 0.0;
      method_step(c, static_cast<double>(static_cast<float>(g[i])), xi, mi, si);
      x[i] = static_cast<float>(xi);
      m[i] = static_cast<float>(mi);
    }
    p.mutable_grad() = tensor_of(g, {37}).to(torch::kFloat);
    opt.step();
  }
  for (std::size_t i = 0; i < 37; ++i) EXPECT_EQ(p[static_cast<std::int64_t>(i)].item<float>(), x[i]) << i;
}

// Spec parsing shares the simulator's tables and messages.
TEST(OptimizerSpec, ResolvesDefaultsAndRefusesBadInput) {
  const OptimizerSpec smm = parse_optimizer_spec("smm");
  EXPECT_EQ(smm.lr, 1e-3);
  EXPECT_EQ(smm.beta, 0.1);
  EXPECT_EQ(smm.resolved.dump(), R"({"beta":0.1,"lr":0.001,"name":"smm"})");
  const OptimizerSpec signum = parse_optimizer_spec("signum:beta=0.25");
  EXPECT_EQ(signum.method.base.mu, 0.75);  // mu = 1 - beta weighs the OLD momentum
  EXPECT_EQ(parse_optimizer_spec("sgdm").lr, 0.05);
  EXPECT_EQ(parse_optimizer_spec("lion").method.base.b2, 0.99);
  auto refused = [](const std::string& text, const std::string& needle) {
    try {
      parse_optimizer_spec(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const SpecError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  refused("adam", "unknown optimizer 'adam'; allowed: sgd, sgdm, adamw, signsgd");
  refused("smm:lr=-1", "lr");
  refused("smm:lr=0", "in (0, 3.4028234663852886e+38]");
  refused("smm:lr=1e300", "in (0, 3.4028234663852886e+38]");
  refused("smm:beta=0", "(0, 1]");
  refused("smm:beta=1.5", "(0, 1]");
  refused("signsgd:beta=0.5", "beta=0.5 has no effect");
  refused("signum:mu=0.9,beta=0.5", "beta=0.5 has no effect");
  refused("signsgd-sim:extrapolate=1", "unknown parameter 'extrapolate'");
  refused("smm:momentum=0.9", "allowed: lr, beta");
}

}  // namespace
}  // namespace signrate::workloads
