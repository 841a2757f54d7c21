// The sign-based optimizers over LibTorch tensors (include/signrate/workloads/optimizers.hpp).
#include <ATen/Parallel.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

#include <cstring>
#include <limits>

#include "signrate/canonical_sum.hpp"
#include "signrate/error.hpp"
#include "signrate/method_step.hpp"
#include "signrate/workloads/optimizers.hpp"

namespace signrate::workloads {

namespace {

// The learning rate a spec gets when it names none: the usual starting points of each family
// (a step along the gradient's own scale, or along a sign or a normalized direction).
double default_lr(MethodKind kind) {
  const Recipe r = recipe_of(kind);
  return r.encoder == Encoder::kValue && r.state != StateUpdate::kAdamMoments ? 0.05 : 1e-3;
}

const ParamInfo kLr{"lr", "", "> 0, at most 3.4e38",
                    "learning rate eta (default 0.05 for sgd, sgdm; 1e-3 otherwise)"};
const ParamInfo kBeta{"beta", "0.1", "in (0, 1]",
                      "weight of the NEW gradient (smm, signsgd-sim); mu defaults to 1 - beta"};

// The element loop of one tensor: method_step_k per coordinate, in double (exact for float64;
// float32 values are widened, stepped and rounded back).
template <MethodKind K, class T>
void step_elements(const MethodCoeffs& c, T* x, T* m, const T* g, std::int64_t n) {
  constexpr std::int64_t kGrain = 1 << 15;
  at::parallel_for(0, n, kGrain, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      double xi = x[i], mi = m[i], si = 0.0;  // s: signsgd-sim's x_{t-1}, unused without extrapolation
      method_step_k<K>(c, static_cast<double>(g[i]), xi, mi, si);
      x[i] = static_cast<T>(xi);
      m[i] = static_cast<T>(mi);
    }
  });
}

// Error feedback over one tensor (d = its numel): the simulator's two phases, with ||p||_1 in the
// canonical summation order (canonical_sum.hpp), so the scale has the engine's bits.
template <class T>
void ef_elements(const MethodCoeffs& c, T* x, T* e, const T* g, std::int64_t n) {
  const auto chunks = static_cast<std::int64_t>(sum_chunks(static_cast<std::uint64_t>(n)));
  std::vector<double> sums(static_cast<std::size_t>(chunks));
  at::parallel_for(0, chunks, 256, [&](std::int64_t b, std::int64_t end) {
    for (std::int64_t k = b; k < end; ++k) {
      const std::int64_t i0 = k * kSumChunk;
      const auto len = static_cast<std::uint32_t>(std::min<std::int64_t>(kSumChunk, n - i0));
      double p[kSumChunk];
      for (std::uint32_t j = 0; j < len; ++j) {
        double ej = e[i0 + j];
        p[j] = ef_accumulate(c, static_cast<double>(g[i0 + j]), ej);
        e[i0 + j] = static_cast<T>(ej);
      }
      sums[static_cast<std::size_t>(k)] = chunk_sum(len, [&](std::uint32_t j) { return p[j]; });
    }
  });
  const double scale = fold_sum(sums.data(), sums.size()) / static_cast<double>(n);
  at::parallel_for(0, n, 1 << 15, [&](std::int64_t b, std::int64_t end) {
    for (std::int64_t i = b; i < end; ++i) {
      double xi = x[i], ei = e[i];
      ef_apply(scale, xi, ei);
      x[i] = static_cast<T>(xi);
      e[i] = static_cast<T>(ei);
    }
  });
}

template <class T>
void step_cpu(const MethodCoeffs& c, torch::Tensor& x, torch::Tensor& m, const torch::Tensor& g) {
  T* xp = x.data_ptr<T>();
  T* mp = m.data_ptr<T>();
  const T* gp = g.data_ptr<T>();
  const std::int64_t n = x.numel();
  with_kind(c.kind, [&](auto kind) {
    constexpr MethodKind K = decltype(kind)::value;
    if constexpr (two_phase(recipe_of(K))) {
      ef_elements<T>(c, xp, mp, gp, n);
    } else if constexpr (moves_along_signs(recipe_of(K))) {
      step_elements<K, T>(c, xp, mp, gp, n);
    } else {
      throw std::logic_error("SignOptimizer: sgd, sgdm and adamw are LibTorch's optimizers");
    }
  });
}

