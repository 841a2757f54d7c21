#pragma once
// The simulator's single-node methods as torch::optim::Optimizers (docs/training.md,
// "Optimizers"). One SPEC syntax for both: `smm:lr=1e-3,beta=0.1` is the method `smm` of
// src/method.cpp with eta = lr and the schedule's beta = beta (beta weighs the NEW gradient;
// Signum's and SGDM's mu weighs the OLD momentum and defaults to 1 - beta; sign(0) = 0).
//
// `signsgd`, `signum`, `smm`, `signsgd-sim`, `ef-signsgd` and `lion` are SignOptimizer: on a CPU
// tensor its update is one loop over the tensor calling the simulator's own method_step_k
// (method_step.hpp) per coordinate, so on float64 it follows the simulator bit for bit
// (tests/torch/test_optimizers.cpp); on other devices it is a few fused tensor operations per
// tensor. `sgd`, `sgdm` and `adamw` are LibTorch's torch::optim::SGD and AdamW, which the
// simulator's steps copy (PyTorch's conventions).
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/method.hpp"

namespace signrate::workloads {

// A resolved optimizer SPEC: the simulator's Method with eta = lr and its schedule beta = beta.
struct OptimizerSpec {
  std::string name;
  double lr = 1e-3;
  double beta = 0.1;
  Method method;
  nlohmann::json resolved;  // {"name", "lr", "beta", and the method's own keys}
};

// The learning rates the optimizers take: (0, 3.4e38], the positive float32s (the network's tensors
// are float32: a larger lr would be infinity there).
Domain learning_rate();

// The optimizer names (those of the simulator's single-node methods) with their keys, for --help
// and error messages: each method's parameters plus lr and beta.
const std::vector<ComponentInfo>& optimizer_registry();
// Parses and checks a SPEC; a SpecError names the bad value and what is allowed.
OptimizerSpec parse_optimizer_spec(const std::string& text);

// Per-group options of SignOptimizer: the constants of MethodCoeffs that stay fixed for a run.
struct SignOptions : public torch::optim::OptimizerCloneableOptions<SignOptions> {
  SignOptions() = default;
  explicit SignOptions(const MethodCoeffs& base);
  explicit SignOptions(double lr_) : lr(lr_) {}  // what torch::optim::serialize constructs, then reads
  MethodKind kind = MethodKind::kSmm;
  double lr = 1e-3, beta = 0.1, mu = 0.9, b1 = 0.9, b2 = 0.99, wd = 0.0;
  // The step's coefficients at step t (from 1), as Method::coeffs_at gives them.
  MethodCoeffs coeffs_at(std::uint32_t t) const;

  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr; }
  void set_lr(const double v) override { lr = v; }
};

// Per-parameter state: the step count t and the method's momentum (or error) buffer m.
struct SignParamState : public torch::optim::OptimizerCloneableParamState<SignParamState> {
  TORCH_ARG(std::int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, momentum);

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class SignOptimizer : public torch::optim::Optimizer {
 public:
  SignOptimizer(std::vector<torch::optim::OptimizerParamGroup> groups, SignOptions defaults);
  SignOptimizer(std::vector<torch::Tensor> params, SignOptions defaults)
      : SignOptimizer({torch::optim::OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

  // Tests only: take the fused-tensor path (the one other devices use) on the CPU too.
  void use_tensor_ops(bool on) { tensor_ops_ = on; }

 private:
  bool tensor_ops_ = false;
  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    torch::optim::serialize<SignParamState, SignOptions>(archive, self);
  }
};

// The optimizer a spec names, over `params` (LibTorch's SGD or AdamW for sgd, sgdm, adamw).
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& spec,
                                                        std::vector<torch::Tensor> params);

}  // namespace signrate::workloads
