#pragma once
// The matrix on which the CUDA engine must give the CPU engine's bits: every single-node method,
// every distributed method (with and without a Byzantine node, homogeneous and heterogeneous), every
// noise law, every separable problem family, and the sizes that stress the layout (d = 1, d not a
// multiple of 32, d needing several blocks per replicate, T = 1, one replicate). Shared by the
// host replay of the kernels (test_gpu_algorithm.cpp) and the device tests (test_cuda.cpp).
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "method_cases.hpp"
#include "signrate/experiment.hpp"
#include "signrate/run_result.hpp"

namespace signrate::gpu_cases {

struct Case {
  std::string problem, oracle, method, schedule;
  std::uint32_t d, T, replicates, batch = 1, nodes = 1, byzantine = 0;
  std::string name() const {
    return problem + " | " + oracle + " | " + method + " | d=" + std::to_string(d) +
           " T=" + std::to_string(T) + " R=" + std::to_string(replicates) +
           " batch=" + std::to_string(batch) + " n=" + std::to_string(nodes) +
           " K=" + std::to_string(byzantine);
  }
  Experiment experiment() const {
    RunSpec spec = make_run_spec(problem, oracle, method, schedule.empty() ? "theorem1" : schedule, d, T,
                                 replicates, 2026);
    if (schedule.empty()) spec.schedule = ParsedSpec{"", {}};  // the method's default
    spec.batch = batch;
    spec.nodes = nodes;
    spec.byzantine = byzantine;
    return make_experiment(spec);
  }
};

// gtest prints a case by its name (not its bytes).
inline void PrintTo(const Case& c, std::ostream* os) { *os << c.name(); }

inline const std::vector<std::string>& oracles() {
  static const std::vector<std::string> o = {
      "gaussian:sigma=0.1",      "student-t:nu=3,sigma=0.1",  "student-t:nu=1.5,sigma=0.1",
      "lomax:alpha=3,sigma=0.1", "two-point:p=0.2,sigma=0.1", "lognormal:s=1,sigma=0.1",
      "bimodal:m=0.9,sigma=0.1", "uniform:sigma=0.1",         "rademacher:sigma=0.1"};
  return o;
}

inline std::vector<Case> single_cases() {
  const std::vector<std::string> methods =
      testing_methods::single_methods({"signsgd-sim:extrapolate=1", "lion:wd=0.01"});
  const std::vector<std::string> problems = {"quadratic", "diag-quadratic:law=power", "nonconvex-separable",
                                             "diag-quadratic:negative=1"};
  // (d, T, R): one coordinate; partial chunks; several chunks per warp; many blocks per replicate.
  const std::vector<std::array<std::uint32_t, 3>> sizes = {{1, 5, 2}, {33, 1, 1}, {70, 40, 3}, {4099, 9, 2}};
  std::vector<Case> out;
  std::size_t k = 0;
  for (const auto& p : problems)
    for (const auto& m : methods) {
      const auto& s = sizes[k % sizes.size()];
      Case c{p, oracles()[k % oracles().size()], m, "constant:eta=0.002,beta=0.2", s[0], s[1], s[2]};
      c.batch = k % 5 == 3 ? 3 : 1;
      out.push_back(c);
      ++k;
    }
  // The theorem schedules (the methods' defaults), longer runs.
  out.push_back({"quadratic", "gaussian", "smm", "", 1000, 300, 4});
  out.push_back({"nonconvex-separable", "student-t:nu=3", "smm", "", 257, 200, 2});
  return out;
}

inline std::vector<Case> dist_cases() {
  // Every distributed method the GPU engine runs (an encoder of the whole state does not, yet).
  std::vector<std::string> methods;
  for (const std::string& m : testing_methods::dist_methods())
    if (!encodes_whole_state(recipe_of(testing_methods::dist_method(m).base.kind))) methods.push_back(m);
  struct Family {
    std::string problem, oracle, R;
    std::uint32_t nodes;
  };
  const std::vector<Family> families = {
      {"hetero-nonconvex:centers=0/0.5/2/3,x1=1", "uniform:sigma=0.5", "", 4},
      {"hetero-quadratic:centers=0/1/5/2,x1=2", "rademacher:sigma=0.5", ":R=4,clip=1", 4},
      {"hetero-quadratic:centers=0/1/5,x1=2", "gaussian:sigma=0.3", ":R=6,clip=1", 3},
      {"quadratic", "gaussian:sigma=0.2", ":R=2,clip=1", 3},
      {"nonconvex-separable", "two-point:p=0.2,sigma=0.1", ":R=3,clip=1", 2}};
  const std::vector<std::array<std::uint32_t, 3>> sizes = {{70, 30, 2}, {1, 4, 1}, {4099, 6, 2}, {33, 1, 3}};
  std::vector<Case> out;
  std::size_t k = 0;
  for (const auto& f : families)
    for (const auto& m : methods) {
      const auto& s = sizes[k % sizes.size()];
      Case c{f.problem, f.oracle, testing_methods::with_R(m, f.R), "constant:eta=0.002,beta=0.3", s[0],
             s[1],      s[2]};
      c.nodes = f.nodes;
      c.byzantine = k % 3 == 1 ? 1 : 0;
      out.push_back(c);
      ++k;
    }
  // sign(0) sent up and ties sent down, often: g = 1 and noise +-1 at every coordinate at t = 1.
  for (const char* method : {"signsgd-mv", "signum-mv"}) {
    Case c{"hetero-quadratic:centers=0/0,x1=1",
           "rademacher:sigma=8",
           method,
           "constant:eta=0.002,beta=0.3",
           64,
           3,
           2};
    c.nodes = 2;
    out.push_back(c);
  }
  // Clipping to [-R, R] (clip=1) at a small R, counted per coordinate-step.
  for (const char* method : {"sto-signsgd:R=0.05,clip=1", "mvsm-v2:R=0.05,clip=1"}) {
    Case c{"quadratic", "gaussian:sigma=4", method, "constant:eta=0.002,beta=0.3", 64, 5, 2};
    c.nodes = 3;
    out.push_back(c);
  }
  return out;
}

// A test name for a case: its index, method and d (gtest names allow only [A-Za-z0-9_]).
inline std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s = std::to_string(info.index) + "_" + info.param.method + "_d" + std::to_string(info.param.d);
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

// Bit equality of two doubles (NaN equal to NaN: a missing f* is NaN in both).
inline bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

inline void expect_same_bits(const std::vector<double>& a, const std::vector<double>& b,
                             const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k)
    ASSERT_TRUE(same_bits(a[k], b[k])) << what << " [" << k << "]: " << a[k] << " vs " << b[k];
}

