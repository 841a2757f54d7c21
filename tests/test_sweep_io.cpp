// The I/O layer's sweep and verify JSON: typed results written and read back field by field, the
// declared constants written exactly as the problems and oracles declare them, and malformed
// input refused with one line naming the key.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "signrate/analysis/verify.hpp"
#include "signrate/error.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/io/verify_io.hpp"
#include "signrate/oracle.hpp"
#include "signrate/problem.hpp"
#include "signrate/sweep.hpp"

namespace signrate {
namespace {

// Equal, NaN included (a missing value is NaN on both sides).
void expect_same(double a, double b, const std::string& what) {
  if (std::isnan(a) && std::isnan(b)) return;
  EXPECT_EQ(a, b) << what;
}
void expect_same(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k) expect_same(a[k], b[k], what + "[" + std::to_string(k) + "]");
}
void expect_same(const MeanStderr& a, const MeanStderr& b, const std::string& what) {
  expect_same(a.mean, b.mean, what + ".mean");
  expect_same(a.stderr_, b.stderr_, what + ".stderr");
}

void expect_same(const ResolvedComponent& a, const ResolvedComponent& b, const std::string& what) {
  EXPECT_EQ(a.name, b.name) << what;
  EXPECT_EQ(a.params, b.params) << what;  // the same kinds too: 1 (an integer) is not 1.0 (a real)
}

void expect_same(const ResolvedSpec& a, const ResolvedSpec& b, const std::string& what) {
  expect_same(a.problem, b.problem, what + ".problem");
  expect_same(a.oracle, b.oracle, what + ".oracle");
  expect_same(a.method, b.method, what + ".method");
  expect_same(a.schedule, b.schedule, what + ".schedule");
  EXPECT_EQ(a.d, b.d) << what;
  EXPECT_EQ(a.T, b.T) << what;
  EXPECT_EQ(a.replicates, b.replicates) << what;
  EXPECT_EQ(a.seed, b.seed) << what;
  EXPECT_EQ(a.batch, b.batch) << what;
  EXPECT_EQ(a.checkpoints_per_decade, b.checkpoints_per_decade) << what;
  EXPECT_EQ(a.nodes, b.nodes) << what;
  EXPECT_EQ(a.byzantine, b.byzantine) << what;
}

void expect_same(const ProblemDeclared& a, const ProblemDeclared& b, const std::string& what) {
  for (const auto& [name, field] : {std::pair{"f_star", &ProblemDeclared::f_star},
                                    {"delta", &ProblemDeclared::delta},
                                    {"L", &ProblemDeclared::L},
                                    {"L_inf", &ProblemDeclared::L_inf},
                                    {"L_vec_l1", &ProblemDeclared::L_vec_l1},
                                    {"L_vec_max", &ProblemDeclared::L_vec_max},
                                    {"G", &ProblemDeclared::G}})
    expect_same(a.*field, b.*field, what + "." + name);
  for (const auto field :
       {&ProblemDeclared::separable, &ProblemDeclared::assumption_1, &ProblemDeclared::assumption_2,
        &ProblemDeclared::assumption_3, &ProblemDeclared::assumption_7, &ProblemDeclared::assumption_9,
        &ProblemDeclared::f_star_finite, &ProblemDeclared::bounded_below, &ProblemDeclared::heterogeneous})
    EXPECT_EQ(a.*field, b.*field) << what;
  expect_same(a.centers, b.centers, what + ".centers");
  EXPECT_EQ(a.extra, b.extra) << what;
}

void expect_same(const OracleDeclared& a, const OracleDeclared& b, const std::string& what) {
  for (const auto field :
       {&OracleDeclared::variance_total, &OracleDeclared::sigma_l2, &OracleDeclared::sigma_l1,
        &OracleDeclared::sigma_coordinate_min, &OracleDeclared::sigma_coordinate_max, &OracleDeclared::bound})
    expect_same(a.*field, b.*field, what);
  EXPECT_EQ(a.batch, b.batch) << what;
  for (const auto field :
       {&OracleDeclared::symmetric, &OracleDeclared::unimodal, &OracleDeclared::bounded,
        &OracleDeclared::finite_variance, &OracleDeclared::finite_mean, &OracleDeclared::heavy_tailed})
    EXPECT_EQ(a.*field, b.*field) << what;
}

void expect_same(const RunSummary& a, const RunSummary& b, const std::string& what) {
  expect_same(a.spec, b.spec, what + ".spec");
  expect_same(a.eta, b.eta, what + ".eta");
  expect_same(a.beta, b.beta, what + ".beta");
  expect_same(a.problem_declared, b.problem_declared, what + ".problem_declared");
  expect_same(a.oracle_declared, b.oracle_declared, what + ".oracle_declared");
  const auto quantities = [&](const auto& x, const auto& y, const std::string& w) {
    expect_same(x.M1, y.M1, w + ".M1");
    expect_same(x.M2, y.M2, w + ".M2");
    expect_same(x.final_grad_l1, y.final_grad_l1, w + ".final_grad_l1");
    expect_same(x.final_grad_l2, y.final_grad_l2, w + ".final_grad_l2");
    expect_same(x.final_gap, y.final_gap, w + ".final_gap");
    expect_same(x.final_x_mean, y.final_x_mean, w + ".final_x_mean");
  };
  quantities(a.metrics, b.metrics, what + ".metrics");
  quantities(a.per_replicate, b.per_replicate, what + ".per_replicate");
  ASSERT_EQ(a.checkpoints.size(), b.checkpoints.size()) << what;
  for (std::size_t k = 0; k < a.checkpoints.size(); ++k) {
    const CheckpointStats &x = a.checkpoints[k], &y = b.checkpoints[k];
    const std::string w = what + ".checkpoints[" + std::to_string(k) + "]";
    EXPECT_EQ(x.t, y.t) << w;
    expect_same(x.M1, y.M1, w + ".M1");
    expect_same(x.M2, y.M2, w + ".M2");
    expect_same(x.grad_l1, y.grad_l1, w + ".grad_l1");
    expect_same(x.grad_l2, y.grad_l2, w + ".grad_l2");
    expect_same(x.gap, y.gap, w + ".gap");
  }
  ASSERT_EQ(a.communication.has_value(), b.communication.has_value()) << what;
  if (a.communication) {
    const Communication &x = *a.communication, &y = *b.communication;
    for (const auto field :
         {&Communication::nodes, &Communication::bytes_up_per_node_per_step,
          &Communication::bytes_down_per_node_per_step, &Communication::total_bytes_per_replicate,
          &Communication::total_bytes, &Communication::zero_signs_up, &Communication::ties_down,
          &Communication::clipped})
      EXPECT_EQ(x.*field, y.*field) << what;
    EXPECT_EQ(x.byzantine, y.byzantine) << what;
    EXPECT_EQ(x.bits_up_per_coordinate, y.bits_up_per_coordinate) << what;
    EXPECT_EQ(x.bits_down_per_coordinate, y.bits_down_per_coordinate) << what;
    EXPECT_EQ(x.has_R, y.has_R) << what;
    EXPECT_EQ(x.R, y.R) << what;
    EXPECT_EQ(x.R_source, y.R_source) << what;
    EXPECT_EQ(x.clip, y.clip) << what;
    EXPECT_EQ(x.clipped_fraction, y.clipped_fraction) << what;
  }
}

void expect_same(const SweepResult& a, const SweepResult& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.seed, b.seed);
  expect_same(a.spec, b.spec, "spec");
  EXPECT_EQ(a.grid.d, b.grid.d);
  EXPECT_EQ(a.grid.T, b.grid.T);
  EXPECT_EQ(a.grid.n, b.grid.n);
  EXPECT_EQ(a.grid.vary, b.grid.vary);
  EXPECT_EQ(a.command, b.command);
  ASSERT_EQ(a.points.size(), b.points.size());
  for (std::size_t k = 0; k < a.points.size(); ++k) {
    const SweepPoint &x = a.points[k], &y = b.points[k];
    const std::string w = "points[" + std::to_string(k) + "]";
    EXPECT_EQ(x.d, y.d) << w;
    EXPECT_EQ(x.T, y.T) << w;
    EXPECT_EQ(x.n, y.n) << w;
    EXPECT_EQ(x.vary, y.vary) << w;
    EXPECT_EQ(x.seed, y.seed) << w;
    expect_same(x.run, y.run, w);
  }
}

