// Every checkpoint of every trace against plain reference loops written from the definitions
// (docs/theory.md: M1(t) = (1/t) sum_{s <= t} ||grad f(x_s)||_1, M2 likewise; the gradient norms and
// f(x_t) - f* at x_t, before step t's update; docs/components.md's tables for the update rules), and the
// checkpoint rows a user reads (run_json's "checkpoints", checkpoints_csv) against the traces.
//
// The references share only per-coordinate functions with the engines (method_step, the EF
// phases, oracle_noise, Problem::gradient / gap, node_gradient, sign, the Philox words of S_R)
// and canonical_sum for every sum over coordinates, so every entry must be bit-identical
// (EXPECT_EQ on doubles): a checkpoint divided by T, a gap or a norm read one step late, or a
// checkpoint written into its neighbour's slot all fail here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "method_cases.hpp"
#include "signrate/canonical_sum.hpp"
#include "signrate/distributed_nodes.hpp"
#include "signrate/engine.hpp"
#include "signrate/io/run_output.hpp"

namespace signrate {
namespace {

// What a reference loop computes for one replicate: the trace rows and the final values.
struct Reference {
  RunResult::Trace trace;
  double M1 = 0, M2 = 0, final_l1 = 0, final_l2 = 0, final_gap = 0, final_x_mean = 0;
};

// ||g||_1 and ||g||_2 in the canonical order.
std::pair<double, double> norms(const std::vector<double>& g) {
  std::vector<double> chunks(sum_chunks(g.size()));
  const double l1 = canonical_sum(
      g.size(), [&](std::uint64_t i) { return std::fabs(g[i]); }, chunks.data());
  const double l2 = std::sqrt(canonical_sum(
      g.size(), [&](std::uint64_t i) { return g[i] * g[i]; }, chunks.data()));
  return {l1, l2};
}

// The metrics of step t at x_t, from grad f(x_t): running sums, and a row at a checkpoint. The
// checkpoint's slot is looked up in the list (not kept as a cursor), so it is independent of the
// engine's recorder.
struct ReferenceMetrics {
  const Experiment& e;
  Reference& out;
  double sum_l1 = 0, sum_l2 = 0;

