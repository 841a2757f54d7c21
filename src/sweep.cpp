#include "signrate/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "signrate/error.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/method.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/version.hpp"

namespace signrate {

std::vector<std::uint32_t> parse_grid(const std::string& text, const std::string& what) {
  std::vector<std::uint32_t> out;
  for (double v : parse_real_grid(text, what)) {
    if (!(v >= 1 && v <= 4294967295.0) || v != std::floor(v))
      throw SpecError(
          what + " grid '" + text + "': " + format_real(v) +
          " is not allowed; allowed: integers >= 1 as a list a,b,c or a range lo:hi:xF or lo:hi:+S");
    out.push_back(static_cast<std::uint32_t>(v));
  }
  return out;
}

std::vector<double> parse_real_grid(const std::string& text, const std::string& what) {
  const auto bad = [&](const std::string& why) {
    return SpecError(
        what + " grid '" + text + "': " + why +
        "; allowed: a list a,b,c of finite numbers, or lo:hi:xF (F > 1, 0 < lo <= hi) or lo:hi:+S (S > 0)");
  };
  const auto real = [&](const std::string& item) {
    double v = 0;
    if (!parse_decimal(item, &v) || !std::isfinite(v)) throw bad("'" + item + "' is not a number");
    return v;
  };
  std::vector<double> out;
  if (text.find(':') != std::string::npos) {
    std::stringstream ss(text);
    std::string lo_s, hi_s, step;
    std::getline(ss, lo_s, ':');
    std::getline(ss, hi_s, ':');
    std::getline(ss, step);
    const double lo = real(lo_s), hi = real(hi_s);
    if (step.size() < 2 || (step[0] != 'x' && step[0] != '+')) throw bad("the step must be xF or +S");
    const double st = real(step.substr(1));
    if (lo > hi || (step[0] == 'x' && !(st > 1 && lo > 0)) || (step[0] == '+' && !(st > 0)))
      throw bad("bad range");
    // Grid points are lo * F^k (or lo + k S), up to hi with a relative slack of 1e-9.
    const double last = step[0] == 'x' ? std::floor(std::log(hi / lo) / std::log(st) + 1e-9)
                                       : std::floor((hi - lo) / st + 1e-9);
    if (!(last < kMaxGridValues))
      throw bad("it has " +
                (last < 1e18 ? std::to_string(static_cast<long long>(last) + 1) : format_real(last)) +
                " values; allowed: at most " + std::to_string(kMaxGridValues));
    for (int k = 0; k <= kMaxGridValues; ++k) {
      const double v = step[0] == 'x' ? lo * std::pow(st, k) : lo + k * st;
      if (v > hi * (1 + 1e-9)) break;
      out.push_back(v);
    }
    if (out.size() > static_cast<std::size_t>(kMaxGridValues))
      throw bad("it has more than " + std::to_string(kMaxGridValues) + " values; allowed: at most " +
                std::to_string(kMaxGridValues));
  } else {
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
      out.push_back(real(item));
      if (out.size() > static_cast<std::size_t>(kMaxGridValues))
        throw bad("it has more than " + std::to_string(kMaxGridValues) + " values; allowed: at most " +
                  std::to_string(kMaxGridValues));
    }
  }
  if (out.empty()) throw bad("it is empty");
  return out;
}

VariedParameter parse_varied(const std::string& text) {
  return parse_varied(text, {"problem", "oracle", "method", "schedule"},
                      "oracle.sigma=0.5,1,2 or schedule.eta_scale=0.25:4:x2");
}

VariedParameter parse_varied(const std::string& text, const std::vector<std::string>& components,
                             const std::string& example) {
  const auto eq = text.find('='), dot = text.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw SpecError("--vary '" + text + "' is not COMPONENT.KEY=VALUES; e.g. " + example);
  VariedParameter v{text.substr(0, dot), text.substr(dot + 1, eq - dot - 1), {}};
  if (std::find(components.begin(), components.end(), v.component) == components.end()) {
    std::string allowed;
    for (const auto& c : components) allowed += (allowed.empty() ? "" : ", ") + c;
    throw SpecError("--vary '" + text + "': component '" + v.component +
                    "' is not allowed; allowed: " + allowed);
  }
  v.values = parse_real_grid(text.substr(eq + 1), "--vary " + v.component + "." + v.key);
  return v;
}

std::vector<VaryGroup> split_by_vary(const SweepResult& sweep) {
  std::vector<VaryGroup> out;
  for (const SweepPoint& p : sweep.points) {
    std::size_t k = 0;
    while (k < out.size() && out[k].vary != p.vary) ++k;
    if (k == out.size()) {
      VaryGroup g{p.vary, sweep};
      g.sweep.points.clear();
      out.push_back(std::move(g));
    }
    out[k].sweep.points.push_back(p);
  }
  return out;
}

std::uint64_t point_seed(std::uint64_t sweep_seed, std::uint32_t k) {
  const RngKey key = derive_key(sweep_seed, k, 0, Stream::kSweep);
  return (static_cast<std::uint64_t>(key.k1) << 32) | key.k0;
}

