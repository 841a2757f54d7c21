#pragma once
// Fitting power laws to measured rates (docs/theory.md, "How a rate is verified", step 3):
// log M = a + p log d + q log T (+ r log n) by least squares on the replicate means over the grid,
// with percentile-bootstrap confidence intervals that resample replicates (never time steps).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signrate/sweep_result.hpp"

namespace signrate::analysis {

// One grid point: its coordinates and the per-replicate values of the measure (M1 or M2).
struct GridPoint {
  double d = 1, T = 1, n = 1;
  std::vector<double> values;
};

struct Exponent {
  double estimate = 0;
  double ci_low = 0, ci_high = 0;  // percentile bootstrap interval at FitOptions::level
};

struct FitOptions {
  std::vector<std::string> regressors = {"d", "T"};  // any of "d", "T", "n"; a regressor that
                                                     // does not vary over the points is refused
  std::uint32_t bootstrap = 1000;                    // resamples
  double level = 0.95;                               // confidence level of the intervals
  std::uint64_t seed = 1;  // the bootstrap's random numbers (counter-based, reproducible)
};

struct FitResult {
  double log_c = 0;                     // intercept a
  std::optional<Exponent> d, T, n;      // one per requested regressor
  std::vector<double> fitted_log_mean;  // per point, in input order
  std::vector<double> residuals;        // log mean - fitted, per point
  double rms_residual = 0;
  std::size_t points = 0;
  std::uint32_t bootstrap = 0;
};

// Throws SpecError (signrate/error.hpp) with a message saying what is needed when: fewer than 3
// points, fewer points than regressors + 1, a requested regressor constant over the points, a
// point with fewer than kMinReplicatesForBootstrap values, a non-positive or non-finite value
// (logs), a level outside (0, 1), or bootstrap < 100.
inline constexpr std::size_t kMinReplicatesForBootstrap = 4;
FitResult fit_power_law(const std::vector<GridPoint>& points, const FitOptions& options);

// The grid points of a sweep for one measure ("M1" or "M2"), from the per-replicate values its
// runs recorded; `t_part` "upper-half" keeps the largest ceil(k/2) of the k T values, "all" keeps
// every point.
std::vector<GridPoint> grid_points(const SweepResult& sweep, const std::string& measure,
                                   const std::string& t_part);
// The regressors ("d", "T", "n") whose value differs between the points.
std::vector<std::string> varying_regressors(const std::vector<GridPoint>& points);

// A fit of one regressor alone, at fixed values of the other varying ones.
struct SeparateFit {
  std::string axis;  // "T", "d" or "n"
  std::vector<std::pair<std::string, double>>
      at;  // the other varying axes and their values, in d, T, n order
  FitResult fit;
};
// The joint fit over every regressor that varies, then separate fits of each varying regressor
// alone (T, then d, then n) at each fixed value of the others that has 3 points or more (none when
// fewer than 2 regressors vary). What `signrate fit` prints.
struct AxisFits {
  std::vector<std::string> axes;  // the varying regressors (varying_regressors)
  FitResult joint;
  std::vector<SeparateFit> separate;
};
// options.regressors is ignored: the fits take the varying regressors.
AxisFits fit_axes(const std::vector<GridPoint>& points, FitOptions options);

// The bootstrap's resampling: the replicate taken as draw j of point k in resample b, uniform on
// [0, count) without bias. Philox under derive_key(seed, 0, 0, Stream::kBootstrap) at counter
// (b, k, j, attempt), words mapped by Lemire's multiply-shift with rejection. Throws SpecError if
// count is 0. Public so that its uniformity can be tested.
std::uint32_t bootstrap_index(std::uint64_t seed, std::uint32_t b, std::uint32_t k, std::uint32_t j,
                              std::uint32_t count);

}  // namespace signrate::analysis
