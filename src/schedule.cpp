#include <cmath>

#include "signrate/error.hpp"
#include "signrate/schedule.hpp"

namespace signrate {

const std::vector<ComponentInfo>& schedule_registry() {
  static const std::vector<ComponentInfo> registry = {
      {"theorem1", "Theorem 1: beta = beta_scale T^-1/2, eta = eta_scale d^-1/2 T^-3/4",
       {{"eta_scale", "1", "> 0", "multiplier of eta"}, {"beta_scale", "1", "> 0", "multiplier of beta"}}},
      {"theorem2", "Theorem 2 (and Sun et al.'s): beta = beta_scale T^-1/2, eta = eta_scale T^-3/4",
       {{"eta_scale", "1", "> 0", "multiplier of eta"}, {"beta_scale", "1", "> 0", "multiplier of beta"}}},
      {"theorem3",
       "MVSM v1 (Theorem 3; the project's reconstruction, THEORY.md has the rate only): "
       "beta = beta_c (constant), eta = eta_scale d^-1/2 T^-1/2",
       {{"eta_scale", "1", "> 0", "multiplier of eta"}, {"beta_c", "0.5", "in (0, 1]", "the constant beta"}}},
      {"theorem5",
       "MVSM v2 (Theorem 5; derived from THEORY.md's explicit v2 bound, which it makes O(d^1/4 T^-1/5)): "
       "beta = beta_scale T^-2/5, eta = eta_scale d^-1/2 T^-3/5",
       {{"eta_scale", "1", "> 0", "multiplier of eta"}, {"beta_scale", "1", "> 0", "multiplier of beta"}}},
      {"constant", "eta and beta as given",
       {{"eta", "0.01", "> 0", "step size"}, {"beta", "0.1", "in (0, 1]", "weight of the new gradient"}}},
      {"power", "eta = eta_c d^eta_d T^eta_T, beta = beta_c d^beta_d T^beta_T",
       {{"eta_c", "1", "> 0", ""}, {"eta_d", "0", "real", ""}, {"eta_T", "-0.75", "real", ""},
        {"beta_c", "1", "> 0", ""}, {"beta_d", "0", "real", ""}, {"beta_T", "-0.5", "real", ""}}},
  };
  return registry;
}

ScheduleValues make_schedule(const ParsedSpec& spec, std::uint32_t d, std::uint32_t T) {
  const ComponentInfo& info = find_component(schedule_registry(), spec.name, "schedule");
  Params params(info, spec, "schedule");
  const double dd = d, tt = T;
  ScheduleValues v;
  if (info.name == "theorem1" || info.name == "theorem2") {
    const double eta_scale = params.real("eta_scale", positive());
    const double beta_scale = params.real("beta_scale", positive());
    v.beta = beta_scale / std::sqrt(tt);
    v.eta = eta_scale * std::pow(tt, -0.75) / (info.name == "theorem1" ? std::sqrt(dd) : 1.0);
  } else if (info.name == "theorem3") {
    v.eta = params.real("eta_scale", positive()) / std::sqrt(dd * tt);
    v.beta = params.real("beta_c", half_open_unit());
  } else if (info.name == "theorem5") {
    v.eta = params.real("eta_scale", positive()) / std::sqrt(dd) * std::pow(tt, -0.6);
    v.beta = params.real("beta_scale", positive()) * std::pow(tt, -0.4);
  } else if (info.name == "constant") {
    v.eta = params.real("eta", positive());
    v.beta = params.real("beta", half_open_unit());
  } else {
    v.eta = params.real("eta_c", positive()) * std::pow(dd, params.real("eta_d", any_real())) *
            std::pow(tt, params.real("eta_T", any_real()));
    v.beta = params.real("beta_c", positive()) * std::pow(dd, params.real("beta_d", any_real())) *
             std::pow(tt, params.real("beta_T", any_real()));
  }
  if (!(v.beta > 0.0 && v.beta <= 1.0))
    params.fail("beta = " + format_real(v.beta) + " at d=" + std::to_string(d) + ", T=" + std::to_string(T) +
                " is outside its domain; allowed: beta in (0, 1] (lower beta_scale or raise T)");
  if (!(v.eta > 0.0 && std::isfinite(v.eta)))
    params.fail("eta = " + format_real(v.eta) + " is not allowed; allowed: a finite eta > 0");
  params.require_all_used();
  v.resolved = params.resolved();
  return v;
}

}  // namespace signrate
