// A run's typed summary: what it resolved (spec, schedule, declared constants) and measured.
#include "signrate/run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "signrate/experiment.hpp"
#include "signrate/spec.hpp"

namespace signrate {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::uint64_t total(const std::vector<std::uint64_t>& v) {
  std::uint64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

// The replicates' values of one checkpoint quantity.
std::vector<double> column(const RunResult& r, std::size_t k, std::vector<double> RunResult::Trace::*field) {
  std::vector<double> out;
  out.reserve(r.traces.size());
  for (const auto& tr : r.traces) out.push_back((tr.*field)[k]);
  return out;
}

}  // namespace

ResolvedComponent resolved_component(const nlohmann::json& resolved) {
  ResolvedComponent c;
  c.name = resolved.at("name").get<std::string>();
  for (const auto& [key, value] : resolved.items()) {
    if (key == "name") continue;
    if (value.is_number_float()) {
      c.params[key] = value.get<double>();
    } else if (value.is_number_integer()) {  // signed or unsigned
      c.params[key] = value.get<std::int64_t>();
    } else if (value.is_string()) {
      c.params[key] = value.get<std::string>();
    } else if (value.is_array() &&
               std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_number(); })) {
      c.params[key] = value.get<std::vector<double>>();
    } else {
      throw std::logic_error("resolved parameter " + c.name + "." + key + " is " + value.dump() +
                             ": not a real, an integer, a text or a list of reals");
    }
  }
  return c;
}

std::string spec_text(const ResolvedComponent& c) {
  // Built in one stream (GCC 12 reports a false -Wrestrict on short string concatenations here).
  std::ostringstream out;
  out << c.name;
  bool first = true;
  for (const auto& [key, value] : c.params) {
    out << (first ? ":" : ",") << key << '=';
    first = false;
    if (const auto* real = std::get_if<double>(&value)) {
      out << format_real(*real);
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      out << *integer;
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      out << *text;
    } else {
      const auto& list = std::get<std::vector<double>>(value);
      for (std::size_t k = 0; k < list.size(); ++k) out << (k ? "/" : "") << format_real(list[k]);
    }
  }
  return out.str();
}

ProblemDeclared problem_declared(const Problem& p) {
  const ProblemConstants& c = p.constants;
  ProblemDeclared out;
  out.f_star = c.has_f_star ? c.f_star : -kInf;
  out.delta = c.delta;
  out.L = c.L;
  out.L_inf = c.L_inf;
  double l1 = 0, lmax = 0;
  for (double v : c.L_vec) l1 += v, lmax = std::max(lmax, v);
  out.L_vec_l1 = c.L_vec.empty() ? kInf : l1;
  out.L_vec_max = c.L_vec.empty() ? kInf : lmax;
  out.G = c.G;
  out.separable = p.separable;
  out.assumption_1 = !c.L_vec.empty();
  out.assumption_2 = std::isfinite(c.L);
  out.assumption_3 = std::isfinite(c.L_inf);
  out.assumption_7 = true;
  out.assumption_9 = std::isfinite(c.G);
  out.f_star_finite = c.has_f_star;
  out.bounded_below = c.bounded_below;
  out.heterogeneous = p.heterogeneous();
  out.centers = p.node_centers;
  for (const auto& [key, value] : p.extra_declared.items()) {
    if (!value.is_number())
      throw std::logic_error("problem " + p.name + " declares " + key + " = " + value.dump() +
                             ": not a number");
    out.extra[key] = value.get<double>();
  }
  return out;
}

OracleDeclared oracle_declared(const Oracle& o) {
  OracleDeclared out;
  const bool finite = o.traits.finite_variance;
  out.variance_total = finite ? o.sigma_l2() * o.sigma_l2() : kInf;
  out.sigma_l2 = o.sigma_l2();
  out.sigma_l1 = o.sigma_l1();
  double lo = kInf, hi = 0;
  for (double v : o.sigma()) lo = std::min(lo, v), hi = std::max(hi, v);
  out.sigma_coordinate_min = finite ? lo : kInf;
  out.sigma_coordinate_max = finite ? hi : kInf;
  out.batch = o.batch;
  out.symmetric = o.traits.symmetric;
  out.unimodal = o.traits.unimodal;
  out.bounded = o.traits.bounded;
  out.bound = o.noise_bound();
  out.finite_variance = finite;
  out.finite_mean = o.traits.finite_mean;
  out.heavy_tailed = o.traits.heavy_tailed;
  return out;
}

