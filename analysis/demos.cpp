#include "signrate/analysis/demos.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "signrate/analysis/fit.hpp"
#include "signrate/analysis/page.hpp"
#include "signrate/analysis/theorem_statement.hpp"
#include "signrate/analysis/theory.hpp"
#include "signrate/error.hpp"
#include "signrate/run_summary.hpp"

namespace signrate::analysis {

namespace {

struct Simulation {
  std::string label;
  Experiment experiment;
  RunResult result;
};

Simulation simulate(const std::string& label, const std::string& problem, const std::string& oracle,
                    const std::string& method, const std::string& schedule, std::uint32_t d, std::uint32_t T,
                    std::uint32_t replicates, std::uint64_t seed, const EngineOptions& engine) {
  RunSpec s = make_run_spec(problem, oracle, method, schedule, d, T, replicates, seed);
  s.checkpoints_per_decade = 12;
  Simulation sim{label, make_experiment(s), {}};
  sim.result = run(sim.experiment, engine);
  return sim;
}

Simulation simulate_nodes(const std::string& label, const std::string& problem, const std::string& oracle,
                          const std::string& method, const std::string& schedule, std::uint32_t d,
                          std::uint32_t T, std::uint32_t nodes, std::uint32_t byzantine,
                          std::uint32_t replicates, std::uint64_t seed, const EngineOptions& engine) {
  RunSpec s = make_run_spec(problem, oracle, method, schedule, d, T, replicates, seed);
  s.checkpoints_per_decade = 12;
  s.nodes = nodes;
  s.byzantine = byzantine;
  Simulation sim{label, make_experiment(s), {}};
  sim.result = run(sim.experiment, engine);
  return sim;
}

// Where the run settled: the engine's final iterate's coordinate mean (RunResult::final_x_mean,
// (1/d) sum_i x_{T+1,i}), averaged over replicates. On hetero-quadratic every coordinate has the
// same centres, so the coordinate mean is where each coordinate settles.
double final_position(const Simulation& sim) { return mean_stderr(sim.result.final_x_mean).mean; }

// ||grad f(x_t)||_2 / sqrt(d) at the checkpoints, mean over replicates with 95% error bars (on
// f = ||x||^2/2 it is the RMS distance of x_t to the optimum).
Series rms_gradient_series(const Simulation& sim, int color) {
  Series s{sim.label, {}, {}, {}, {}, Series::Style::kPointsWithErrorBars, color};
  const double scale = 1.0 / std::sqrt(static_cast<double>(sim.experiment.spec.d));
  for (std::size_t k = 0; k < sim.experiment.checkpoints.size(); ++k) {
    std::vector<double> v;
    for (const auto& tr : sim.result.traces) v.push_back(tr.grad_l2[k] * scale);
    const MeanStderr m = mean_stderr(v);
    const double h = std::isfinite(m.stderr_) ? 1.96 * m.stderr_ : 0.0;
    s.x.push_back(sim.experiment.checkpoints[k]);
    s.y.push_back(m.mean);
    s.low.push_back(std::max(m.mean - h, m.mean * 1e-3));
    s.high.push_back(m.mean + h);
  }
  return s;
}

double final_rms(const Simulation& sim) {
  return mean_stderr(sim.result.final_grad_l2).mean / std::sqrt(static_cast<double>(sim.experiment.spec.d));
}

double largest_final_rms(const Simulation& sim) {
  double m = 0;
  for (double v : sim.result.final_grad_l2) m = std::max(m, v);
  return m / std::sqrt(static_cast<double>(sim.experiment.spec.d));
}

// The run whose final RMS gradient is smallest (the explanations name it from the numbers).
const Simulation& lowest_final(const std::vector<Simulation>& sims) {
  return *std::min_element(sims.begin(), sims.end(), [](const Simulation& a, const Simulation& b) {
    return final_rms(a) < final_rms(b);
  });
}

Figure trajectories(const std::vector<Simulation>& sims, const std::string& title) {
  Figure f;
  f.title = title;
  f.xlabel = "t";
  f.ylabel = "||grad f(x_t)||_2 / sqrt(d)";
  f.caption = "mean over replicates with 95% error bars";
  std::vector<Series> curves;
  for (std::size_t k = 0; k < sims.size(); ++k)
    curves.push_back(rms_gradient_series(sims[k], static_cast<int>(k) + 1));
  for (const auto& set : draw_coinciding_once(curves, f.caption)) f.series.push_back(curves[set.front()]);
  return f;
}

std::vector<std::vector<std::string>> final_table(const std::vector<Simulation>& sims) {
  std::vector<std::vector<std::string>> rows = {
      {"run", "method", "schedule", "final RMS gradient", "largest replicate"}};
  for (const auto& s : sims)
    rows.push_back({s.label, spec_text(s.experiment.method.resolved),
                    spec_text(s.experiment.schedule.resolved), format_short(final_rms(s), 3),
                    format_short(largest_final_rms(s), 3)});
  return rows;
}

DemoResult asymmetric_noise(Page& page, const EngineOptions& e, std::uint64_t seed) {
  const char* noise = "two-point:p=0.2,a=4";
  const char* schedule = "power:eta_c=0.002,eta_T=0,beta_c=1,beta_T=-0.5";
  std::vector<Simulation> sims = {
      simulate("signSGD", "quadratic", noise, "signsgd", schedule, 8, 20000, 8, seed, e),
      simulate("SMM, beta = T^(-1/2)", "quadratic", noise, "smm", schedule, 8, 20000, 8, seed, e)};
  Figure f = trajectories(sims, "f = ||x||^2/2, two-point noise +4 (p = 0.2) / -1");
  f.series.push_back({"a p/(1-p) = 1", {1, 20000}, {1, 1}, {}, {}, Series::Style::kDottedLine, 7});
  DemoResult r;
  r.explanation =
      "The noise is +4 with probability 0.2 and -1 otherwise: mean zero, but asymmetric. signSGD follows the "
      "sign "
      "of each noisy gradient, whose expectation vanishes where P(x + noise > 0) = 1/2, at x = a p/(1-p) = "
      "1: "
      "watch its curve flatten on the dotted line (it ends at " +
      format_short(final_rms(sims[0]), 3) +
      "). SMM averages the gradients before taking the sign and keeps descending toward the optimum 0 (it "
      "ends at " +
      format_short(final_rms(sims[1]), 3) +
      "), without needing symmetric unimodal noise (the paper's Assumption 6).";
  r.lines = {"final RMS |x|: signSGD " + format_short(final_rms(sims[0]), 3) + ", SMM " +
             format_short(final_rms(sims[1]), 3)};
  page.blocks.push_back(table(final_table(sims)));
  page.blocks.push_back(figure(f));
  // The theorem SMM's curve illustrates: Theorem 2 needs no symmetric noise (its explicit bound holds
  // for any eta and beta, so it applies to this schedule too).
  const RunSummary smm = summarize(sims[1].experiment, sims[1].result);
  for (Block& b : theorem_blocks(find_theorem("thm2"), {&smm})) page.blocks.push_back(std::move(b));
  return r;
}

DemoResult dimension(Page& page, const EngineOptions& e, std::uint64_t seed) {
  const std::vector<std::uint32_t> ds = {16, 64, 256, 1024};
  Figure f;
  f.title = "SMM on the d-scaled quadratic, Gaussian noise, T = 4096";
  f.xlabel = "d";
  f.ylabel = "M1 = (1/T) sum_t ||grad f(x_t)||_1";
  f.caption =
      "mean over replicates (markers) with 95% error bars; thin dashed, in each curve's colour: its fitted "
      "power law";
  std::vector<std::vector<std::string>> rows = {
      {"schedule", "eta", "fitted d-exponent", "95% CI", "Theorem 1"}};
  DemoResult r;
  int color = 1;
  for (const char* schedule : {"theorem1", "theorem2"}) {
    std::vector<GridPoint> points;
    Series data{schedule == std::string("theorem1") ? "eta = d^-1/2 T^-3/4 (Theorem 1)"
                                                    : "eta = T^-3/4 (no d-factor)",
                {},
                {},
                {},
                {},
                Series::Style::kMarkersWithErrorBars,
                color};
    for (std::uint32_t d : ds) {
      const Simulation s =
          simulate("", "quadratic", "gaussian:sigma=1", "smm", schedule, d, 4096, 8, seed, e);
      const MeanStderr m = mean_stderr(s.result.M1);
      data.x.push_back(d);
      data.y.push_back(m.mean);
      data.low.push_back(m.mean - 1.96 * m.stderr_);
      data.high.push_back(m.mean + 1.96 * m.stderr_);
      points.push_back({static_cast<double>(d), 4096, 1, s.result.M1});
    }
    FitOptions fo;
    fo.regressors = {"d"};
    fo.bootstrap = 400;
    fo.seed = seed;
    const FitResult fit = fit_power_law(points, fo);
    Series line{"fit: slope " + format_short(fit.d->estimate, 3),
                data.x,
                {},
                {},
                {},
                Series::Style::kDashedLine,
                color};
    for (double d : data.x) line.y.push_back(std::exp(fit.log_c + fit.d->estimate * std::log(d)));
    f.series.push_back(data);
    f.series.push_back(line);
    rows.push_back({schedule, schedule == std::string("theorem1") ? "d^-1/2 T^-3/4" : "T^-3/4",
                    format_short(fit.d->estimate, 3),
                    "[" + format_short(fit.d->ci_low, 3) + ", " + format_short(fit.d->ci_high, 3) + "]",
                    "0.5"});
    r.lines.push_back(std::string(schedule) + ": M1 ~ d^" + format_short(fit.d->estimate, 3));
    ++color;
  }
  r.explanation =
      "Theorem 1 improves signSGD-SIM's O(d T^-1/4) to O(d^1/2 T^-1/4) with a step size that shrinks like "
      "d^-1/2. Compare the two slopes: with the d-factor M1 grows like d^" +
      rows[1][2] + "; without it, lagging momentum overshoots and M1 grows like d^" + rows[2][2] +
      ", so the gap between the two analyses shows in the simulation.";
  page.blocks.push_back(table(rows));
  page.blocks.push_back(figure(f));
  return r;
}

DemoResult heavy_tails(Page& page, const EngineOptions& e, std::uint64_t seed) {
  const char* noise = "student-t:nu=1.5";
  std::vector<Simulation> sims = {
      simulate("SGD", "quadratic", noise, "sgd", "constant:eta=0.01", 64, 4096, 16, seed, e),
      simulate("signSGD", "quadratic", noise, "signsgd", "constant:eta=0.01", 64, 4096, 16, seed, e),
      simulate("SMM, beta = 0.5", "quadratic", noise, "smm", "constant:eta=0.01,beta=0.5", 64, 4096, 16, seed,
               e),
      simulate("SMM, beta = T^-1/2", "quadratic", noise, "smm", "constant:eta=0.01,beta=0.015625", 64, 4096,
               16, seed, e)};
  DemoResult r;
  const std::string& lowest = lowest_final(sims).label;
  r.explanation =
      "Student-t noise with nu = 1.5 has infinite variance, outside Theorems 1-2. SGD moves by the noise at "
      "full size: its error bars are wide and its largest replicate sits far above its mean (table). signSGD "
      "moves every coordinate by exactly eta whatever the draw" +
      (lowest == "signSGD" ? std::string(", and settles lowest") : "; " + lowest + " settles lowest") +
      "; SMM with beta = 0.5 ends at " + format_short(final_rms(sims[2]), 3) + " against signSGD's " +
      format_short(final_rms(sims[1]), 3) +
      ", while with beta = T^-1/2 and this constant eta the momentum lags about 1/beta steps "
      "behind "
      "and overshoots: the theorems pair a small beta with a smaller eta (eta/beta = T^-1/4).";
  for (const auto& s : sims)
    r.lines.push_back(s.label + ": final RMS gradient " + format_short(final_rms(s), 3) +
                      ", largest replicate " + format_short(largest_final_rms(s), 3));
  page.blocks.push_back(table(final_table(sims)));
  page.blocks.push_back(figure(trajectories(sims, "f = ||x||^2/2, d = 64, Student-t noise, nu = 1.5")));
  return r;
}

DemoResult momentum(Page& page, const EngineOptions& e, std::uint64_t seed) {
  const char* noise = "two-point:p=0.2,a=4";
  std::vector<Simulation> sims;
  for (const char* beta : {"1", "0.1", "0.01"})
    sims.push_back(simulate(std::string("beta = ") + beta, "quadratic", noise, "smm",
                            std::string("constant:eta=0.002,beta=") + beta, 8, 20000, 8, seed, e));
  sims.push_back(simulate("beta = T^-1/2", "quadratic", noise, "smm",
                          "power:eta_c=0.002,eta_T=0,beta_c=1,beta_T=-0.5", 8, 20000, 8, seed, e));
  DemoResult r;
  const Simulation& best = lowest_final(sims);
  r.explanation =
      "SMM's beta weighs the new gradient: beta = 1 is signSGD, which sits at the biased point 1. Lowering "
      "beta "
      "averages the asymmetric noise away before the sign, but with a constant step the momentum lags about "
      "1/beta steps and overshoots by about eta/beta: the final error is smallest at " +
      best.label + " here (" + format_short(final_rms(best), 3) +
      "). "
      "The theorems shrink eta faster than beta (eta = T^-3/4, beta = T^-1/2, so eta/beta = T^-1/4) to drive "
      "both errors to zero.";
  for (const auto& s : sims) r.lines.push_back(s.label + ": final RMS |x| " + format_short(final_rms(s), 3));
  page.blocks.push_back(table(final_table(sims)));
  page.blocks.push_back(
      figure(trajectories(sims, "SMM on f = ||x||^2/2 under two-point noise, eta = 0.002")));
  return r;
}

// The centres of the heterogeneity demos: their median (0.2) differs from their mean (1.46).
const char* kCenters = "0/0.1/0.2/3/4";

DemoResult heterogeneity(Page& page, const EngineOptions& e, std::uint64_t seed) {
  const std::string problem = std::string("hetero-quadratic:centers=") + kCenters;
  const char* noise = "uniform:sigma=0.1";
  const char* schedule = "constant:eta=0.002,beta=0.1";
  std::vector<Simulation> sims = {
      simulate_nodes("signSGD-MV", problem, noise, "signsgd-mv", schedule, 8, 20000, 5, 0, 8, seed, e),
      simulate_nodes("MVSM v2", problem, noise, "mvsm-v2:R=5", schedule, 8, 20000, 5, 0, 8, seed, e),
      simulate_nodes("Sto-signSGD", problem, noise, "sto-signsgd:R=5", schedule, 8, 20000, 5, 0, 8, seed, e)};
  const ProblemDeclared declared = problem_declared(sims[0].experiment.problem);
  const double mean = declared.extra.at("optimum_coordinate"),
               median = declared.extra.at("median_of_centers");
  Figure f = trajectories(sims, "5 nodes, f_j = ||x - c_j 1||^2/2, c = 0, 0.1, 0.2, 3, 4 (d = 8)");
  f.ylabel = "||grad f(x_t)||_2 / sqrt(d) = RMS distance to the mean";
  const double gap = std::fabs(mean - median);
  f.series.push_back({"|median - mean|", {1, 20000}, {gap, gap}, {}, {}, Series::Style::kDottedLine, 7});
  DemoResult r;
  r.explanation =
      "Five nodes, each with its own quadratic centred at 0, 0.1, 0.2, 3 and 4: the optimum of the average "
      "is the "
      "mean of the centres, 1.46, while their median is 0.2. A majority vote of plain signs moves x in the "
      "direction most nodes want, so signSGD-MV stops where the vote ties, at the median: watch its curve "
      "level "
      "off on the dotted line, " +
      format_short(gap, 3) +
      " from the optimum. The S_R-based methods send a coin whose mean is v/R, "
      "so the "
      "vote follows the mean of the gradients: MVSM v2 (unbiased server coin) and Sto-signSGD (majority of "
      "S_R "
      "coins) settle near the mean. Same constant step for all three, R = 5, uniform noise.";
  std::vector<std::vector<std::string>> rows = {
      {"method", "final x (mean over coordinates, replicates)", "median", "mean"}};
  for (const auto& s : sims) {
    const double x = final_position(s);
    r.lines.push_back(s.label + " settles at x = " + format_short(x, 3) + " (median " +
                      format_short(median, 3) + ", mean " + format_short(mean, 3) + ")");
    rows.push_back({s.label, format_short(x, 3), format_short(median, 3), format_short(mean, 3)});
  }
  r.lines.push_back("Sto-signSGD's limit from the exact vote law (R = 5): " +
                    format_short(v1_limit_point({0, 0.1, 0.2, 3, 4}, 5), 4));
  page.blocks.push_back(table(rows));
  page.blocks.push_back(paragraph(r.lines.back()));
  page.blocks.push_back(table(final_table(sims)));
  page.blocks.push_back(figure(f));
  return r;
}

// "0/0.1/0.2/3/4" repeated `copies` times: 5 copies nodes with the same mean, median and spread.
std::string repeated_centers(std::uint32_t copies) {
  std::string out;
  for (std::uint32_t k = 0; k < copies; ++k) out += (k ? "/" : "") + std::string(kCenters);
  return out;
}

DemoResult v1_vs_v2(Page& page, const EngineOptions& e, std::uint64_t seed) {
  // 1. Started at the optimum with a small constant step, on 5 and 20 nodes (the centres repeated).
  const double R = 3, mean = 1.46;
  const std::vector<double> base = {0, 0.1, 0.2, 3, 4};
  const auto limit = [&](std::uint32_t copies) {
    std::vector<double> c;
    for (std::uint32_t k = 0; k < copies; ++k) c.insert(c.end(), base.begin(), base.end());
    return v1_limit_point(c, R);
  };
  const auto problem = [](std::uint32_t copies) {
    return "hetero-quadratic:centers=" + repeated_centers(copies) + ",x1=1.46";
  };
  const char* noise = "uniform:sigma=0.1";
  const char* schedule = "constant:eta=0.0001,beta=0.5";
  const std::uint32_t T = 60000;
  std::vector<Simulation> sims = {
      simulate_nodes("MVSM v1, n = 5", problem(1), noise, "mvsm-v1:R=3", schedule, 4, T, 5, 0, 4, seed, e),
      simulate_nodes("MVSM v1, n = 20", problem(4), noise, "mvsm-v1:R=3", schedule, 4, T, 20, 0, 4, seed, e),
      simulate_nodes("MVSM v2, n = 5", problem(1), noise, "mvsm-v2:R=3", schedule, 4, T, 5, 0, 4, seed, e)};
  Figure f = trajectories(
      sims, "c = 0, 0.1, 0.2, 3, 4 (each on n/5 nodes), started at the mean 1.46; eta = 10^-4, R = 3");
  f.ylabel = "RMS distance to the mean of the centres";
  f.caption += "; dotted, in each v1 curve's colour: the distance of its vote law's limit to the mean";
  f.series.push_back(key_entry("vote law's limit (v1)", Series::Style::kDottedLine));
  DemoResult r;
  std::vector<std::vector<std::string>> rows = {
      {"run", "final x (mean over coordinates, replicates)", "vote law's limit", "mean"}};
  std::vector<double> x, lim, rms;  // per run: where it ends, where it should, its curve's last value
  for (std::size_t k = 0; k < sims.size(); ++k) {
    const bool v1 = k < 2;
    x.push_back(final_position(sims[k]));
    lim.push_back(v1 ? limit(k == 0 ? 1 : 4) : mean);
    rms.push_back(rms_gradient_series(sims[k], 1).y.back());
    if (v1)
      f.series.push_back({"",
                          {1, static_cast<double>(T)},
                          {mean - lim[k], mean - lim[k]},
                          {},
                          {},
                          Series::Style::kDottedLine,
                          static_cast<int>(k) + 1});
    rows.push_back({sims[k].label, format_short(x[k], 4), format_short(lim[k], 4), format_short(mean, 4)});
    r.lines.push_back(sims[k].label + ": started at the mean, ends at x = " + format_short(x[k], 4) +
                      " (limit " + format_short(lim[k], 4) + ", mean " + format_short(mean, 4) + ")");
  }
  // 2. v1's bias from the exact vote law as n grows (the same centres repeated); v2 has none.
  std::vector<std::vector<std::string>> law = {{"n", "v1's limit point", "bias (mean - limit)"}};
  std::string biases = "v1's bias from the vote law at n = 5, 10, 20, 40, 80:";
  std::vector<double> b;
  for (std::uint32_t copies : {1u, 2u, 4u, 8u, 16u}) {
    b.push_back(mean - limit(copies));
    law.push_back({std::to_string(5 * copies), format_short(limit(copies), 5), format_short(b.back(), 3)});
    biases += " " + format_short(b.back(), 3);
  }
  r.lines.push_back(biases);
  // 3. v2 with the theorem5 schedule: M2 falls as T grows.
  std::vector<GridPoint> points;
  std::vector<double> m2s;
  std::string m2 = "MVSM v2 with the theorem5 schedule, M2 at T = 1024, 4096, 16384:";
  for (std::uint32_t t : {1024u, 4096u, 16384u}) {
    const Simulation s =
        simulate_nodes("", std::string("hetero-quadratic:centers=") + kCenters, "uniform:sigma=0.5",
                       "mvsm-v2:R=5", "theorem5", 4, t, 5, 0, 4, seed, e);
    points.push_back({4, static_cast<double>(t), 5, s.result.M2});
    m2s.push_back(mean_stderr(s.result.M2).mean);
    m2 += " " + format_short(m2s.back(), 3);
  }
  FitOptions fo;
  fo.regressors = {"T"};
  fo.bootstrap = 200;
  fo.seed = seed;
  const FitResult fit = fit_power_law(points, fo);
  r.lines.push_back(m2 + "; fitted T-exponent " + format_short(fit.T->estimate, 3));
  // The explanation states what the numbers above show, so that it cannot contradict the figure.
  const auto n3 = [](double v) { return format_short(v, 3); };
  const auto n4 = [](double v) { return format_short(v, 4); };
  const auto side = [](double a, double b) { return std::string(a > b ? "above" : "below"); };
  // Where v2's curve starts on the log axis: its first positive value (x_1 is the mean itself).
  const Series v2_curve = rms_gradient_series(sims[2], 1);
  std::size_t first = 0;
  while (first + 1 < v2_curve.y.size() && !(v2_curve.y[first] > 0)) ++first;
  const double start = v2_curve.y[first];
  r.explanation =
      "Both versions send S_R(v) up, a coin with mean v/R. v1's server sends the sign of the vote, v2's an "
      "unbiased coin S_1(vote/n). The sign of a sum of unequal coins is not centred where their means sum to "
      "zero, so v1's fixed point is the root of its vote law, not the optimum. Started at the mean of the "
      "centres, " +
      n4(mean) + ", v1's average position ends at " + n4(x[0]) + " on 5 nodes and " + n4(x[1]) +
      " on 20 (its roots: " + n4(lim[0]) + " and " + n4(lim[1]) + ", the dotted lines), v2's at " + n4(x[2]) +
      ". The curves are the RMS distance of the iterates to the mean, which counts the vote's random walk "
      "around where each run settles as well as the bias: v2's curve " +
      (rms[2] > start ? "grows" : "falls") + " from " + n3(start) +
      " at t = " + format_short(v2_curve.x.front()) + " to " + n3(rms[2]) + " at T = " + std::to_string(T) +
      " (its average position has no bias; its iterates wander). v2's curve ends at " + n3(rms[2]) + ", " +
      side(rms[2], rms[0]) + " v1's " + n3(rms[0]) + " on 5 nodes and " + side(rms[2], rms[1]) + " v1's " +
      n3(rms[1]) + " on 20. v1's bias shrinks as n grows, from " + n3(b.front()) + " at n = 5 to " +
      n3(b.back()) + " at n = 80, about like n^" +
      format_short(std::log(b.back() / b.front()) / std::log(16.0), 2) +
      " (second table, exact); it is small, and at feasible T the vote's random walk hides it, which is why "
      "these runs use a tiny constant step. v2's limit is the optimum itself: with the theorem5 schedule "
      "its M2 goes from " +
      n3(m2s.front()) + " at T = 1024 to " + n3(m2s.back()) + " at T = 16384, " +
      (m2s.back() < m2s.front() ? "falling" : "not falling") + " as T grows (last line).";
  page.blocks.push_back(table(rows));
  page.blocks.push_back(figure(f));
  page.blocks.push_back(paragraph(
      "v1's limit point from the exact law of the vote (a sum of n independent S_R coins), R = 3:"));
  page.blocks.push_back(table(law));
  page.blocks.push_back(paragraph(r.lines.back()));
  return r;
}

DemoResult byzantine(Page& page, const EngineOptions& e, std::uint64_t seed) {
  const char* problem = "quadratic";
  const char* noise = "uniform:sigma=0.5";
  const std::uint32_t n = 9, d = 8, T = 4000;
  struct Entry {
    const char* label;
    const char* method;
    const char* schedule;
  };
  const std::vector<Entry> methods = {{"SGD (mean)", "sgd-dist", "constant:eta=0.05"},
                                      {"signSGD-MV", "signsgd-mv", "constant:eta=0.002"},
                                      {"MVSM v1", "mvsm-v1:R=1", "constant:eta=0.002,beta=0.1"},
                                      {"MVSM v2", "mvsm-v2:R=1", "constant:eta=0.002,beta=0.1"}};
  const std::vector<std::uint32_t> ks = {0, 1, 2, 3, 4};
  Figure f;
  f.title = "9 nodes, K of them send the negation of their message (d = 8, T = 4000)";
  f.xlabel = "n - 2K (the honest majority's margin)";
  f.ylabel = "final RMS gradient";
  f.caption = "mean over replicates with 95% error bars";
  std::vector<std::vector<std::string>> rows = {
      {"method", "K = 0", "K = 1", "K = 2", "K = 3", "K = 4", "K = 4 / K = 0"}};
  DemoResult r;
  int color = 1;
  std::string most;  // the method whose error grows by the largest factor from K = 0 to K = 4
  double largest = 0;
  for (const auto& m : methods) {
    Series s{m.label, {}, {}, {}, {}, Series::Style::kPointsWithErrorBars, color++};
    std::vector<std::string> row = {m.label};
    std::string line = std::string(m.label) + ": final RMS gradient at K = 0..4:";
    std::vector<double> finals;
    for (std::uint32_t k : ks) {
      const Simulation sim =
          simulate_nodes(m.label, problem, noise, m.method, m.schedule, d, T, n, k, 8, seed, e);
      std::vector<double> v = sim.result.final_grad_l2;
      for (double& x : v) x /= std::sqrt(static_cast<double>(d));
      const MeanStderr ms = mean_stderr(v);
      s.x.push_back(n - 2 * k);
      s.y.push_back(ms.mean);
      s.low.push_back(std::max(ms.mean - 1.96 * ms.stderr_, ms.mean * 1e-3));
      s.high.push_back(ms.mean + 1.96 * ms.stderr_);
      finals.push_back(ms.mean);
      row.push_back(format_short(ms.mean, 3));
      line.append(" ").append(format_short(ms.mean, 3));
    }
    row.push_back(format_short(finals.back() / finals.front(), 3));
    if (finals.back() / finals.front() > largest) {
      largest = finals.back() / finals.front();
      most = m.label;
    }
    rows.push_back(row);
    r.lines.push_back(line);
    f.series.push_back(s);
  }
  r.explanation =
      "Nine nodes on the same quadratic; K of them are Byzantine and send the negation of what an honest "
      "node "
      "would. Every method keeps the honest majority's direction while K < n/2, with a margin of n - 2K "
      "nodes: "
      "the mean (SGD) shrinks to (n - 2K)/n of the gradient, the vote's sum to n - 2K honest votes net. So "
      "none "
      "breaks, but each one's error at T = 4000 grows with K (table: the last column is the factor from K = "
      "0 to "
      "K = 4). " +
      most + " degrades most here (by " + format_short(largest, 3) +
      "x). MVSM v2's server coin has mean (n - 2K)/n times v/R, so at K = 4 its "
      "expected "
      "step is 1/9 of the honest one and it has not finished its start-up by T = 4000. With K >= n/2 the "
      "flipped "
      "messages win and every method climbs (not run). Constant steps: 0.05 for SGD, 0.002 for the sign "
      "methods; "
      "R = 1; uniform noise; 8 replicates.";
  page.blocks.push_back(table(rows));
  page.blocks.push_back(figure(f));
  return r;
}

}  // namespace

const std::vector<DemoInfo>& demo_registry() {
  static const std::vector<DemoInfo> registry = {
      {"asymmetric-noise",
       "signSGD with batch 1 settles at the wrong point under asymmetric noise; SMM does not",
       asymmetric_noise},
      {"dimension",
       "SMM with Theorem 1's schedule vs the schedule without the d-factor: the d-exponents differ",
       dimension},
      {"heavy-tails", "Student-t noise with few degrees of freedom: sign methods vs SGD", heavy_tails},
      {"momentum", "SMM with beta from 1 (signSGD) down to T^(-1/2)", momentum},
      {"heterogeneity",
       "heterogeneous nodes: signSGD-MV settles at the median of the centres, MVSM v2 and "
       "Sto-signSGD at their mean (the optimum)",
       heterogeneity},
      {"v1-vs-v2", "MVSM v1's vote is biased (a residual that shrinks with n); v2's server coin is not",
       v1_vs_v2},
      {"byzantine", "K of n nodes send flipped messages: how SGD, signSGD-MV and MVSM degrade as K grows",
       byzantine},
  };
  return registry;
}

DemoResult run_demo(const std::string& name, const std::string& html_path, const EngineOptions& engine,
                    std::uint64_t seed, const std::string& gnuplot) {
  std::string names;
  const DemoInfo* info = nullptr;
  for (const auto& d : demo_registry()) {
    names += (names.empty() ? "" : ", ") + d.name;
    if (d.name == name) info = &d;
  }
  if (!info) throw SpecError("unknown demo '" + name + "'; allowed: " + names);
  Page page;
  page.title = "signrate demo: " + name;
  page.blocks.push_back(paragraph(info->summary));
  const std::size_t explanation_at = page.blocks.size();
  DemoResult r = info->run(page, engine, seed);
  page.blocks.insert(page.blocks.begin() + static_cast<std::ptrdiff_t>(explanation_at),
                     paragraph(r.explanation));
  page.blocks.push_back(
      paragraph("Reproduce with: signrate demo " + name + " --seed " + std::to_string(seed)));
  r.pngs = write_page(page, html_path, gnuplot);
  r.page = std::move(page);
  return r;
}

}  // namespace signrate::analysis