SweepResult single_node_sweep() {
  SweepSpec s;
  s.base = make_run_spec("quadratic", "gaussian:sigma=1", "smm", "theorem1", 8, 16, 3, 11);
  s.d = {8, 16};
  s.T = {16, 32};
  s.vary = {parse_varied("oracle.sigma=0.5,2")};
  SweepResult r = run_sweep(s, {});
  r.command = "signrate sweep --d 8,16 --T 16,32 --vary oracle.sigma=0.5,2";
  return r;
}

SweepResult distributed_sweep() {
  SweepSpec s;
  s.base = make_run_spec("hetero-quadratic:spread=0.5", "uniform:sigma=0.5", "mvsm-v2:R=8", "theorem5", 4, 32,
                         3, 2);
  s.d = {4};
  s.T = {32, 64};
  s.n = {2, 3};
  return run_sweep(s, {});
}

TEST(SweepIo, RoundTripGivesBackEveryField) {
  for (const SweepResult& s : {single_node_sweep(), distributed_sweep()}) {
    const nlohmann::json j = sweep_json(s);
    const SweepResult back = sweep_from_json(j);
    expect_same(s, back);
    EXPECT_EQ(sweep_json(back), j);
    // And through the text a file holds.
    expect_same(s, sweep_from_json(nlohmann::json::parse(j.dump(1))));
  }
  const SweepResult d = distributed_sweep();
  ASSERT_TRUE(d.points[0].run.communication && d.points[0].run.communication->has_R);
  EXPECT_TRUE(d.points[0].run.problem_declared.heterogeneous);
  EXPECT_EQ(d.points[0].run.problem_declared.centers.size(), 2u);
  EXPECT_EQ(d.points[3].run.problem_declared.centers.size(), 3u);
}

