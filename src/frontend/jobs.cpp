#include "signrate/frontend/jobs.hpp"

#include <algorithm>

#include "signrate/error.hpp"
#include "signrate/io/fit_io.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/version.hpp"

namespace signrate::cli {

PreparedRun prepare_run(const SpecFlags& flags) {
  PreparedRun p;
  nlohmann::json spec_json = gather_spec(flags, false);
  p.engine = engine_options(flags, spec_json);
  p.spec = run_spec_from_json(spec_json);
  p.planned_bytes = planned_run_bytes(p.spec, p.engine.threads);
  check_memory(p.planned_bytes,
               "the run (d=" + std::to_string(p.spec.d) + ", replicates=" +
                   std::to_string(p.spec.replicates) + ", nodes=" + std::to_string(p.spec.nodes) + ")",
               max_memory_bytes(flags.max_memory));
  return p;
}

PreparedSweep prepare_sweep(const SpecFlags& flags, const std::vector<std::string>& vary) {
  if (flags.d.empty() || flags.T.empty())
    throw SpecError("sweep needs --d and --T grids, e.g. --d 64,256 --T 1024:65536:x4");
  PreparedSweep p;
  SpecFlags base_flags = flags;
  base_flags.nodes.clear();  // a grid, parsed below; a --spec file's "nodes" is the default single n
  nlohmann::json base = gather_spec(base_flags, true);
  p.engine = engine_options(base_flags, base);
  p.spec.base = run_spec_from_json(base);
  p.spec.d = parse_grid(flags.d, "d");
  p.spec.T = parse_grid(flags.T, "T");
  if (!flags.nodes.empty()) p.spec.n = parse_grid(flags.nodes, "nodes");
  for (const auto& v : vary) p.spec.vary.push_back(parse_varied(v));
  const SweepPlan plan = plan_sweep_memory(p.spec, p.engine.threads);
  check_memory(plan.bytes, plan.description, max_memory_bytes(flags.max_memory));
  p.planned_bytes = plan.bytes;
  return p;
}

analysis::VerifyOptions verify_options(const VerifyFlags& o) {
  analysis::VerifyOptions v;
  v.theorem = o.theorem;
  v.family = o.family;
  v.problem = o.problem;
  v.oracle = o.oracle;
  v.method = o.method;
  v.schedule = o.schedule;
  for (std::size_t start = 0; start < o.compare.size();) {
    const std::size_t comma = std::min(o.compare.find(',', start), o.compare.size());
    if (comma > start) v.compare.push_back(o.compare.substr(start, comma - start));
    start = comma + 1;
  }
  if (!o.d.empty()) v.d = parse_grid(o.d, "d");
  if (!o.T.empty()) v.T = parse_grid(o.T, "T");
  if (!o.nodes.empty()) v.n = parse_grid(o.nodes, "nodes");
  if (!o.replicates.empty())
    v.replicates = static_cast<std::uint32_t>(parse_count("replicates", o.replicates, 4, 0xffffffffULL));
  v.seed = parse_count("seed", o.seed, 0, ~0ULL);
  v.batch = static_cast<std::uint32_t>(parse_count("batch", o.batch, 1, 0xffffffffULL));
  v.bootstrap = static_cast<std::uint32_t>(parse_count("bootstrap", o.bootstrap, 100, 1000000));
  v.tolerance = parse_real_option("tolerance", o.tolerance, Domain{0.0, 10.0, false, true});
  if (!o.dominance.empty())
    v.dominance = parse_real_option("dominance", o.dominance, Domain{1.0, 1e6, false, false});
  v.allow_violations = o.allow_violations;
  v.engine = engine_options(o.threads, o.block, o.device);
  return v;
}

namespace {

// The sweep in fit's input: a sweep output itself, or one family's sweep in a verify output (the
// family whose name starts with `family`; the only one when there is one).
nlohmann::json sweep_in(const nlohmann::json& input, const std::string& family) {
  if (!input.is_object() || !input.contains("families") || !input["families"].is_array()) {
    if (!family.empty())
      throw SpecError("--family '" + family + "' is not allowed: the input is not a verify output");
    return input;
  }
  std::vector<const nlohmann::json*> hits;
  std::string names;
  for (const nlohmann::json& f : input["families"]) {
    const std::string name = f.value("name", "");
    names += (names.empty() ? "" : "; ") + name;
    if (name.compare(0, family.size(), family) == 0 && f.contains("sweep")) hits.push_back(&f);
  }
  if (hits.size() != 1)
    throw SpecError("the verify output has " + std::to_string(input["families"].size()) +
                    (input["families"].size() == 1 ? " family" : " families") + " and --family '" + family +
                    "' names " + std::to_string(hits.size()) +
                    "; allowed: --family <the start of one name>: " + names);
  return (*hits.front())["sweep"];
}

// What a refused fit can do instead: fit every T value (when the upper half drops points), or
// sweep again with enough replicates for the bootstrap.
std::string what_to_do(const SweepResult& sweep, const std::vector<analysis::GridPoint>& points,
                       const FitFlags& o) {
  std::string hint;
  if (o.part != "all" && analysis::grid_points(sweep, o.measure, "all").size() > points.size())
    hint += "; --part all fits every T value (the upper half holds " + std::to_string(points.size()) +
            (points.size() == 1 ? " point)" : " points)");
  for (const analysis::GridPoint& p : points)
    if (p.values.size() < analysis::kMinReplicatesForBootstrap) {
      hint += "; sweep again with --replicates " + std::to_string(analysis::kMinReplicatesForBootstrap) +
              " or more";
      break;
    }
  return hint;
}

}  // namespace

FitOutcome fit_input(const nlohmann::json& input, const FitFlags& o) {
  analysis::FitOptions fo;
  fo.bootstrap = static_cast<std::uint32_t>(parse_count("bootstrap", o.bootstrap, 100, 1000000));
  fo.seed = parse_count("seed", o.seed, 0, ~0ULL);
  fo.level = parse_real_option("level", o.level, open_unit());
  FitOutcome out;
  out.level = fo.level;
  nlohmann::json& j = out.json;
  j["version"] = kVersion;
  j["measure"] = o.measure;
  j["part"] = o.part;
  j["level"] = fo.level;
  const SweepResult sweep = sweep_from_json(sweep_in(input, o.family));
  for (const VaryGroup& group : split_by_vary(sweep)) {
    const std::vector<analysis::GridPoint> points = analysis::grid_points(group.sweep, o.measure, o.part);
    try {
      out.groups.push_back({group.vary, analysis::fit_axes(points, fo)});
    } catch (const SpecError& e) {
      throw SpecError(e.what() + what_to_do(group.sweep, points, o));
    }
  }
  for (const FitGroup& group : out.groups) {
    nlohmann::json g = axis_fits_json(group.fits);
    if (out.groups.size() == 1) {
      j.update(g);
    } else {
      g["vary"] = varied_json(group.vary);
      j["groups"].push_back(g);
    }
  }
  return out;
}

}  // namespace signrate::cli
