// The JSON of run summaries and sweeps, written and read back (the I/O layer).
#include "signrate/io/sweep_io.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <tuple>
#include <utility>

#include "signrate/error.hpp"
#include "signrate/spec.hpp"
#include "sweep_read.hpp"

namespace signrate {

namespace {

using io::Reader;

// JSON has no NaN or infinity: a missing value (no f*, one replicate's stderr) is null.
nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json stat_json(const MeanStderr& s) {
  return {{"mean", number_or_null(s.mean)}, {"stderr", number_or_null(s.stderr_)}};
}

nlohmann::json list_json(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(number_or_null(x));
  return a;
}

// The six run quantities under their JSON names.
template <typename Q, typename F>
void for_each_quantity(Q& q, F&& f) {
  f("M1", q.M1);
  f("M2", q.M2);
  f("final_grad_l1", q.final_grad_l1);
  f("final_grad_l2", q.final_grad_l2);
  f("final_gap", q.final_gap);
  f("final_x_mean", q.final_x_mean);
}

// The checkpoint quantities under their JSON names (the CSV's columns too).
template <typename C, typename F>
void for_each_trace(C& row, F&& f) {
  f("M1", row.M1);
  f("M2", row.M2);
  f("grad_l1", row.grad_l1);
  f("grad_l2", row.grad_l2);
  f("gap", row.gap);
}

MeanStderr read_stat(const Reader& r) { return {r["mean"].real(), r["stderr"].real()}; }

ResolvedComponent read_component(const Reader& r) {
  ResolvedComponent c;
  c.name = r["name"].text();
  for (const std::string& key : r.keys()) {
    if (key == "name") continue;
    const Reader v = r[key];
    const nlohmann::json& j = v.json();
    if (j.is_number_float() || j.is_null())
      c.params[key] = v.real();
    else if (j.is_number_integer())
      c.params[key] = v.i64();
    else if (j.is_string())
      c.params[key] = v.text();
    else if (j.is_array())
      c.params[key] = v.reals();
    else
      v.fail("is not a real, an integer, a text or a list of reals");
  }
  return c;
}

ResolvedSpec read_spec(const Reader& r, bool with_grid_axes) {
  ResolvedSpec s;
  s.problem = read_component(r["problem"]);
  s.oracle = read_component(r["oracle"]);
  s.method = read_component(r["method"]);
  s.schedule = read_component(r["schedule"]);
  if (with_grid_axes) {
    s.d = r["d"].u32();
    s.T = r["T"].u32();
    s.nodes = r.has("nodes") ? r["nodes"].u32() : 1;
  }
  s.replicates = r["replicates"].u32();
  s.seed = r["seed"].u64();
  s.batch = r["batch"].u32();
  s.checkpoints_per_decade = r["checkpoints_per_decade"].u32();
  s.byzantine = r.has("byzantine") ? r["byzantine"].u32() : 0;
  return s;
}

ProblemDeclared read_problem_declared(const Reader& r) {
  ProblemDeclared p;
  p.f_star = r.constant("f_star");
  if (std::isnan(p.f_star)) p.f_star = -std::numeric_limits<double>::infinity();  // none declared
  p.delta = r.constant("delta");
  p.L = r.constant("L");
  p.L_inf = r.constant("L_inf");
  p.L_vec_l1 = r.constant("L_vec_l1");
  p.L_vec_max = r.constant("L_vec_max");
  p.G = r.constant("G");
  p.separable = r["separable"].boolean();
  const Reader a = r["assumptions"];
  p.assumption_1 = a["1"].boolean();
  p.assumption_2 = a["2"].boolean();
  p.assumption_3 = a["3"].boolean();
  p.assumption_7 = a["7"].boolean();
  p.assumption_9 = a["9"].boolean();
  p.f_star_finite = a["f_star_finite"].boolean();
  p.bounded_below = a["bounded_below"].boolean();
  p.heterogeneous = r["heterogeneous"].boolean();
  if (p.heterogeneous) p.centers = r["centers"].reals();
  static const char* const kKnown[] = {"f_star",      "delta",         "L",       "L_inf",
                                       "L_vec_l1",    "L_vec_max",     "G",       "separable",
                                       "assumptions", "heterogeneous", "centers", "infinite"};
  for (const std::string& key : r.keys()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) p.extra[key] = r[key].real();
  }
  return p;
}

OracleDeclared read_oracle_declared(const Reader& r) {
  OracleDeclared o;
  o.variance_total = r.constant("variance_total");
  o.sigma_l2 = r.constant("sigma_l2");
  o.sigma_l1 = r.constant("sigma_l1");
  o.sigma_coordinate_min = r.constant("sigma_coordinate_min");
  o.sigma_coordinate_max = r.constant("sigma_coordinate_max");
  o.batch = r["batch"].u32();
  o.symmetric = r["symmetric"].boolean();
  o.unimodal = r["unimodal"].boolean();
  o.bounded = r["bounded"].boolean();
  o.bound = r.constant("bound");
  o.finite_variance = r["finite_variance"].boolean();
  o.finite_mean = r["finite_mean"].boolean();
  o.heavy_tailed = r["heavy_tailed"].boolean();
  return o;
}

Communication read_communication(const Reader& r) {
  Communication c;
  c.nodes = r["nodes"].u64();
  c.byzantine = r["byzantine"].u32();
  c.bits_up_per_coordinate = r["bits_up_per_coordinate"].u32();
  c.bits_down_per_coordinate = r["bits_down_per_coordinate"].u32();
  c.bytes_up_per_node_per_step = r["bytes_up_per_node_per_step"].u64();
  c.bytes_down_per_node_per_step = r["bytes_down_per_node_per_step"].u64();
  c.total_bytes_per_replicate = r["total_bytes_per_replicate"].u64();
  c.total_bytes = r["total_bytes"].u64();
  c.zero_signs_up = r["zero_signs_up"].u64();
  c.ties_down = r["ties_down"].u64();
  c.has_R = r.has("R");
  if (c.has_R) {
    c.R = r["R"].real();
    c.R_source = r["R_source"].text();
    c.clip = r["clip"].boolean();
    c.clipped = r["clipped"].u64();
    c.clipped_fraction = r["clipped_fraction"].real();
  }
  return c;
}

RunSummary read_summary(const Reader& r) {
  RunSummary s;
  s.spec = read_spec(r["spec"], true);
  s.eta = r["schedule"]["eta"].real();
  s.beta = r["schedule"]["beta"].real();
  s.problem_declared = read_problem_declared(r["problem_declared"]);
  s.oracle_declared = read_oracle_declared(r["oracle_declared"]);
  const Reader metrics = r["metrics"], per_replicate = r["per_replicate"];
  for_each_quantity(s.metrics, [&](const char* name, MeanStderr& m) { m = read_stat(metrics[name]); });
  for_each_quantity(s.per_replicate,
                    [&](const char* name, std::vector<double>& v) { v = per_replicate[name].reals(); });
  const Reader cps = r["checkpoints"];
  for (std::size_t k = 0; k < cps.size(); ++k) {
    const Reader row = cps.at(k);
    CheckpointStats c;
    c.t = row["t"].u32();
    for_each_trace(c, [&](const char* name, MeanStderr& m) {
      m = {row[name].real(), row[std::string(name) + "_stderr"].real()};
    });
    s.checkpoints.push_back(c);
  }
  if (r.has("communication")) s.communication = read_communication(r["communication"]);
  return s;
}

}  // namespace