// The typed declarations write exactly what Problem::declared() and Oracle::declared() write, for
// every family of the registries that builds with its defaults, and the heterogeneous ones.
TEST(SweepIo, DeclaredConstantsAreWrittenAsTheComponentsDeclareThem) {
  std::size_t problems = 0, oracles = 0;
  const auto check_problem = [&](const std::string& spec, std::uint32_t nodes) {
    const Problem p = make_problem(parse_spec(spec, "problem"), 8, nodes);
    EXPECT_EQ(problem_declared_json(problem_declared(p)), p.declared()) << spec;
    ++problems;
  };
  for (const auto& info : problem_registry()) {
    try {
      make_problem(parse_spec(info.name, "problem"), 8, 1);
    } catch (const SpecError&) {
      continue;  // needs a parameter
    }
    check_problem(info.name, 1);
  }
  check_problem("hetero-quadratic:spread=0.5", 3);
  check_problem("hetero-nonconvex:spread=0.5", 3);
  for (const auto& info : oracle_registry()) {
    Oracle o;
    try {
      o = make_oracle(parse_spec(info.name, "oracle"), 8, 2);
    } catch (const SpecError&) {
      continue;
    }
    EXPECT_EQ(oracle_declared_json(oracle_declared(o)), o.declared()) << info.name;
    ++oracles;
  }
  EXPECT_GE(problems, 6u);
  EXPECT_GE(oracles, 5u);
}

// A missing key or a wrong kind of value is one line naming the key's path.
TEST(SweepIo, MalformedInputNamesTheKey) {
  const nlohmann::json good = sweep_json(single_node_sweep());
  const auto message = [](const nlohmann::json& j) -> std::string {
    try {
      sweep_from_json(j);
    } catch (const SpecError& e) {
      return e.what();
    }
    return "no error";
  };
  nlohmann::json j = good;
  j["points"][1]["metrics"].erase("M1");
  EXPECT_EQ(message(j), "sweep JSON: points[1].metrics has no \"M1\"");
  j = good;
  j.erase("seed");
  EXPECT_EQ(message(j), "sweep JSON has no \"seed\"");
  j = good;
  j["points"][0]["d"] = "sixteen";
  EXPECT_EQ(message(j), "sweep JSON: points[0].d is \"sixteen\", not an integer >= 0");
  j = good;
  j["points"][2]["problem_declared"]["L"] = "big";
  EXPECT_EQ(message(j), "sweep JSON: points[2].problem_declared.L is \"big\", not a number or null");
  j = good;
  j["points"][0]["per_replicate"]["M2"] = 3;
  EXPECT_EQ(message(j), "sweep JSON: points[0].per_replicate.M2 is not an array");
  EXPECT_EQ(message(nlohmann::json{{"metrics", 1}}),
            "not a sweep JSON (it has no \"points\"): write one with signrate sweep");
  for (const nlohmann::json& bad : {j, nlohmann::json{{"metrics", 1}}})
    EXPECT_EQ(message(bad).find('\n'), std::string::npos);
  EXPECT_THROW(report_input_from_json(nlohmann::json{{"metrics", 1}}), SpecError);
}

// A verification written, read back and written again gives the same JSON (each point's bound included).
TEST(VerifyIo, RoundTripKeepsTheJson) {
  analysis::VerifyOptions o;
  o.theorem = "thm1";
  o.d = {8, 16};
  o.T = {32, 64, 128};
  o.replicates = 4;
  o.bootstrap = 100;
  o.compare = {"signsgd"};
  analysis::VerifyReport r = analysis::verify(o);
  r.command = "signrate verify thm1";
  const nlohmann::json j = verify_json(r);
  ASSERT_TRUE(j["families"][1]["sweep"]["points"][0]["bound"].is_number());
  const analysis::VerifyReport back = verify_from_json(j);
  EXPECT_EQ(verify_json(back), j);
  ASSERT_EQ(back.families.size(), 2u);
  expect_same(r.families[1].sweep, back.families[1].sweep);
  EXPECT_EQ(back.families[1].bounds, r.families[1].bounds);
  // A compared method is held to the bound of the family's own method, at each point.
  EXPECT_EQ(r.families[1].bounds, r.families[0].bounds);
  EXPECT_TRUE(std::holds_alternative<analysis::VerifyReport>(report_input_from_json(j)));
  nlohmann::json bad = j;
  bad["families"][0]["verdicts"].erase("tight");
  try {
    verify_from_json(bad);
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_EQ(std::string(e.what()), "verify JSON: families[0].verdicts has no \"tight\"");
  }
}

}  // namespace
}  // namespace signrate