// The stages of stages.hpp as tensor operations, in the same order (CUDA tensors, or any tensor
// the element loop cannot take). A state update returns what is encoded.
torch::Tensor tensor_state_update(StateUpdate stage, const MethodCoeffs& c, torch::Tensor& m,
                                  const torch::Tensor& g) {
  switch (stage) {
    case StateUpdate::kNone:
      return g;
    case StateUpdate::kEmaNew:
      return m.mul_(1.0 - c.beta).add_(g.mul(c.beta));
    case StateUpdate::kEmaNewFromG1: {
      const double beta = c.t == 1 ? 1.0 : c.beta;  // v_1 = g_1
      return m.mul_(1.0 - beta).add_(g.mul(beta));
    }
    case StateUpdate::kEmaOld:
      return m.mul_(c.mu).add_(g.mul(1.0 - c.mu));
    case StateUpdate::kHeavyBall:
    case StateUpdate::kAdamMoments:
    case StateUpdate::kLion:
    case StateUpdate::kErrorFeedback:
      break;
  }
  throw std::logic_error("tensor_state_update: a whole-step stage");
}

void step_tensor_ops(const MethodCoeffs& c, torch::Tensor& x, torch::Tensor& m, const torch::Tensor& g) {
  const Recipe r = recipe_of(c.kind);
  if (!moves_along_signs(r))
    throw std::logic_error("SignOptimizer: sgd, sgdm and adamw are LibTorch's optimizers");
  if (r.state == StateUpdate::kErrorFeedback) {
    m.add_(g.mul(c.eta));  // p = eta g + e
    const torch::Tensor step = m.sign().mul_(m.abs().sum().div_(static_cast<double>(m.numel())));
    x.sub_(step);
    m.sub_(step);
  } else if (r.state == StateUpdate::kLion) {
    torch::Tensor u = m.mul(c.b1).add_(g.mul(1.0 - c.b1)).sign_().add_(x.mul(c.wd)).mul_(c.eta);
    x.sub_(u);
    m.mul_(c.b2).add_(g.mul(1.0 - c.b2));
  } else {
    x.sub_(tensor_state_update(r.state, c, m, g).sign().mul_(c.eta));
  }
}

}  // namespace

const std::vector<ComponentInfo>& optimizer_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (ComponentInfo info : method_registry()) {
      info.params.insert(info.params.begin(), {kLr, kBeta});
      if (info.name == "signsgd-sim") info.params.pop_back();  // extrapolate: no extrapolated gradient
      r.push_back(std::move(info));
    }
    return r;
  }();
  return registry;
}

Domain learning_rate() { return Domain{0.0, std::numeric_limits<float>::max(), true, false}; }

OptimizerSpec parse_optimizer_spec(const std::string& text) {
  ParsedSpec parsed = parse_spec(text, "optimizer");
  const ComponentInfo& info = find_component(optimizer_registry(), parsed.name, "optimizer");
  Params params(info, parsed, "optimizer");  // refuses keys neither the method nor lr/beta declare
  OptimizerSpec s;
  s.name = info.name;
  const MethodKind kind = make_method(ParsedSpec{info.name, {}}, 1.0, 1.0).kind;
  s.lr = params.given("lr") ? params.real("lr", learning_rate()) : default_lr(kind);
  s.beta = params.real("beta", half_open_unit());
  // beta reaches the new-gradient EMAs, and the old-momentum ones through mu = 1 - beta when mu is
  // not given.
  const Recipe recipe = recipe_of(kind);
  const bool uses_beta = reads_beta(recipe) || (reads_mu(recipe) && !params.given("mu"));
  if (params.given("beta") && !uses_beta)
    params.fail("beta=" + parsed.values.at("beta") + " has no effect here; allowed: remove it" +
                (reads_mu(recipe) ? " or mu" : ""));
  parsed.values.erase("lr");
  parsed.values.erase("beta");
  s.method = make_method(parsed, s.lr, s.beta);
  s.resolved = {{"name", s.name}, {"lr", s.lr}};
  if (uses_beta) s.resolved["beta"] = s.beta;
  s.resolved.update(s.method.resolved);
  return s;
}

SignOptions::SignOptions(const MethodCoeffs& base)
    : kind(base.kind), lr(base.eta), beta(base.beta), mu(base.mu), b1(base.b1), b2(base.b2), wd(base.wd) {}