nlohmann::json resolved_component_json(const ResolvedComponent& c) {
  nlohmann::json j = {{"name", c.name}};
  for (const auto& [key, value] : c.params) std::visit([&, &key = key](const auto& v) { j[key] = v; }, value);
  return j;
}

nlohmann::json resolved_spec_json(const ResolvedSpec& s, bool with_grid_axes) {
  nlohmann::json j = {{"problem", resolved_component_json(s.problem)},
                      {"oracle", resolved_component_json(s.oracle)},
                      {"method", resolved_component_json(s.method)},
                      {"schedule", resolved_component_json(s.schedule)},
                      {"replicates", s.replicates},
                      {"seed", s.seed},
                      {"batch", s.batch},
                      {"checkpoints_per_decade", s.checkpoints_per_decade},
                      {"byzantine", s.byzantine}};
  if (with_grid_axes) {
    j["d"] = s.d;
    j["T"] = s.T;
    j["nodes"] = s.nodes;
  }
  return j;
}

nlohmann::json problem_declared_json(const ProblemDeclared& p) {
  nlohmann::json j;
  j["f_star"] = number_or_null(p.f_star);  // null: none declared
  put_constant(j, "delta", p.delta);
  put_constant(j, "L", p.L);
  put_constant(j, "L_inf", p.L_inf);
  put_constant(j, "L_vec_l1", p.L_vec_l1);
  put_constant(j, "L_vec_max", p.L_vec_max);
  put_constant(j, "G", p.G);
  j["separable"] = p.separable;
  j["assumptions"] = {{"1", p.assumption_1},
                      {"2", p.assumption_2},
                      {"3", p.assumption_3},
                      {"9", p.assumption_9},
                      {"7", p.assumption_7},
                      {"f_star_finite", p.f_star_finite},
                      {"bounded_below", p.bounded_below}};
  j["heterogeneous"] = p.heterogeneous;
  if (p.heterogeneous) j["centers"] = p.centers;
  for (const auto& [key, value] : p.extra) j[key] = value;
  return j;
}

