#pragma once
// Teaching demonstrations (`signrate demo NAME`): small experiments that make one claim of the
// theory visible, each with two or three sentences of what to look at, a figure and a report.
#include <string>
#include <vector>

#include "signrate/engine.hpp"

namespace signrate::analysis {

struct DemoInfo {
  std::string name, summary;
};
const std::vector<DemoInfo>& demo_registry();

struct DemoResult {
  std::string explanation;          // what to look at (also at the top of the report)
  std::vector<std::string> pngs;    // the figures written beside the report
  std::vector<std::string> lines;   // the numbers behind the explanation, one per line
};

// The exact law of a majority vote (THEORY.md, MVSM v1): E sign(sum_j s_j) for independent s_j in
// {-1, +1} with E s_j = mu[j] (a Poisson-binomial sum; a tie counts 0).
double expected_vote_sign(const std::vector<double>& mu);
// MVSM v1's limit point on hetero-quadratic with these centres (one coordinate; the noise does not
// move it, since E S_R(v) = v/R is linear): the x where E sign(sum_j S_R(x - c_j)) = 0, by bisection.
double v1_limit_point(const std::vector<double>& centers, double R);

// Runs demo `name` (SpecError listing the names otherwise) and writes its report to html_path.
DemoResult run_demo(const std::string& name, const std::string& html_path, const EngineOptions& engine,
                    std::uint64_t seed, const std::string& gnuplot = "gnuplot");

}  // namespace signrate::analysis
