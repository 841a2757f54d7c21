#include "signrate/method.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "signrate/component_table.hpp"
#include "signrate/distributed.hpp"
#include "signrate/error.hpp"
#include "signrate/exact_pow.hpp"
#include "signrate/schedule.hpp"

namespace signrate {

namespace {

const Domain kMomentum{0.0, 1.0, false, true};

// A row's factory reads the method's hyper-parameters into m.base; values it takes from the
// schedule instead of the spec go into `derived` (reported in the resolved spec).
using MethodFactory = void(Params& params, double beta, Method& m, nlohmann::json& derived);

struct MethodRow {
  ComponentInfo info;
  MethodKind kind;
  const char* default_schedule;
  MethodFactory* factory;
};

// The first t with 1 - b^t == 1 in double arithmetic, for b in [0, 1): b^t <= 2^-54, since 1 - 2^-54
// is the midpoint between 1 - 2^-53 and 1 and a tie rounds to the even 1. b^t falls with t, so
// from there on AdamW's bias corrections are exactly eta and 1.
std::uint32_t settled_from(double b) {
  constexpr double kNegligible = 0x1p-54;
  constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();
  if (b == 0.0) return 1;
  const double guess = std::ceil(std::log(kNegligible) / std::log(b));  // within a step or two
  if (!(guess < kNever)) return kNever;
  auto t = static_cast<std::uint32_t>(std::max(1.0, guess));
  while (t > 1 && exact_pow(b, t - 1) <= kNegligible) --t;
  while (t < kNever && exact_pow(b, t) > kNegligible) ++t;
  return t;
}

void no_parameters(Params&, double, Method&, nlohmann::json&) {}

// Signum's and SGDM's mu weighs the OLD momentum: by default 1 - beta, the schedule's weight of
// the new gradient.
void old_momentum(Params& params, double beta, Method& m, nlohmann::json& derived) {
  if (params.given("mu")) {
    m.base.mu = params.real("mu", kMomentum);
  } else {
    m.base.mu = 1.0 - beta;
    derived["mu"] = m.base.mu;
  }
}

void lion(Params& params, double, Method& m, nlohmann::json&) {
  m.base.b1 = params.real("b1", kMomentum);
  m.base.b2 = params.real("b2", kMomentum);
  m.base.wd = params.real("wd", nonnegative());
}

void adamw(Params& params, double beta, Method& m, nlohmann::json& derived) {
  lion(params, beta, m, derived);  // b1, b2, wd
  m.base.eps = params.real("eps", positive());
  m.b1_settled_from = settled_from(m.base.b1);
  m.b2_settled_from = settled_from(m.base.b2);
}

void signsgd_sim(Params& params, double, Method& m, nlohmann::json&) {
  m.extrapolate = params.integer("extrapolate", 0, 1) == 1;
}

bool is_method_kind(MethodKind k) { return has_recipe(k); }

// One row per method: adding one is its recipe (recipe.hpp), any new stage (stages.hpp), this row
// and its reference-loop test.
const std::vector<MethodRow>& method_table() {
  static const std::vector<MethodRow> table = [] {
    const ParamInfo mu{"mu", "", "in [0, 1)", "weight of the OLD momentum; default 1 - beta of the schedule"};
    std::vector<MethodRow> rows = {
        {{"sgd", "x -= eta g", {}}, MethodKind::kSgd, "theorem1", no_parameters},
        {{"sgdm",
          "PyTorch SGD with momentum (dampening 0, buf_1 = g_1): buf = mu buf + g; x -= eta buf",
          {{"mu", "", "in [0, 1)", "momentum; default 1 - beta of the schedule"}}},
         MethodKind::kSgdm,
         "theorem1",
         old_momentum},
        {{"adamw",
          "PyTorch AdamW (bias-corrected, decoupled weight decay)",
          {{"b1", "0.9", "in [0, 1)", "first-moment decay"},
           {"b2", "0.999", "in [0, 1)", "second-moment decay"},
           {"eps", "1e-8", "> 0", "denominator guard"},
           {"wd", "0.01", ">= 0", "decoupled weight decay lambda (PyTorch's default)"}}},
         MethodKind::kAdamw,
         "theorem1",
         adamw},
        {{"signsgd", "x -= eta sign(g) (Bernstein et al. 2018)", {}},
         MethodKind::kSignSgd,
         "theorem1",
         no_parameters},
        {{"signum", "m = mu m + (1-mu) g, m_0 = 0; x -= eta sign(m) (Bernstein et al. 2018)", {mu}},
         MethodKind::kSignum,
         "theorem1",
         old_momentum},
        {{"smm",
          "Algorithm 1: v_1 = g_1, v = (1-beta) v + beta g; x -= eta sign(v) (beta from the schedule)",
          {}},
         MethodKind::kSmm,
         "theorem1",
         no_parameters},
        {{"signsgd-sim",
          "sign of a Signum-type EMA, m_0 = 0, with Sun et al.'s schedule (theorem2) by default "
          "[reconstruction of Sun et al. 2023]",
          {{"extrapolate", "0", "0 or 1",
            "1: take the gradient at x_t + ((1-beta)/beta)(x_t - x_{t-1}) (extrapolated variant, "
            "reconstruction)"}}},
         MethodKind::kSignSgdSim,
         "theorem2",
         signsgd_sim},
        {{"ef-signsgd",
          "error feedback: p = eta g + e; D = (||p||_1/d) sign(p); x -= D; e = p - D (Karimireddy et al. "
          "2019)",
          {}},
         MethodKind::kEfSignSgd,
         "theorem1",
         no_parameters},
        {{"lion",
          "c = b1 m + (1-b1) g; x -= eta (sign(c) + wd x); m = b2 m + (1-b2) g (Chen et al. 2023)",
          {{"b1", "0.9", "in [0, 1)", "interpolation weight"},
           {"b2", "0.99", "in [0, 1)", "momentum decay"},
           {"wd", "0", ">= 0", "decoupled weight decay lambda"}}},
         MethodKind::kLion,
         "theorem1",
         lion},
    };
    std::vector<const ComponentInfo*> infos;
    std::vector<MethodKind> kinds;
    for (const auto& r : rows) {
      infos.push_back(&r.info);
      kinds.push_back(r.kind);
      check_factory(r.factory, r.info, "method");
      check_schedule_name(r.default_schedule, r.info, "method");
    }
    check_unique_names(infos, "method");
    check_kinds_covered(kinds, is_method_kind, "method");
    return rows;
  }();
  return table;
}

const MethodRow* find_row(const std::string& name) {
  for (const auto& r : method_table())
    if (r.info.name == name) return &r;
  return nullptr;
}

}  // namespace

const std::vector<ComponentInfo>& method_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (const auto& row : method_table()) r.push_back(row.info);
    return r;
  }();
  return registry;
}