nlohmann::json oracle_declared_json(const OracleDeclared& o) {
  nlohmann::json j;
  put_constant(j, "variance_total", o.variance_total);
  put_constant(j, "sigma_l2", o.sigma_l2);
  put_constant(j, "sigma_l1", o.sigma_l1);
  put_constant(j, "sigma_coordinate_min", o.sigma_coordinate_min);
  put_constant(j, "sigma_coordinate_max", o.sigma_coordinate_max);
  j["batch"] = o.batch;
  j["symmetric"] = o.symmetric;
  j["unimodal"] = o.unimodal;
  j["bounded"] = o.bounded;
  put_constant(j, "bound", o.bound);
  j["finite_variance"] = o.finite_variance;
  j["finite_mean"] = o.finite_mean;
  j["heavy_tailed"] = o.heavy_tailed;
  return j;
}

nlohmann::json communication_json(const Communication& c) {
  nlohmann::json j = {{"nodes", c.nodes},
                      {"byzantine", c.byzantine},
                      {"bits_up_per_coordinate", c.bits_up_per_coordinate},
                      {"bits_down_per_coordinate", c.bits_down_per_coordinate},
                      {"bytes_up_per_node_per_step", c.bytes_up_per_node_per_step},
                      {"bytes_down_per_node_per_step", c.bytes_down_per_node_per_step},
                      {"total_bytes_per_replicate", c.total_bytes_per_replicate},
                      {"total_bytes", c.total_bytes},
                      {"zero_signs_up", c.zero_signs_up},
                      {"ties_down", c.ties_down}};
  if (c.has_R) {
    j["R"] = c.R;
    j["R_source"] = c.R_source;
    j["clip"] = c.clip;
    j["clipped"] = c.clipped;
    j["clipped_fraction"] = c.clipped_fraction;
  }
  return j;
}