Communication communication(const Experiment& e, const RunResult& r) {
  const std::uint64_t d = e.spec.d, n = e.spec.nodes, T = e.spec.T;
  Communication c;
  c.nodes = n;
  c.byzantine = e.spec.byzantine;
  c.bits_up_per_coordinate = e.dist.bits_up();
  c.bits_down_per_coordinate = e.dist.bits_down();
  // A sign message is packed in 64-bit words (SSDM's adds its float32 scale); a float32 message is
  // 4 bytes a coordinate.
  const auto bytes = [d](std::uint32_t bits) { return bits == 1 ? (d + 63) / 64 * 8 : d * bits / 8; };
  c.bytes_up_per_node_per_step = bytes(c.bits_up_per_coordinate) + e.dist.scale_bytes_up();
  c.bytes_down_per_node_per_step = bytes(c.bits_down_per_coordinate);
  c.total_bytes_per_replicate = T * n * (c.bytes_up_per_node_per_step + c.bytes_down_per_node_per_step);
  c.total_bytes = c.total_bytes_per_replicate * e.spec.replicates;
  c.zero_signs_up = total(r.zeros_up);
  c.ties_down = total(r.ties_down);
  if (e.dist.has_R) {
    const double steps = static_cast<double>(T) * n * d * e.spec.replicates;
    c.has_R = true;
    c.R = e.dist.base.R;
    c.R_source = e.dist.R_source;
    c.clip = e.dist.base.clip;
    c.clipped = total(r.clipped);
    c.clipped_fraction = static_cast<double>(c.clipped) / steps;
  }
  return c;
}

ResolvedSpec resolved_spec(const Experiment& e) {
  ResolvedSpec s;
  s.problem = resolved_component(e.problem.resolved);
  s.oracle = resolved_component(e.oracle.resolved);
  s.method = resolved_component(e.method.resolved);
  s.schedule = resolved_component(e.schedule.resolved);
  s.d = e.spec.d;
  s.T = e.spec.T;
  s.replicates = e.spec.replicates;
  s.seed = e.spec.seed;
  s.batch = e.spec.batch;
  s.checkpoints_per_decade = e.spec.checkpoints_per_decade;
  s.nodes = e.spec.nodes;
  s.byzantine = e.spec.byzantine;
  return s;
}

RunSummary summarize(const Experiment& e, const RunResult& r) {
  RunSummary s;
  s.spec = resolved_spec(e);
  s.eta = e.schedule.eta;
  s.beta = e.schedule.beta;
  s.problem_declared = problem_declared(e.problem);
  s.oracle_declared = oracle_declared(e.oracle);
  s.per_replicate = {r.M1, r.M2, r.final_grad_l1, r.final_grad_l2, r.final_gap, r.final_x_mean};
  s.metrics = {mean_stderr(r.M1),
               mean_stderr(r.M2),
               mean_stderr(r.final_grad_l1),
               mean_stderr(r.final_grad_l2),
               mean_stderr(r.final_gap),
               mean_stderr(r.final_x_mean)};
  using Tr = RunResult::Trace;
  for (std::size_t k = 0; k < e.checkpoints.size(); ++k)
    s.checkpoints.push_back({e.checkpoints[k], mean_stderr(column(r, k, &Tr::M1)),
                             mean_stderr(column(r, k, &Tr::M2)), mean_stderr(column(r, k, &Tr::grad_l1)),
                             mean_stderr(column(r, k, &Tr::grad_l2)), mean_stderr(column(r, k, &Tr::gap))});
  if (e.distributed) s.communication = communication(e, r);
  return s;
}

}  // namespace signrate