  ReferenceMetrics(const Experiment& experiment, Reference& o) : e(experiment), out(o) {
    const std::size_t K = e.checkpoints.size();
    for (auto* v : {&out.trace.M1, &out.trace.M2, &out.trace.grad_l1, &out.trace.grad_l2, &out.trace.gap})
      v->assign(K, -12345.0);  // never a real value: an unwritten slot fails
  }
  void at_x_t(std::uint32_t t, const std::vector<double>& x, const std::vector<double>& g) {
    const auto [l1, l2] = norms(g);
    sum_l1 += l1;
    sum_l2 += l2;
    const auto it = std::find(e.checkpoints.begin(), e.checkpoints.end(), t);
    if (it == e.checkpoints.end()) return;
    const std::size_t k = static_cast<std::size_t>(it - e.checkpoints.begin());
    out.trace.M1[k] = sum_l1 / static_cast<double>(t);
    out.trace.M2[k] = sum_l2 / static_cast<double>(t);
    out.trace.grad_l1[k] = l1;
    out.trace.grad_l2[k] = l2;
    out.trace.gap[k] = e.problem.gap(x.data());
  }
  // The end: M1 = M1(T), and the values at x_{T+1}.
  void finish(const std::vector<double>& x) {
    const std::uint32_t T = e.spec.T;
    out.M1 = sum_l1 / static_cast<double>(T);
    out.M2 = sum_l2 / static_cast<double>(T);
    std::vector<double> g(x.size());
    e.problem.gradient(x.data(), g.data());
    std::tie(out.final_l1, out.final_l2) = norms(g);
    out.final_gap = e.problem.gap(x.data());
    std::vector<double> chunks(sum_chunks(x.size()));
    out.final_x_mean = canonical_sum(
                           x.size(), [&](std::uint64_t i) { return x[i]; }, chunks.data()) /
                       static_cast<double>(x.size());
  }
};

// Single node (docs/components.md's "Methods" table), replicate r.
Reference reference_single(const Experiment& e, std::uint32_t r) {
  const std::uint32_t d = e.spec.d;
  std::vector<double> x = e.problem.x0, m(d, 0.0), s(d, 0.0), g(d), gq(d), y(d), p_abs(d);
  if (e.method.extrapolate) s = x;  // x_0 := x_1
  const RngKey key = derive_key(e.spec.seed, r, 0, Stream::kOracleNoise);
  Reference out;
  ReferenceMetrics metrics(e, out);
  for (std::uint32_t t = 1; t <= e.spec.T; ++t) {
    const MethodCoeffs c = e.method.coeffs_at(t);
    e.problem.gradient(x.data(), g.data());
    metrics.at_x_t(t, x, g);
    gq = g;
    if (e.method.extrapolate) {
      for (std::uint32_t i = 0; i < d; ++i) y[i] = extrapolated_point(c.beta, x[i], s[i]);
      e.problem.gradient(y.data(), gq.data());
    }
    for (std::uint32_t i = 0; i < d; ++i) {
      const double gi = gq[i] + oracle_noise(e.oracle.view(), key, t, i);
      if (e.method.two_phase())
        p_abs[i] = ef_accumulate(c, gi, m[i]);
      else
        method_step(c, gi, x[i], m[i], s[i]);
    }
    if (e.method.two_phase()) {
      std::vector<double> chunks(sum_chunks(d));
      const double p1 = canonical_sum(
          d, [&](std::uint64_t i) { return p_abs[i]; }, chunks.data());
      for (std::uint32_t i = 0; i < d; ++i) ef_apply(p1 / d, x[i], m[i]);
    }
  }
  metrics.finish(x);
  return out;
}

// n nodes and a server (docs/components.md's "Distributed methods" table, docs/theory.md's MVSM), replicate
// r. f's gradient at x_t is grad f for a homogeneous problem, and (1/n) sum_j grad f_j summed in node order
// for a heterogeneous one.
Reference reference_distributed(const Experiment& e, std::uint32_t r) {
  const std::uint32_t d = e.spec.d, n = e.spec.nodes;
  const DistCoeffs base = e.dist.base;
  const auto S = [](double v, double R, RngKey key, std::uint32_t t, std::uint32_t i) {
    return unbiased_sign_uniform(key, t, i) < 0.5 + v / (2.0 * R) ? 1.0 : -1.0;  // Definition 1
  };
  // S_R of a node's state, clipped to [-R, R] first when the method asks for it.
  const auto S_R = [&](double v, RngKey key, std::uint32_t t, std::uint32_t i) {
    if (base.clip) v = std::clamp(v, -base.R, base.R);
    return S(v, base.R, key, t, i);
  };
  std::vector<double> x = e.problem.x0, buf(d, 0.0), g(d), gj(d);
  std::vector<std::vector<double>> m(n, std::vector<double>(d, 0.0)), node_g(n, std::vector<double>(d));
  Reference out;
  ReferenceMetrics metrics(e, out);
  for (std::uint32_t t = 1; t <= e.spec.T; ++t) {
    for (std::uint32_t j = 0; j < n; ++j) node_gradient(e.problem, j, x.data(), node_g[j].data());
    if (e.problem.heterogeneous()) {
      for (std::uint32_t i = 0; i < d; ++i) {
        double sum = 0.0;
        for (std::uint32_t j = 0; j < n; ++j) sum += node_g[j][i];
        g[i] = sum / static_cast<double>(n);
      }
    } else {
      e.problem.gradient(x.data(), g.data());
    }
    metrics.at_x_t(t, x, g);

    std::vector<int> vote(d, 0);
    std::vector<double> sum(d, 0.0), down(d);
    for (std::uint32_t j = 0; j < n; ++j) {
      const RngKey noise = derive_key(e.spec.seed, r, j, Stream::kOracleNoise);
      const RngKey sr = derive_key(e.spec.seed, r, j, Stream::kUnbiasedSign);
      const double flip = j < e.spec.byzantine ? -1.0 : 1.0;
      for (std::uint32_t i = 0; i < d; ++i) {
        const double gi = node_g[j][i] + oracle_noise(e.oracle.view(), noise, t, i);
        double& mi = m[j][i];
        double msg = 0;
        switch (base.kind) {
          case DistKind::kSgdDist:
          case DistKind::kSgdmDist:
            sum[i] += static_cast<float>(flip * gi);
            continue;  // float32 on the wire
          case DistKind::kSignSgdMv:
            msg = sign(gi);
            break;
          case DistKind::kSignumMv:
            mi = base.mu * mi + (1 - base.mu) * gi, msg = sign(mi);
            break;
          case DistKind::kStoSignSgd:
            msg = S_R(gi, sr, t, i);
            break;
          case DistKind::kMvSignSgdSim:
            mi = (1 - base.beta) * mi + base.beta * gi, msg = sign(mi);
            break;
          case DistKind::kMvStoSignSgdSim:
            mi = (1 - base.beta) * mi + base.beta * gi, msg = S_R(mi, sr, t, i);
            break;
          case DistKind::kMvsmV1:
          case DistKind::kMvsmV2:
            mi = t == 1 ? gi : (1 - base.beta) * mi + base.beta * gi, msg = S_R(mi, sr, t, i);
            break;
          case DistKind::kSsdm:  // the message needs ||m^j||_2: sent after the loop
            mi = base.mu * mi + (1 - base.mu) * gi;
            continue;
        }
        vote[i] += static_cast<int>(flip * msg);
      }
      if (base.kind == DistKind::kSsdm)
        testing_methods::add_ssdm_message(
            m[j], flip, [&](double v, double R, std::uint32_t i) { return S(v, R, sr, t, i); }, sum);
    }
    const RngKey server = derive_key(e.spec.seed, r, 0, Stream::kServer);
    for (std::uint32_t i = 0; i < d; ++i) {
      if (base.kind == DistKind::kSgdDist || base.kind == DistKind::kSsdm) {
        down[i] = static_cast<float>(sum[i] / n);
      } else if (base.kind == DistKind::kSgdmDist) {
        buf[i] = (t == 1 ? 0.0 : base.mu) * buf[i] + sum[i] / n;
        down[i] = static_cast<float>(buf[i]);
      } else if (base.kind == DistKind::kMvsmV2) {
        down[i] = S(static_cast<double>(vote[i]) / n, 1.0, server, t, i);
      } else {
        down[i] = (vote[i] > 0) - (vote[i] < 0);
      }
    }
    for (std::uint32_t i = 0; i < d; ++i) x[i] -= base.eta * down[i];
  }
  metrics.finish(x);
  return out;
}

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Every checkpoint of every trace column of every replicate, and the final values.
void expect_matches_reference(const Experiment& e, const RunResult& r, const std::string& what) {
  ASSERT_EQ(r.traces.size(), e.spec.replicates) << what;
  ASSERT_GE(e.checkpoints.size(), 5u) << what;  // several checkpoints, or the test says little
  for (std::uint32_t rep = 0; rep < e.spec.replicates; ++rep) {
    SCOPED_TRACE(what + ", replicate " + std::to_string(rep));
    const Reference ref = e.distributed ? reference_distributed(e, rep) : reference_single(e, rep);
    const RunResult::Trace& tr = r.traces[rep];
    const std::pair<const char*, std::vector<double> RunResult::Trace::*> fields[] = {
        {"M1", &RunResult::Trace::M1},
        {"M2", &RunResult::Trace::M2},
        {"grad_l1", &RunResult::Trace::grad_l1},
        {"grad_l2", &RunResult::Trace::grad_l2},
        {"gap", &RunResult::Trace::gap}};
    for (const auto& [name, field] : fields) {
      const std::vector<double>&got = tr.*field, &want = ref.trace.*field;
      ASSERT_EQ(got.size(), e.checkpoints.size()) << name;
      // One failure per column: the first checkpoint that differs, and how many do.
      std::size_t bad = 0, first = 0;
      for (std::size_t k = 0; k < got.size(); ++k)
        if (!same(got[k], want[k]) && bad++ == 0) first = k;
      EXPECT_EQ(bad, 0u) << name << ": first difference at checkpoint k=" << first
                         << " t=" << e.checkpoints[first] << ": engine " << got[first] << ", reference "
                         << want[first];
    }
    EXPECT_EQ(r.M1[rep], ref.M1);
    EXPECT_EQ(r.M2[rep], ref.M2);
    EXPECT_EQ(tr.M1.back(), ref.M1);  // the last checkpoint is T
    EXPECT_EQ(r.final_grad_l1[rep], ref.final_l1);
    EXPECT_EQ(r.final_grad_l2[rep], ref.final_l2);
    EXPECT_TRUE(same(r.final_gap[rep], ref.final_gap)) << r.final_gap[rep] << " vs " << ref.final_gap;
    EXPECT_EQ(r.final_x_mean[rep], ref.final_x_mean);
  }
}

std::string safe_name(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// ---------------------------------------------------------------------------------------------
// Single node: every method on every problem family. The separable families (quadratic,
// diag-quadratic, nonconvex-separable) take the engine's fast path for one-phase methods and the
// general path for ef-signsgd and the extrapolated signsgd-sim; the dense ones always the general
// path. d = 70 over tiles of 32: three tiles, the last one a partial chunk.

struct SingleCase {
  std::string problem, method, oracle;
  std::uint32_t batch;
};
void PrintTo(const SingleCase& c, std::ostream* os) {
  *os << c.problem << " / " << c.method << " / " << c.oracle << " batch " << c.batch;
}

std::vector<SingleCase> single_cases() {
  // Step sizes small enough for rosenbrock and SGD on the steepest families.
  const std::vector<std::string> methods = testing_methods::single_methods(
      {"sgdm:mu=0.9", "adamw:wd=0.01", "signsgd-sim:extrapolate=1", "lion:wd=0.01"});
  const std::vector<std::string> problems = {"quadratic", "diag-quadratic:law=power", "lowrank-quadratic",
                                             "nonconvex-separable", "rosenbrock"};
  // Gaussian with batch 1 is the engine's grouped noise path; the others draw per coordinate.
  const std::vector<std::pair<std::string, std::uint32_t>> oracles = {
      {"gaussian:sigma=0.1", 1}, {"student-t:nu=3,sigma=0.1", 1}, {"rademacher:sigma=0.1", 1},
      {"gaussian:sigma=0.1", 2}, {"uniform:sigma=0.1", 1},        {"two-point:sigma=0.1", 1},
      {"bimodal:sigma=0.1", 1}};
  std::vector<SingleCase> out;
  std::size_t k = 0;
  for (const auto& p : problems)
    for (const auto& m : methods) {
      const auto& [oracle, batch] = oracles[k++ % oracles.size()];
      out.push_back({p, m, oracle, batch});
    }
  return out;
}

class SingleNodeCheckpoints : public ::testing::TestWithParam<SingleCase> {};

TEST_P(SingleNodeCheckpoints, EveryCheckpointMatchesTheReferenceLoop) {
  const SingleCase& c = GetParam();
  // Rosenbrock's gradient is steep: a smaller step keeps SGD with momentum finite.
  const std::string schedule =
      c.problem == "rosenbrock" ? "constant:eta=0.0002,beta=0.2" : "constant:eta=0.002,beta=0.2";
  RunSpec spec = make_run_spec(c.problem, c.oracle, c.method, schedule, 70, 150, 3, 99);
  spec.batch = c.batch;
  const Experiment e = make_experiment(spec);
  const RunResult r = run(e, EngineOptions{2, 32});
  expect_matches_reference(e, r, c.problem + " " + c.method);
}

INSTANTIATE_TEST_SUITE_P(AllMethodsAllFamilies, SingleNodeCheckpoints, ::testing::ValuesIn(single_cases()),
                         [](const ::testing::TestParamInfo<SingleCase>& info) {
                           return safe_name(info.param.problem + "_" + info.param.method);
                         });

// A problem without a declared f* records a missing gap (NaN) at every checkpoint; a small d (one
// partial chunk) and the theorem schedules (the methods' defaults).
TEST(SingleNodeCheckpointsMore, NoOptimumSmallDAndDefaultSchedules) {
  for (const char* method : {"smm", "signsgd-sim", "ef-signsgd"}) {
    RunSpec spec = make_run_spec("diag-quadratic:negative=1", "gaussian", method, "theorem1", 13, 100, 2, 5);
    spec.schedule = ParsedSpec{"", {}};  // the method's default
    const Experiment e = make_experiment(spec);
    const RunResult r = run(e, EngineOptions{1, 256});
    expect_matches_reference(e, r, method);
    EXPECT_TRUE(std::isnan(r.traces[0].gap[1]));
  }
}

// ---------------------------------------------------------------------------------------------
// n nodes: every distributed method on homogeneous (separable and dense) and heterogeneous
// problems, with and without Byzantine nodes.

struct DistCase {
  std::string problem, oracle, R;  // R: what the S_R methods add to their spec
  std::uint32_t nodes;
};
void PrintTo(const DistCase& c, std::ostream* os) {
  *os << c.problem << " / " << c.oracle << " / n=" << c.nodes << " / S_R methods"
      << (c.R.empty() ? " default R" : c.R);
}

std::vector<std::pair<DistCase, std::string>> dist_cases() {
  const std::vector<DistCase> problems = {
      // Bounded noise and gradients: the S_R methods' default R (never exceeded).
      {"hetero-nonconvex:centers=0/0.5/2/3,x1=1", "uniform:sigma=0.5", "", 4},
      // Ties (n even, discrete noise) and sign(0) up.
      {"hetero-quadratic:centers=0/1/5/2,x1=2", "rademacher:sigma=0.5", ":R=4,clip=1", 4},
      {"hetero-quadratic:centers=0/1/5,x1=2", "gaussian:sigma=0.3", ":R=6,clip=1", 3},
      {"quadratic", "gaussian:sigma=0.2", ":R=2,clip=1", 3},
      {"lowrank-quadratic", "student-t:nu=3,sigma=0.1", ":R=3,clip=1", 2},
      {"rosenbrock", "uniform:sigma=0.1", ":R=50,clip=1", 3}};
  std::vector<std::pair<DistCase, std::string>> out;
  for (const auto& p : problems)
    for (const auto& m : testing_methods::dist_methods()) {
      // A normalized sign moves each coordinate by eta ||m||_2: on rosenbrock's walls it diverges.
      const bool steep = p.problem == "rosenbrock" &&
                         encodes_whole_state(recipe_of(testing_methods::dist_method(m).base.kind));
      if (testing_methods::runs_on(m, p.problem.rfind("hetero", 0) == 0) && !steep) out.push_back({p, m});
    }
  return out;
}

class DistributedCheckpoints : public ::testing::TestWithParam<std::pair<DistCase, std::string>> {};

TEST_P(DistributedCheckpoints, EveryCheckpointMatchesTheReferenceLoop) {
  const auto& [c, method] = GetParam();
  for (std::uint32_t byzantine : {0u, 1u}) {
    const std::string schedule =
        c.problem == "rosenbrock" ? "constant:eta=0.0002,beta=0.3" : "constant:eta=0.002,beta=0.3";
    RunSpec spec =
        make_run_spec(c.problem, c.oracle, testing_methods::with_R(method, c.R), schedule, 70, 120, 2, 31);
    spec.nodes = c.nodes;
    spec.byzantine = byzantine;
    const Experiment e = make_experiment(spec);
    const RunResult r = run(e, EngineOptions{2, 32});
    expect_matches_reference(e, r, c.problem + " " + method + " K=" + std::to_string(byzantine));
  }
}

INSTANTIATE_TEST_SUITE_P(AllMethods, DistributedCheckpoints, ::testing::ValuesIn(dist_cases()),
                         [](const ::testing::TestParamInfo<std::pair<DistCase, std::string>>& info) {
                           const std::string p = info.param.first.problem;
                           return safe_name(p.substr(0, p.find(':')) + "_n" +
                                            std::to_string(info.param.first.nodes) + "_" + info.param.second);
                         });

// ---------------------------------------------------------------------------------------------
// What a user reads: run_json's "checkpoints" rows and checkpoints_csv are the mean and standard
// error over replicates of each trace column, at the checkpoint's t.

// Mean and sample standard deviation / sqrt(n) of one column, written out here.
std::pair<double, double> mean_and_stderr(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  const double mean = s / v.size();
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, v.size() < 2 ? std::nan("") : std::sqrt(ss / (v.size() - 1) / v.size())};
}

const char* const kColumns[] = {"M1", "M2", "grad_l1", "grad_l2", "gap"};
std::vector<double> RunResult::Trace::*const kFields[] = {&RunResult::Trace::M1, &RunResult::Trace::M2,
                                                          &RunResult::Trace::grad_l1,
                                                          &RunResult::Trace::grad_l2, &RunResult::Trace::gap};

// The CSV as rows of numbers under its header ("nan" reads back as NaN).
std::vector<std::vector<double>> parse_csv(const std::string& csv, std::vector<std::string>& header) {
  std::istringstream in(csv);
  std::string line;
  std::vector<std::vector<double>> rows;
  std::getline(in, line);
  std::istringstream h(line);
  for (std::string cell; std::getline(h, cell, ',');) header.push_back(cell);
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::vector<double> row;
    for (std::string cell; std::getline(l, cell, ',');) row.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(row);
  }
  return rows;
}

void expect_rows_are_the_trace_statistics(const Experiment& e, const RunResult& r) {
  const nlohmann::json rows = run_json(e, r, EngineOptions{})["checkpoints"];
  std::vector<std::string> header;
  const std::vector<std::vector<double>> csv = parse_csv(checkpoints_csv(e, r), header);
  ASSERT_EQ(header,
            (std::vector<std::string>{"t", "M1", "M1_stderr", "M2", "M2_stderr", "grad_l1", "grad_l1_stderr",
                                      "grad_l2", "grad_l2_stderr", "gap", "gap_stderr"}));
  ASSERT_EQ(rows.size(), e.checkpoints.size());
  ASSERT_EQ(csv.size(), e.checkpoints.size());
  for (std::size_t k = 0; k < e.checkpoints.size(); ++k) {
    SCOPED_TRACE("checkpoint k=" + std::to_string(k));
    EXPECT_EQ(rows[k]["t"].get<std::uint32_t>(), e.checkpoints[k]);
    ASSERT_EQ(csv[k].size(), header.size());
    EXPECT_EQ(csv[k][0], e.checkpoints[k]);
    for (std::size_t f = 0; f < 5; ++f) {
      std::vector<double> column;
      for (const auto& tr : r.traces) column.push_back((tr.*kFields[f])[k]);
      const auto [mean, se] = mean_and_stderr(column);
      const std::string name = kColumns[f];
      // JSON: the number, or null where it is missing (NaN).
      if (std::isfinite(mean))
        EXPECT_DOUBLE_EQ(rows[k][name].get<double>(), mean) << name;
      else
        EXPECT_TRUE(rows[k][name].is_null()) << name;
      if (std::isfinite(se))
        EXPECT_DOUBLE_EQ(rows[k][name + "_stderr"].get<double>(), se) << name;
      else
        EXPECT_TRUE(rows[k][name + "_stderr"].is_null()) << name;
      // CSV: 17 significant digits, so each value reads back to the JSON's double (NaN as "nan").
      const auto json_value = [&](const std::string& key) {
        return rows[k][key].is_null() ? std::nan("") : rows[k][key].get<double>();
      };
      EXPECT_TRUE(same(csv[k][1 + 2 * f], json_value(name))) << name << ": csv " << csv[k][1 + 2 * f];
      EXPECT_TRUE(same(csv[k][2 + 2 * f], json_value(name + "_stderr")))
          << name << "_stderr: csv " << csv[k][2 + 2 * f];
    }
  }
}

// Hand-made traces whose every (replicate, checkpoint, column) entry differs, so a row built from
// the wrong checkpoint, column or replicate set shows.
TEST(CheckpointOutputs, RowsAreMeanAndStderrOfHandMadeTraces) {
  const Experiment e =
      make_experiment(make_run_spec("quadratic", "gaussian", "smm", "theorem1", 8, 1000, 3, 1));
  ASSERT_GE(e.checkpoints.size(), 10u);
  RunResult r;
  r.allocate(3, e.checkpoints.size());
  for (std::uint32_t rep = 0; rep < 3; ++rep)
    for (std::size_t k = 0; k < e.checkpoints.size(); ++k)
      for (std::size_t f = 0; f < 5; ++f)
        (r.traces[rep].*kFields[f])[k] =
            (1.0 + f) * 1000.0 + 10.0 * k + std::ldexp(1.0 + rep * rep, -static_cast<int>(f));
  // A missing gap (no f*) in one replicate makes that checkpoint's gap missing.
  r.traces[1].gap[2] = std::nan("");
  expect_rows_are_the_trace_statistics(e, r);
  const nlohmann::json rows = run_json(e, r, EngineOptions{})["checkpoints"];
  EXPECT_TRUE(rows[2]["gap"].is_null());
  // M1 at checkpoint 4: replicates 1040 + {1, 2, 5} -> mean 1040 + 8/3.
  EXPECT_DOUBLE_EQ(rows[4]["M1"].get<double>(), 1040.0 + 8.0 / 3.0);
}

// The same for a real run, single node and distributed; one replicate has no stderr.
TEST(CheckpointOutputs, RowsAreMeanAndStderrOfARunsTraces) {
  const Experiment single = make_experiment(
      make_run_spec("rosenbrock", "gaussian:sigma=0.1", "signum", "constant:eta=0.001", 40, 300, 4, 3));
  expect_rows_are_the_trace_statistics(single, run(single, EngineOptions{2, 32}));
  RunSpec spec = make_run_spec("hetero-nonconvex:spread=1", "uniform", "mvsm-v2", "theorem5", 40, 200, 3, 3);
  spec.nodes = 3;
  const Experiment dist = make_experiment(spec);
  expect_rows_are_the_trace_statistics(dist, run(dist, EngineOptions{2, 32}));
  const Experiment one =
      make_experiment(make_run_spec("quadratic", "gaussian", "smm", "theorem1", 16, 100, 1, 3));
  const RunResult r1 = run(one, EngineOptions{1, 32});
  expect_rows_are_the_trace_statistics(one, r1);
  EXPECT_TRUE(run_json(one, r1, EngineOptions{})["checkpoints"][3]["M1_stderr"].is_null());
}

}  // namespace
}  // namespace signrate