nlohmann::json run_summary_json(const RunSummary& s) {
  nlohmann::json j;
  j["spec"] = resolved_spec_json(s.spec);
  j["schedule"] = {{"eta", s.eta}, {"beta", s.beta}};
  j["problem_declared"] = problem_declared_json(s.problem_declared);
  j["oracle_declared"] = oracle_declared_json(s.oracle_declared);
  nlohmann::json metrics, per_replicate;
  for_each_quantity(s.metrics, [&](const char* name, const MeanStderr& v) { metrics[name] = stat_json(v); });
  for_each_quantity(s.per_replicate, [&](const char* name, const std::vector<double>& v) {
    per_replicate[name] = list_json(v);
  });
  j["metrics"] = metrics;
  j["per_replicate"] = per_replicate;
  nlohmann::json cps = nlohmann::json::array();
  for (const CheckpointStats& c : s.checkpoints) {
    nlohmann::json row = {{"t", c.t}};
    for_each_trace(c, [&](const char* name, const MeanStderr& v) {
      row[name] = number_or_null(v.mean);
      row[std::string(name) + "_stderr"] = number_or_null(v.stderr_);
    });
    cps.push_back(row);
  }
  j["checkpoints"] = cps;
  if (s.communication) j["communication"] = communication_json(*s.communication);
  return j;
}

nlohmann::json varied_json(const VariedValues& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : values) j[key] = value;
  return j;
}

std::string sweep_csv(const SweepResult& s) {
  std::ostringstream out;
  out.precision(17);
  out << "point,d,T,n";
  for (const auto& [key, values] : s.grid.vary) out << ',' << key;
  out << ",seed,measure,mean,stderr\n";
  for (std::size_t k = 0; k < s.points.size(); ++k) {
    const SweepPoint& p = s.points[k];
    for_each_quantity(p.run.metrics, [&](const char* name, const MeanStderr& m) {
      out << k << ',' << p.d << ',' << p.T << ',' << p.n;
      for (const auto& [key, values] : s.grid.vary) out << ',' << p.vary.at(key);
      out << ',' << p.seed << ',' << name << ',' << m.mean << ',' << m.stderr_ << '\n';
    });
  }
  return out.str();
}

nlohmann::json sweep_json(const SweepResult& s) {
  nlohmann::json j;
  j["version"] = s.version;
  j["kind"] = "sweep";
  j["seed"] = s.seed;
  nlohmann::json base = resolved_spec_json(s.spec, false);
  j["spec"] = base;
  j["grid"] = {{"d", s.grid.d}, {"T", s.grid.T}, {"n", s.grid.n}};
  for (const auto& [name, values] : s.grid.vary) j["grid"]["vary"][name] = values;
  j["points"] = nlohmann::json::array();
  for (const SweepPoint& p : s.points) {
    nlohmann::json point = run_summary_json(p.run);
    point["d"] = p.d;
    point["T"] = p.T;
    point["n"] = p.n;
    point["vary"] = varied_json(p.vary);
    point["seed"] = p.seed;
    j["points"].push_back(point);
  }
  if (!s.command.empty()) j["command"] = s.command;
  return j;
}

