#include "signrate/schedule.hpp"

#include <cmath>

#include "signrate/component_table.hpp"
#include "signrate/error.hpp"
#include "signrate/exact_pow.hpp"

namespace signrate {

namespace {

// A row's factory: eta and beta at dimension d and horizon T from the schedule's parameters.
using ScheduleFactory = void(Params& params, double d, double T, ScheduleValues& v);

struct ScheduleRow {
  ComponentInfo info;
  ScheduleFactory* factory;
};

const ParamInfo kEtaScale{"eta_scale", "1", "> 0", "multiplier of eta"};
const ParamInfo kBetaScale{"beta_scale", "1", "> 0", "multiplier of beta"};

// Theorems 1 and 2: beta = beta_scale T^-1/2; eta = eta_scale T^-3/4, over sqrt(d) for Theorem 1.
void theorem_1_2(Params& params, double d, double T, ScheduleValues& v, bool over_sqrt_d) {
  const double eta_scale = params.real("eta_scale", positive());
  const double beta_scale = params.real("beta_scale", positive());
  v.beta = beta_scale / std::sqrt(T);
  v.eta = eta_scale * exact_pow(T, -0.75) / (over_sqrt_d ? std::sqrt(d) : 1.0);
}

const std::vector<ScheduleRow>& schedule_table() {
  static const std::vector<ScheduleRow> table = [] {
    std::vector<ScheduleRow> rows = {
        {{"theorem1",
          "Theorem 1: beta = beta_scale T^-1/2, eta = eta_scale d^-1/2 T^-3/4",
          {kEtaScale, kBetaScale}},
         [](Params& p, double d, double T, ScheduleValues& v) { theorem_1_2(p, d, T, v, true); }},
        {{"theorem2",
          "Theorem 2 (and Sun et al.'s): beta = beta_scale T^-1/2, eta = eta_scale T^-3/4",
          {kEtaScale, kBetaScale}},
         [](Params& p, double d, double T, ScheduleValues& v) { theorem_1_2(p, d, T, v, false); }},
        {{"theorem3",
          "MVSM v1 (Theorem 3; the project's reconstruction, docs/theory.md has the rate only): "
          "beta = beta_c (constant), eta = eta_scale d^-1/2 T^-1/2",
          {kEtaScale, {"beta_c", "0.5", "in (0, 1]", "the constant beta"}}},
         [](Params& p, double d, double T, ScheduleValues& v) {
           v.eta = p.real("eta_scale", positive()) / std::sqrt(d * T);
           v.beta = p.real("beta_c", half_open_unit());
         }},
        {{"theorem5",
          "MVSM v2 (Theorem 5; derived from docs/theory.md's explicit v2 bound, which it makes O(d^1/4 "
          "T^-1/5)): "
          "beta = beta_scale T^-2/5, eta = eta_scale d^-1/2 T^-3/5",
          {kEtaScale, kBetaScale}},
         [](Params& p, double d, double T, ScheduleValues& v) {
           // -0.6 and -0.4 are the doubles nearest -3/5 and -2/5, as before exact_pow.
           v.eta = p.real("eta_scale", positive()) / std::sqrt(d) * exact_pow(T, -0.6);
           v.beta = p.real("beta_scale", positive()) * exact_pow(T, -0.4);
         }},
        {{"constant",
          "eta and beta as given",
          {{"eta", "0.01", "> 0", "step size"}, {"beta", "0.1", "in (0, 1]", "weight of the new gradient"}}},
         [](Params& p, double, double, ScheduleValues& v) {
           v.eta = p.real("eta", positive());
           v.beta = p.real("beta", half_open_unit());
         }},
        {{"power",
          "eta = eta_c d^eta_d T^eta_T, beta = beta_c d^beta_d T^beta_T",
          {{"eta_c", "1", "> 0", ""},
           {"eta_d", "0", "real", ""},
           {"eta_T", "-0.75", "real", ""},
           {"beta_c", "1", "> 0", ""},
           {"beta_d", "0", "real", ""},
           {"beta_T", "-0.5", "real", ""}}},
         [](Params& p, double d, double T, ScheduleValues& v) {
           v.eta = p.real("eta_c", positive()) * exact_pow(d, p.real("eta_d", any_real())) *
                   exact_pow(T, p.real("eta_T", any_real()));
           v.beta = p.real("beta_c", positive()) * exact_pow(d, p.real("beta_d", any_real())) *
                    exact_pow(T, p.real("beta_T", any_real()));
         }},
    };
    std::vector<const ComponentInfo*> infos;
    for (const auto& r : rows) {
      infos.push_back(&r.info);
      check_factory(r.factory, r.info, "schedule");
    }
    check_unique_names(infos, "schedule");
    return rows;
  }();
  return table;
}

}  // namespace

const std::vector<ComponentInfo>& schedule_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (const auto& row : schedule_table()) r.push_back(row.info);
    return r;
  }();
  return registry;
}

void check_schedule_name(const std::string& schedule, const ComponentInfo& info, const std::string& family) {
  for (const auto& row : schedule_table())
    if (row.info.name == schedule) return;
  throw TableError(family + " table: '" + info.name + "' defaults to the schedule '" + schedule +
                   "', which has no row");
}

ScheduleValues make_schedule(const ParsedSpec& spec, std::uint32_t d, std::uint32_t T) {
  const ComponentInfo& info = find_component(schedule_registry(), spec.name, "schedule");
  Params params(info, spec, "schedule");
  ScheduleValues v;
  for (const auto& row : schedule_table())
    if (row.info.name == info.name) row.factory(params, d, T, v);
  if (!(v.beta > 0.0 && v.beta <= 1.0))
    params.fail("beta = " + format_real(v.beta) + " at d=" + std::to_string(d) + ", T=" + std::to_string(T) +
                " is outside its domain; allowed: beta in (0, 1] (lower beta_scale or raise T)");
  if (!(v.eta > 0.0 && std::isfinite(v.eta)))
    params.fail("eta = " + format_real(v.eta) + " is not allowed; allowed: a finite eta > 0");
  params.require_all_used();
  v.resolved = params.resolved();
  return v;
}

void refuse_schedule_keys(const ParsedSpec& method, const ComponentInfo& info) {
  for (const std::string key : {"eta", "beta", "lr"}) {
    const auto given = method.values.find(key);
    if (given == method.values.end()) continue;
    bool declared = false;
    for (const ParamInfo& p : info.params) declared = declared || p.key == key;
    if (declared) continue;
    const std::string& v = given->second;
    throw SpecError("method " + info.name + ": " + key + "=" + v +
                    " is not a parameter of the method: here eta and beta come from the schedule; allowed: "
                    "--schedule constant:" +
                    (key == "beta" ? "eta=<eta>,beta=" + v : "eta=" + v + ",beta=<beta>") +
                    ", or a theorem's schedule scaled (theorem1:eta_scale=<s>,beta_scale=<s>)");
  }
}

}  // namespace signrate