SweepSize sweep_size(const SweepSpec& sweep) {
  std::uint64_t combinations = 1;
  for (const VariedParameter& v : sweep.vary) combinations *= v.values.size();
  SweepSize size;
  for (std::uint32_t n : sweep.n.empty() ? std::vector<std::uint32_t>{sweep.base.nodes} : sweep.n)
    for (std::uint32_t d : sweep.d)
      for (std::uint32_t T : sweep.T) {
        RunSpec point = sweep.base;
        point.d = d, point.T = T, point.nodes = n;
        size.points += combinations;
        size.coordinate_steps += combinations * coordinate_steps(point);
      }
  return size;
}

SweepPlan plan_sweep_memory(const SweepSpec& s, unsigned threads) {
  double combinations = 1;
  for (const VariedParameter& v : s.vary) combinations *= static_cast<double>(v.values.size());
  double kept = 0, largest_state = 0;
  std::uint32_t largest_d = 0;
  for (std::uint32_t n : s.n.empty() ? std::vector<std::uint32_t>{s.base.nodes} : s.n)
    for (std::uint32_t d : s.d)
      for (std::uint32_t T : s.T) {
        RunSpec point = s.base;
        point.d = d, point.T = T, point.nodes = n;
        kept += combinations * (setup_bytes(point) + result_bytes(point));
        largest_state = std::max(largest_state, state_bytes(point, threads));
        largest_d = std::max(largest_d, d);
      }
  return {kept + largest_state, "the sweep (" +
                                    format_real(combinations * static_cast<double>(s.d.size() * s.T.size())) +
                                    " points per n, d up to " + std::to_string(largest_d) +
                                    ", replicates=" + std::to_string(s.base.replicates) + ")"};
}

SweepResult run_sweep(const SweepSpec& sweep, const EngineOptions& engine) {
  // Validate every point before running any, so bad input fails at once.
  const std::vector<std::uint32_t> ns =
      sweep.n.empty() ? std::vector<std::uint32_t>{sweep.base.nodes} : sweep.n;
  std::vector<Experiment> experiments;
  std::vector<VariedValues> varied;
  // Every combination of the varied parameters (odometer order, the last parameter fastest).
  std::vector<std::size_t> at(sweep.vary.size(), 0);
  for (bool more = true; more;) {
    RunSpec combo = sweep.base;
    VariedValues values;
    for (std::size_t v = 0; v < sweep.vary.size(); ++v) {
      const VariedParameter& p = sweep.vary[v];
      ParsedSpec& part = p.component == "problem"  ? combo.problem
                         : p.component == "oracle" ? combo.oracle
                         : p.component == "method" ? combo.method
                                                   : combo.schedule;
      if (part.name.empty())
        part.name = p.component == "schedule" ? default_schedule(combo.method.name) : part.name;
      part.values[p.key] = format_real(p.values[at[v]]);
      values[p.component + "." + p.key] = p.values[at[v]];
    }
    for (std::uint32_t n : ns)
      for (std::uint32_t d : sweep.d)
        for (std::uint32_t T : sweep.T) {
          RunSpec spec = combo;
          spec.d = d;
          spec.T = T;
          spec.nodes = n;
          spec.seed = point_seed(sweep.base.seed, static_cast<std::uint32_t>(experiments.size()));
          try {
            experiments.push_back(make_experiment(spec));
          } catch (const SpecError& e) {
            if (ns.size() < 2) throw;
            throw SpecError(std::string(e.what()) + " (at n = " + std::to_string(n) + " of the n grid" +
                            (spec.problem.values.count("centers")
                                 ? "; a list of centres fits one n only: draw them with spread=... instead)"
                                 : ")"));
          }
          varied.push_back(values);
        }
    more = false;
    for (std::size_t v = sweep.vary.size(); v-- > 0;) {
      if (++at[v] < sweep.vary[v].values.size()) {
        more = true;
        break;
      }
      at[v] = 0;
    }
  }
  SweepResult out;
  out.version = kVersion;
  out.seed = sweep.base.seed;
  out.spec = resolved_spec(experiments.front());
  out.spec.d = out.spec.T = out.spec.nodes = 0;
  out.spec.seed = sweep.base.seed;
  out.grid.d = sweep.d;
  out.grid.T = sweep.T;
  out.grid.n = ns;
  for (const auto& p : sweep.vary) out.grid.vary[p.component + "." + p.key] = p.values;
  for (std::size_t k = 0; k < experiments.size(); ++k) {
    const Experiment& e = experiments[k];
    RunResult result;
    try {
      result = run(e, engine);
    } catch (const Stopped&) {
      throw;                           // stopped on request: no point failed
    } catch (const RunError& error) {  // which point failed: the user's next command reruns it alone
      std::string where = "d = " + std::to_string(e.spec.d) + ", T = " + std::to_string(e.spec.T) +
                          ", n = " + std::to_string(e.spec.nodes);
      for (const auto& [name, value] : varied[k]) where += ", " + name + " = " + format_real(value);
      throw RunError(std::string(error.what()) + " (at the grid point " + std::to_string(k) + ": " + where +
                     ", seed " + std::to_string(e.spec.seed) + ")");
    }
    out.points.push_back({e.spec.d, e.spec.T, e.spec.nodes, varied[k], e.spec.seed, summarize(e, result)});
    if (engine.progress) engine.progress->point_done();
  }
  return out;
}

}  // namespace signrate