namespace {

// What fitting and reporting rely on and the JSON's types alone do not say: non-empty axes, at
// least one point, every point on the grid with its own spec's coordinates, and one value per
// replicate in every per-replicate list. A SpecError naming the key otherwise.
void check_sweep(const Reader& r, const SweepResult& s) {
  const Reader grid = r["grid"], points = r["points"];
  for (const auto& [axis, values] : {std::pair{"d", &s.grid.d}, {"T", &s.grid.T}, {"n", &s.grid.n}}) {
    if (values->empty()) grid[axis].fail("is empty; allowed: a list of integers >= 1");
    for (std::size_t k = 0; k < values->size(); ++k)
      if ((*values)[k] < 1) grid[axis].at(k).fail("is 0; allowed: an integer >= 1");
  }
  for (const auto& [name, values] : s.grid.vary) {
    if (values.empty()) grid["vary"][name].fail("is empty; allowed: a list of numbers");
    for (std::size_t k = 0; k < values.size(); ++k)
      if (!std::isfinite(values[k])) grid["vary"][name].at(k).fail("is not a finite number");
  }
  if (s.points.empty()) points.fail("is empty; allowed: the points of a sweep (at least one)");
  const auto on = [](const std::vector<std::uint32_t>& axis, std::uint32_t v) {
    return std::find(axis.begin(), axis.end(), v) != axis.end();
  };
  for (std::size_t k = 0; k < s.points.size(); ++k) {
    const SweepPoint& p = s.points[k];
    const Reader pj = points.at(k);
    for (const auto& [axis, value, values] :
         {std::tuple{"d", p.d, &s.grid.d}, {"T", p.T, &s.grid.T}, {"n", p.n, &s.grid.n}})
      if (!on(*values, value))
        (pj.has(axis) ? pj[axis] : pj).fail("is " + std::to_string(value) + ", not a value of grid." + axis);
    if (p.run.spec.d != p.d || p.run.spec.T != p.T || p.run.spec.nodes != p.n)
      pj["spec"].fail("does not have the point's d, T and nodes");
    if (p.vary.size() != s.grid.vary.size()) pj.fail("does not give every varied parameter of grid.vary");
    for (const auto& [name, value] : p.vary) {
      const auto it = s.grid.vary.find(name);
      if (it == s.grid.vary.end() ||
          std::find(it->second.begin(), it->second.end(), value) == it->second.end())
        pj["vary"][name].fail("is not a value of grid.vary." + name);
    }
    const std::uint32_t R = p.run.spec.replicates;
    if (R < 1) pj["spec"]["replicates"].fail("is 0; allowed: an integer >= 1");
    const ReplicateValues& v = p.run.per_replicate;
    for (const auto& [name, values] : {std::pair{"M1", &v.M1},
                                       {"M2", &v.M2},
                                       {"final_grad_l1", &v.final_grad_l1},
                                       {"final_grad_l2", &v.final_grad_l2},
                                       {"final_gap", &v.final_gap},
                                       {"final_x_mean", &v.final_x_mean}})
      if (values->size() != R)
        pj["per_replicate"][name].fail("has " + std::to_string(values->size()) + " values for " +
                                       std::to_string(R) + " replicates");
    if (p.run.checkpoints.empty()) pj["checkpoints"].fail("is empty; allowed: the run's checkpoints");
  }
}

}  // namespace

SweepResult read_sweep(const Reader& r) {
  SweepResult s;
  s.version = r["version"].text();
  s.seed = r["seed"].u64();
  s.spec = read_spec(r["spec"], false);
  const Reader grid = r["grid"];
  s.grid.d = grid["d"].u32s();
  s.grid.T = grid["T"].u32s();
  s.grid.n = grid.has("n") ? grid["n"].u32s() : std::vector<std::uint32_t>{1};  // before the n axis: one node
  if (grid.has("vary"))
    for (const std::string& name : grid["vary"].keys()) s.grid.vary[name] = grid["vary"][name].reals();
  const Reader points = r["points"];
  for (std::size_t k = 0; k < points.size(); ++k) {
    const Reader p = points.at(k);
    SweepPoint point;
    point.d = p["d"].u32();
    point.T = p["T"].u32();
    point.n = p.has("n") ? p["n"].u32() : 1;
    if (p.has("vary"))
      for (const std::string& name : p["vary"].keys()) point.vary[name] = p["vary"][name].real();
    point.seed = p["seed"].u64();
    point.run = read_summary(p);
    s.points.push_back(std::move(point));
  }
  if (r.has("command")) s.command = r["command"].text();
  check_sweep(r, s);
  return s;
}

SweepResult sweep_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("points"))
    throw SpecError("not a sweep JSON (it has no \"points\"): write one with signrate sweep");
  return read_sweep(Reader(j, "sweep JSON"));
}

}  // namespace signrate