std::string default_schedule(const std::string& method_name) {
  if (is_distributed_method(method_name)) return default_dist_schedule(method_name);
  if (const MethodRow* row = find_row(method_name)) return row->default_schedule;
  std::string single, distributed;
  for (const auto& c : method_registry()) single += (single.empty() ? "" : ", ") + c.name;
  for (const auto& c : distributed_method_registry())
    distributed += (distributed.empty() ? "" : ", ") + c.name;
  throw SpecError("unknown method '" + method_name + "'; allowed: " + single +
                  "; distributed: " + distributed);
}

Method make_method(const ParsedSpec& spec, double eta, double beta) {
  const ComponentInfo& info = find_component(method_registry(), spec.name, "method");
  const MethodRow& row = *find_row(info.name);
  refuse_schedule_keys(spec, info);
  Params params(info, spec, "method");
  Method m;
  nlohmann::json derived = nlohmann::json::object();  // values taken from the schedule
  m.name = info.name;
  m.kind = m.base.kind = row.kind;
  m.base.eta = eta;
  m.base.beta = beta;
  row.factory(params, beta, m, derived);
  params.require_all_used();
  m.resolved = params.resolved();
  m.resolved.update(derived);
  return m;
}

// PyTorch's AdamW: step eta / (1 - b1^t), denominator sqrt(v) / sqrt(1 - b2^t) + eps, with b^t
// correctly rounded so every platform gets the same bits.
Method::BiasCorrection Method::bias_correction(std::uint32_t t) const {
  const double bc1 = t >= b1_settled_from ? 1.0 : 1.0 - exact_pow(base.b1, t);
  const double bc2 = t >= b2_settled_from ? 1.0 : 1.0 - exact_pow(base.b2, t);
  return {base.eta / bc1, std::sqrt(bc2)};
}

void Method::tabulate(std::uint32_t T) {
  if (recipe_of(kind).state != StateUpdate::kAdamMoments) return;
  constexpr std::uint32_t kMaxEntries = 1u << 22;  // 64 MiB; later steps compute their own
  const std::uint32_t n = std::min({T, std::max(b1_settled_from, b2_settled_from), kMaxEntries});
  auto table = std::make_shared<std::vector<BiasCorrection>>();
  table->reserve(n);
  for (std::uint32_t t = 1; t <= n; ++t) table->push_back(bias_correction(t));
  bias_table_ = std::move(table);
}

MethodCoeffs Method::coeffs_at(std::uint32_t t) const {
  MethodCoeffs c = base;
  c.t = t;
  if (recipe_of(kind).state == StateUpdate::kAdamMoments) {
    const BiasCorrection b =
        bias_table_ && t >= 1 && t <= bias_table_->size() ? (*bias_table_)[t - 1] : bias_correction(t);
    c.adam_step = b.adam_step;
    c.adam_sqrt_bc2 = b.adam_sqrt_bc2;
  }
  return c;
}

}  // namespace signrate