MethodCoeffs SignOptions::coeffs_at(std::uint32_t t) const {
  MethodCoeffs c;
  c.kind = kind;
  c.eta = lr;
  c.beta = beta;
  c.mu = mu;
  c.b1 = b1;
  c.b2 = b2;
  c.wd = wd;
  c.t = t;
  return c;
}

void SignOptions::serialize(torch::serialize::OutputArchive& archive) const {
  archive.write("kind", c10::IValue(static_cast<std::int64_t>(kind)));
  for (const auto& [key, v] :
       {std::pair{"lr", lr}, {"beta", beta}, {"mu", mu}, {"b1", b1}, {"b2", b2}, {"wd", wd}})
    archive.write(key, c10::IValue(v));
}

void SignOptions::serialize(torch::serialize::InputArchive& archive) {
  c10::IValue v;
  archive.read("kind", v);
  kind = static_cast<MethodKind>(v.toInt());
  for (const auto& [key, slot] :
       {std::pair{"lr", &lr}, {"beta", &beta}, {"mu", &mu}, {"b1", &b1}, {"b2", &b2}, {"wd", &wd}}) {
    archive.read(key, v);
    *slot = v.toDouble();
  }
}

void SignParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(momentum);
}

void SignParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(std::int64_t, step);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, momentum);
}

SignOptimizer::SignOptimizer(std::vector<torch::optim::OptimizerParamGroup> groups, SignOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<SignOptions>(defaults)) {
  TORCH_CHECK(moves_along_signs(recipe_of(defaults.kind)),
              "SignOptimizer: sgd, sgdm and adamw are LibTorch's optimizers");
}

torch::Tensor SignOptimizer::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const SignOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      auto it = state_.find(key);
      if (it == state_.end()) {
        auto st = std::make_unique<SignParamState>();
        st->momentum(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        it = state_.emplace(key, std::move(st)).first;
      }
      auto& st = static_cast<SignParamState&>(*it->second);
      st.step(st.step() + 1);
      const MethodCoeffs c = options.coeffs_at(static_cast<std::uint32_t>(st.step()));
      torch::Tensor x = p;
      torch::Tensor m = st.momentum();
      const torch::Tensor g = p.grad().contiguous();
      const bool loop = !tensor_ops_ && p.device().is_cpu() && p.is_contiguous() && m.is_contiguous() &&
                        g.scalar_type() == p.scalar_type() &&
                        (p.scalar_type() == torch::kDouble || p.scalar_type() == torch::kFloat);
      if (!loop) {
        step_tensor_ops(c, x, m, g);
      } else if (p.scalar_type() == torch::kDouble) {
        step_cpu<double>(c, x, m, g);
      } else {
        step_cpu<float>(c, x, m, g);
      }
    }
  }
  return loss;
}

void SignOptimizer::save(torch::serialize::OutputArchive& archive) const { serialize(*this, archive); }
void SignOptimizer::load(torch::serialize::InputArchive& archive) { serialize(*this, archive); }

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& spec,
                                                        std::vector<torch::Tensor> params) {
  const MethodCoeffs& b = spec.method.base;
  const Recipe r = recipe_of(spec.method.kind);
  if (moves_along_signs(r)) return std::make_unique<SignOptimizer>(std::move(params), SignOptions(b));
  switch (r.state) {  // the methods LibTorch has: its own optimizers
    case StateUpdate::kNone:
      return std::make_unique<torch::optim::SGD>(std::move(params), torch::optim::SGDOptions(b.eta));
    case StateUpdate::kHeavyBall:
      return std::make_unique<torch::optim::SGD>(std::move(params),
                                                 torch::optim::SGDOptions(b.eta).momentum(b.mu));
    case StateUpdate::kAdamMoments:
      return std::make_unique<torch::optim::AdamW>(
          std::move(params),
          torch::optim::AdamWOptions(b.eta).betas({b.b1, b.b2}).eps(b.eps).weight_decay(b.wd));
    case StateUpdate::kEmaNew:
    case StateUpdate::kEmaNewFromG1:
    case StateUpdate::kEmaOld:
    case StateUpdate::kLion:
    case StateUpdate::kErrorFeedback:
      break;
  }
  throw std::logic_error("make_optimizer: " + spec.name + " has no LibTorch optimizer");
}

}  // namespace signrate::workloads
