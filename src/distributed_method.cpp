// The distributed methods' registry and their resolution against a schedule (docs/components.md's
// "Distributed methods" table; docs/theory.md "MVSM").
#include <cmath>

#include "signrate/component_table.hpp"
#include "signrate/distributed.hpp"
#include "signrate/error.hpp"
#include "signrate/schedule.hpp"

namespace signrate {

namespace {

const ParamInfo kR{
    "R", "", "> 0",
    "S_R's bound on |state|; default: the problem's G plus the oracle's noise bound (Assumption 9)"};
const ParamInfo kClip{"clip", "0", "0 or 1",
                      "1: clip the state to [-R, R] before S_R and count it; 0: |state| > R stops the run"};
const ParamInfo kMu{"mu", "", "in [0, 1)", "weight of the OLD momentum; default 1 - beta of the schedule"};

struct Entry {
  ComponentInfo info;
  DistKind kind;
  const char* default_schedule;
  bool homogeneous_only = false;  // refused on a heterogeneous problem
};

bool is_dist_kind(DistKind k) { return has_recipe(k); }

// One row per distributed method; the default schedules follow docs/theory.md: theorem3 for MVSM v1
// and the majority-vote baselines, theorem5 for v2, Sun et al.'s theorem2 for the -sim methods.
const std::vector<Entry>& entries() {
  static const std::vector<Entry> list = [] {
    std::vector<Entry> rows = {
        {{"sgd-dist", "nodes send g (float32), server sends the mean; x -= eta mean (32/32 bits)", {}},
         DistKind::kSgdDist,
         "theorem3"},
        {{"sgdm-dist",
          "nodes send g (float32); server: buf = mu buf + mean (buf_1 = mean), sends buf (32/32 bits)",
          {kMu}},
         DistKind::kSgdmDist,
         "theorem3"},
        {{"signsgd-mv",
          "nodes send sign(g), server sends sign(sum) (0 on a tie) (Bernstein et al. 2018; 1/1 bit)",
          {}},
         DistKind::kSignSgdMv,
         "theorem3"},
        {{"signum-mv",
          "nodes send sign(m), m = mu m + (1-mu) g, m_0 = 0; server sends sign(sum) (1/1 bit)",
          {kMu}},
         DistKind::kSignumMv,
         "theorem3"},
        {{"sto-signsgd",
          "nodes send S_R(g), server sends sign(sum) (Jin et al. 2021, their B is R; reconstruction)",
          {kR, kClip}},
         DistKind::kStoSignSgd,
         "theorem3"},
        {{"mv-signsgd-sim",
          "nodes send sign(m), m = (1-beta) m + beta g, m_0 = 0; server sends sign(sum) (Sun et al. 2023; "
          "reconstruction)",
          {}},
         DistKind::kMvSignSgdSim,
         "theorem2"},
        {{"mv-sto-signsgd-sim",
          "as mv-signsgd-sim, but nodes send S_R(m) (Sun et al. 2023; reconstruction)",
          {kR, kClip}},
         DistKind::kMvStoSignSgdSim,
         "theorem2"},
        {{"mvsm-v1",
          "Algorithm 2 v1: v_1 = g_1, v = (1-beta) v + beta g; nodes send S_R(v), server sign(sum)",
          {kR, kClip}},
         DistKind::kMvsmV1,
         "theorem3"},
        {{"mvsm-v2",
          "Algorithm 2 v2: as mvsm-v1, but the server sends S_1(sum / n) (unbiased, no tie)",
          {kR, kClip}},
         DistKind::kMvsmV2,
         "theorem5"},
        {{"ssdm",
          "nodes send ||m||_2 S_R(m) with R = ||m||_2 (1 bit a coordinate and a float32 scale), m = mu m + "
          "(1-mu) g, m_0 = 0; server sends the mean (Safaryan and Richtarik 2021; reconstruction; "
          "homogeneous "
          "nodes only)",
          {kMu}},
         DistKind::kSsdm,
         "theorem3",
         true},
    };
    std::vector<const ComponentInfo*> infos;
    std::vector<DistKind> kinds;
    for (const auto& r : rows) {
      infos.push_back(&r.info);
      kinds.push_back(r.kind);
      check_schedule_name(r.default_schedule, r.info, "distributed method");
    }
    check_unique_names(infos, "distributed method");
    check_kinds_covered(kinds, is_dist_kind, "distributed method");
    return rows;
  }();
  return list;
}

const Entry* find_entry(const std::string& name) {
  for (const auto& e : entries())
    if (e.info.name == name) return &e;
  return nullptr;
}

}  // namespace

const std::vector<ComponentInfo>& distributed_method_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (const auto& e : entries()) r.push_back(e.info);
    return r;
  }();
  return registry;
}

bool is_distributed_method(const std::string& name) { return find_entry(name) != nullptr; }

std::string default_dist_schedule(const std::string& name) {
  const ComponentInfo& info = find_component(distributed_method_registry(), name, "method");
  return find_entry(info.name)->default_schedule;
}

DistMethod make_dist_method(const ParsedSpec& spec, double eta, double beta, double stochastic_bound) {
  const ComponentInfo& info = find_component(distributed_method_registry(), spec.name, "method");
  refuse_schedule_keys(spec, info);
  Params params(info, spec, "method");
  DistMethod m;
  m.name = info.name;
  m.base.kind = find_entry(info.name)->kind;
  m.homogeneous_only = find_entry(info.name)->homogeneous_only;
  DistCoeffs& c = m.base;
  c.eta = eta;
  c.beta = beta;
  nlohmann::json derived = nlohmann::json::object();
  if (reads_mu(recipe_of(c.kind))) {
    if (params.given("mu")) {
      c.mu = params.real("mu", Domain{0.0, 1.0, false, true});
    } else {
      c.mu = 1.0 - beta;
      derived["mu"] = c.mu;
    }
  }
  m.has_R = needs_bound_R(recipe_of(c.kind));
  if (m.has_R) {
    c.clip = params.integer("clip", 0, 1) == 1;
    if (params.given("R")) {
      c.R = params.real("R", positive());
      m.R_source = "user";
    } else if (std::isfinite(stochastic_bound) && stochastic_bound > 0) {
      c.R = stochastic_bound;
      m.R_source = "problem G + oracle noise bound (Assumption 9)";
      derived["R"] = c.R;
    } else {
      params.fail(
          "R is needed: S_R needs |state| <= R, and this problem and oracle declare no bound on a "
          "stochastic gradient (Assumption 9: a finite G and bounded noise); allowed: give R=<value > 0> "
          "(the run stops if |state| > R), optionally with clip=1");
    }
  }
  params.require_all_used();
  m.resolved = params.resolved();
  m.resolved.update(derived);
  return m;
}

}  // namespace signrate