// Every number of a RunResult a user sees (metrics, traces, final values, counters).
inline void expect_same_run(const RunResult& a, const RunResult& b, const std::string& what) {
  expect_same_bits(a.M1, b.M1, what + " M1");
  expect_same_bits(a.M2, b.M2, what + " M2");
  expect_same_bits(a.final_grad_l1, b.final_grad_l1, what + " final_grad_l1");
  expect_same_bits(a.final_grad_l2, b.final_grad_l2, what + " final_grad_l2");
  expect_same_bits(a.final_gap, b.final_gap, what + " final_gap");
  expect_same_bits(a.final_x_mean, b.final_x_mean, what + " final_x_mean");
  ASSERT_EQ(a.traces.size(), b.traces.size()) << what;
  for (std::size_t r = 0; r < a.traces.size(); ++r) {
    const std::string w = what + " replicate " + std::to_string(r);
    expect_same_bits(a.traces[r].M1, b.traces[r].M1, w + " trace M1");
    expect_same_bits(a.traces[r].M2, b.traces[r].M2, w + " trace M2");
    expect_same_bits(a.traces[r].grad_l1, b.traces[r].grad_l1, w + " trace grad_l1");
    expect_same_bits(a.traces[r].grad_l2, b.traces[r].grad_l2, w + " trace grad_l2");
    expect_same_bits(a.traces[r].gap, b.traces[r].gap, w + " trace gap");
  }
  EXPECT_EQ(a.clipped, b.clipped) << what;
  EXPECT_EQ(a.zeros_up, b.zeros_up) << what;
  EXPECT_EQ(a.ties_down, b.ties_down) << what;
}

}  // namespace signrate::gpu_cases
