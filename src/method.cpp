#include <cmath>

#include "signrate/error.hpp"
#include "signrate/method.hpp"

namespace signrate {

const std::vector<ComponentInfo>& method_registry() {
  static const std::vector<ComponentInfo> registry = {
      {"sgd", "x -= eta g", {}},
      {"sgdm", "PyTorch SGD with momentum (dampening 0, buf_1 = g_1): buf = mu buf + g; x -= eta buf",
       {{"mu", "", "in [0, 1)", "momentum; default 1 - beta of the schedule"}}},
      {"adamw", "PyTorch AdamW (bias-corrected, decoupled weight decay)",
       {{"b1", "0.9", "in [0, 1)", "first-moment decay"},
        {"b2", "0.999", "in [0, 1)", "second-moment decay"},
        {"eps", "1e-8", "> 0", "denominator guard"},
        {"wd", "0.01", ">= 0", "decoupled weight decay lambda (PyTorch's default)"}}},
      {"signsgd", "x -= eta sign(g) (Bernstein et al. 2018)", {}},
      {"signum", "m = mu m + (1-mu) g, m_0 = 0; x -= eta sign(m) (Bernstein et al. 2018)",
       {{"mu", "", "in [0, 1)", "weight of the OLD momentum; default 1 - beta of the schedule"}}},
      {"smm", "Algorithm 1: v_1 = g_1, v = (1-beta) v + beta g; x -= eta sign(v) (beta from the schedule)", {}},
      {"signsgd-sim",
       "sign of a Signum-type EMA, m_0 = 0, with Sun et al.'s schedule (theorem2) by default "
       "[reconstruction of Sun et al. 2023]",
       {{"extrapolate", "0", "0 or 1",
         "1: take the gradient at x_t + ((1-beta)/beta)(x_t - x_{t-1}) (extrapolated variant, reconstruction)"}}},
      {"ef-signsgd", "error feedback: p = eta g + e; D = (||p||_1/d) sign(p); x -= D; e = p - D (Karimireddy et al. 2019)", {}},
      {"lion", "c = b1 m + (1-b1) g; x -= eta (sign(c) + wd x); m = b2 m + (1-b2) g (Chen et al. 2023)",
       {{"b1", "0.9", "in [0, 1)", "interpolation weight"},
        {"b2", "0.99", "in [0, 1)", "momentum decay"},
        {"wd", "0", ">= 0", "decoupled weight decay lambda"}}},
  };
  return registry;
}

std::string default_schedule(const std::string& method_name) {
  if (method_name == "signsgd-sim" || method_name == "mv-signsgd-sim" || method_name == "mv-sto-signsgd-sim")
    return "theorem2";
  if (method_name == "mvsm-v2") return "theorem5";
  if (method_name == "mvsm-v1" || method_name == "signsgd-mv" || method_name == "signum-mv" ||
      method_name == "sto-signsgd" || method_name == "sgd-dist" || method_name == "sgdm-dist")
    return "theorem3";
  return "theorem1";
}

Method make_method(const ParsedSpec& spec, double eta, double beta) {
  const ComponentInfo& info = find_component(method_registry(), spec.name, "method");
  Params params(info, spec, "method");
  const Domain momentum{0.0, 1.0, false, true};
  Method m;
  nlohmann::json derived = nlohmann::json::object();  // values taken from the schedule
  m.name = info.name;
  MethodCoeffs& c = m.base;
  c.eta = eta;
  c.beta = beta;
  const std::string& n = info.name;
  if (n == "sgd") c.kind = MethodKind::kSgd;
  else if (n == "sgdm") c.kind = MethodKind::kSgdm;
  else if (n == "adamw") c.kind = MethodKind::kAdamw;
  else if (n == "signsgd") c.kind = MethodKind::kSignSgd;
  else if (n == "signum") c.kind = MethodKind::kSignum;
  else if (n == "smm") c.kind = MethodKind::kSmm;
  else if (n == "signsgd-sim") c.kind = MethodKind::kSignSgdSim;
  else if (n == "ef-signsgd") c.kind = MethodKind::kEfSignSgd;
  else c.kind = MethodKind::kLion;
  m.kind = c.kind;
  if (n == "sgdm" || n == "signum") {
    if (params.given("mu")) {
      c.mu = params.real("mu", momentum);
    } else {
      c.mu = 1.0 - beta;
      derived["mu"] = c.mu;
    }
  }
  if (n == "adamw" || n == "lion") {
    c.b1 = params.real("b1", momentum);
    c.b2 = params.real("b2", momentum);
    c.wd = params.real("wd", nonnegative());
  }
  if (n == "adamw") c.eps = params.real("eps", positive());
  if (n == "signsgd-sim") m.extrapolate = params.integer("extrapolate", 0, 1) == 1;
  params.require_all_used();
  m.resolved = params.resolved();
  m.resolved.update(derived);
  return m;
}

MethodCoeffs Method::coeffs_at(std::uint32_t t) const {
  MethodCoeffs c = base;
  c.t = t;
  if (kind == MethodKind::kAdamw) {
    c.adam_step = c.eta / (1.0 - std::pow(c.b1, t));
    c.adam_sqrt_bc2 = std::sqrt(1.0 - std::pow(c.b2, t));
  }
  return c;
}

}  // namespace signrate
