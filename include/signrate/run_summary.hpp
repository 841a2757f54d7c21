#pragma once
// What a run resolved and measured, as typed values: its resolved spec, the schedule's eta and
// beta, the problem's and the oracle's declared constants (docs/theory.md "Assumptions"), and its
// metrics (means with standard errors, per-replicate values, checkpoint rows, communication).
// Analysis reads these; only the I/O layer (signrate/io/) turns them into JSON and back.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "signrate/run_result.hpp"

namespace signrate {

struct Experiment;
class Problem;
class Oracle;

// One parameter of a resolved component, as Params read it: a real, an integer, a choice or text,
// or a list of reals (Params::real_list).
using ResolvedValue = std::variant<double, std::int64_t, std::string, std::vector<double>>;

// A component after validation (Params::resolved): its canonical name and every parameter read,
// defaults and derived values (SMM's mu, a default R) included.
struct ResolvedComponent {
  std::string name;
  std::map<std::string, ResolvedValue> params;
};
// The typed form of a component's resolved JSON ({"name": ..., key: value}); std::logic_error on a
// value of another kind (a component that records one has to be added here).
ResolvedComponent resolved_component(const nlohmann::json& resolved);
// "name:key=value,..." with keys in order, reals in their shortest exact form (as spec_text(json)).
std::string spec_text(const ResolvedComponent& component);

// Everything that determined a run's numbers, with defaults filled in (Experiment::resolved_spec).
struct ResolvedSpec {
  ResolvedComponent problem, oracle, method, schedule;
  std::uint32_t d = 0, T = 0;  // 0 in a sweep's base spec: the grid gives them
  std::uint32_t replicates = 0;
  std::uint64_t seed = 0;
  std::uint32_t batch = 1, checkpoints_per_decade = 0;
  std::uint32_t nodes = 0;  // 0 in a sweep's base spec: the grid gives it
  std::uint32_t byzantine = 0;
};

// A problem's declared constants (Problem::declared): +inf where a constant does not exist, f* = -inf
// where it is not known.
struct ProblemDeclared {
  double f_star = 0, delta = 0;
  double L = 0, L_inf = 0;             // Assumptions 2 and 3
  double L_vec_l1 = 0, L_vec_max = 0;  // ||L||_1 and max_i L_i of Assumption 1 (+inf: it does not hold)
  double G = 0;                        // Assumption 9: sup_x ||grad f(x)||_inf
  bool separable = true;
  // Which assumptions the constants give: 1 (a vector L), 2 (finite L), 3 (finite L_inf), 7 (each
  // node's f_j L-smooth, declared for every family), 9 (finite G); f* known; f* > -inf.
  bool assumption_1 = false, assumption_2 = false, assumption_3 = false, assumption_7 = true,
       assumption_9 = false, f_star_finite = true, bounded_below = true;
  bool heterogeneous = false;
  std::vector<double> centers;  // the nodes' centres c_j (heterogeneous only)
  std::map<std::string, double>
      extra;  // a family's own (hetero-quadratic: optimum_coordinate, median_of_centers)
};
ProblemDeclared problem_declared(const Problem& problem);

// An oracle's declared moments and shape (Oracle::declared); sigma values are per step (after
// batching), +inf for an infinite variance.
struct OracleDeclared {
  double variance_total = 0, sigma_l2 = 0, sigma_l1 = 0;  // E||xi||^2, ||sigma||_2, ||sigma||_1
  double sigma_coordinate_min = 0, sigma_coordinate_max = 0;
  std::uint32_t batch = 1;
  bool symmetric = true, unimodal = true, bounded = false;
  double bound = 0;  // largest |xi_i| when bounded, else +inf
  bool finite_variance = true, finite_mean = true, heavy_tailed = false;
};
OracleDeclared oracle_declared(const Oracle& oracle);

// The six per-replicate quantities of a run (RunResult): M1, M2 and the final gradient norms, gap
// and coordinate mean of x_{T+1}.
template <typename V>
struct RunQuantities {
  V M1, M2, final_grad_l1, final_grad_l2, final_gap, final_x_mean;
};
using RunMetrics = RunQuantities<MeanStderr>;                // mean and standard error over replicates
using ReplicateValues = RunQuantities<std::vector<double>>;  // one value per replicate

// One checkpoint row: t and the mean and standard error over replicates of M1(t), M2(t),
// ||grad f(x_t)||_1, ||grad f(x_t)||_2 and f(x_t) - f*.
struct CheckpointStats {
  std::uint32_t t = 0;
  MeanStderr M1, M2, grad_l1, grad_l2, gap;
};

// A distributed run's communication: bits per coordinate each way, bytes per node and step (signs
// packed in 64-bit words), totals, zeros sent up, ties sent down; R and clipping for S_R methods.
struct Communication {
  std::uint64_t nodes = 0;
  std::uint32_t byzantine = 0;
  std::uint32_t bits_up_per_coordinate = 0, bits_down_per_coordinate = 0;
  std::uint64_t bytes_up_per_node_per_step = 0, bytes_down_per_node_per_step = 0;
  std::uint64_t total_bytes_per_replicate = 0, total_bytes = 0;
  std::uint64_t zero_signs_up = 0, ties_down = 0;
  bool has_R = false;  // the S_R methods: the fields below are set
  double R = 0;
  std::string R_source;
  bool clip = false;
  std::uint64_t clipped = 0;
  double clipped_fraction = 0;  // clipped / (T n d replicates)
};
Communication communication(const Experiment& experiment, const RunResult& result);

// A run as its outputs keep it (the JSON of a run, a point of a sweep), without the engine's timing.
struct RunSummary {
  ResolvedSpec spec;
  double eta = 0, beta = 1;  // the schedule's values
  ProblemDeclared problem_declared;
  OracleDeclared oracle_declared;
  RunMetrics metrics;
  ReplicateValues per_replicate;
  std::vector<CheckpointStats> checkpoints;
  std::optional<Communication> communication;  // distributed methods only
};
ResolvedSpec resolved_spec(const Experiment& experiment);
RunSummary summarize(const Experiment& experiment, const RunResult& result);

}  // namespace signrate
