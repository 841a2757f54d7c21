// Power-law fits with percentile-bootstrap intervals (docs/theory.md, "How a rate is verified", step 3).
//
// The model is log M = a + sum_j b_j log x_j over the requested regressors x_j in {d, T, n}, fitted
// by ordinary least squares to y_k = log(mean of point k's replicates). The regressors are centred
// (log x_j - mean over points) before the QR solve, which only reparametrizes the intercept and
// keeps the design well conditioned; a = a_c - sum_j b_j mean_j recovers the uncentred intercept.
//
// Bootstrap (step 3: "bootstrap over replicates"): resample b draws, for every point independently,
// as many replicate values as it has, with replacement; the refit on those means gives one draw of
// each exponent. The interval is the percentile interval of those draws. Time steps are never
// resampled: a replicate is the unit of independence.
//
// Randomness (docs/architecture.md's "Reproducibility"): index j of point k in resample b comes from
// Philox(key, counter = (b, k, j, attempt)) with key = derive_key(seed, 0, 0, Stream::kBootstrap), so
// the result depends only on the inputs and the seed.
#include "signrate/analysis/fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "signrate/error.hpp"
#include "signrate/rng.hpp"

namespace signrate::analysis {
namespace {

enum class Regressor { kD, kT, kN };

struct RegressorInfo {
  Regressor id;
  std::string name;
};

double coordinate(const GridPoint& p, Regressor r) {
  switch (r) {
    case Regressor::kD:
      return p.d;
    case Regressor::kT:
      return p.T;
    case Regressor::kN:
      return p.n;
  }
  return 0;
}

std::string format_number(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

// "point 2 (d=64, T=1024)": the index in input order (from 0) and the requested coordinates.
std::string describe_point(const std::vector<GridPoint>& points, std::size_t k,
                           const std::vector<RegressorInfo>& regs) {
  std::string s = "point " + std::to_string(k) + " (";
  for (std::size_t j = 0; j < regs.size(); ++j) {
    if (j > 0) s += ", ";
    s += regs[j].name + "=" + format_number(coordinate(points[k], regs[j].id));
  }
  return s + ")";
}

std::vector<RegressorInfo> parse_regressors(const std::vector<std::string>& names) {
  if (names.empty()) throw SpecError("a fit needs at least one regressor; use any of d, T, n");
  std::vector<RegressorInfo> regs;
  for (const std::string& name : names) {
    Regressor id;
    if (name == "d") {
      id = Regressor::kD;
    } else if (name == "T") {
      id = Regressor::kT;
    } else if (name == "n") {
      id = Regressor::kN;
    } else {
      throw SpecError("unknown regressor '" + name + "'; use any of d, T, n");
    }
    for (const RegressorInfo& r : regs) {
      if (r.id == id) throw SpecError("regressor '" + name + "' is requested twice");
    }
    regs.push_back({id, name});
  }
  return regs;
}

// The sample mean, always as (v_0 + v_1 + ... ) / count in this order: a resample of identical
// values then reproduces the original mean bit for bit, so noiseless data gives a degenerate CI.
double mean_of(const double* v, std::size_t count) {
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += v[i];
  return sum / static_cast<double>(count);
}

// Uniform index in [0, count) from the Philox stream of (b, k, j): Lemire's multiply-shift with
// rejection ("Fast random integer generation in an interval", 2019), exactly unbiased. A word w is
// accepted unless the low half of w * count falls below 2^32 mod count; rejected words are replaced
// by the next word of the block, then by the block of counter attempt + 1.
std::uint32_t uniform_index(RngKey key, std::uint32_t b, std::uint32_t k, std::uint32_t j,
                            std::uint32_t count) {
  const std::uint32_t threshold = static_cast<std::uint32_t>(-count) % count;  // 2^32 mod count
  for (std::uint32_t attempt = 0;; ++attempt) {
    const Bits4 bits = philox(key, b, k, j, attempt);
    for (std::uint32_t w : bits.v) {
      const std::uint64_t m = static_cast<std::uint64_t>(w) * count;
      if (static_cast<std::uint32_t>(m) >= threshold) return static_cast<std::uint32_t>(m >> 32);
    }
  }
}

// Quantile of sorted data by linear interpolation between order statistics (Hyndman and Fan's
// type 7, R's default): h = (N - 1) p, Q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
double quantile_type7(const std::vector<double>& sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

void validate(const std::vector<GridPoint>& points, const FitOptions& options,
              const std::vector<RegressorInfo>& regs) {
  if (!(options.level > 0 && options.level < 1)) {
    throw SpecError("confidence level " + format_number(options.level) + " is not in (0, 1); use e.g. 0.95");
  }
  if (options.bootstrap < 100) {
    throw SpecError("a bootstrap needs at least 100 resamples; got " + std::to_string(options.bootstrap));
  }
  if (points.size() < 3) {
    throw SpecError("a fit needs at least 3 grid points; got " + std::to_string(points.size()));
  }
  if (points.size() < regs.size() + 1) {
    throw SpecError("a fit of " + std::to_string(regs.size()) +
                    " regressors plus an intercept needs at least " + std::to_string(regs.size() + 1) +
                    " grid points; got " + std::to_string(points.size()));
  }
  if (points.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw SpecError("a fit takes at most 2^32 - 1 grid points; got " + std::to_string(points.size()));
  }
  for (std::size_t k = 0; k < points.size(); ++k) {
    const GridPoint& p = points[k];
    for (const RegressorInfo& r : regs) {
      const double x = coordinate(p, r.id);
      if (!(std::isfinite(x) && x > 0)) {
        throw SpecError("point " + std::to_string(k) + " has " + r.name + " = " + format_number(x) +
                        ": a regressor's coordinate must be positive and finite to take its log");
      }
    }
    if (p.values.size() < kMinReplicatesForBootstrap) {
      throw SpecError(describe_point(points, k, regs) + " has " + std::to_string(p.values.size()) +
                      " replicates; a bootstrap needs at least " +
                      std::to_string(kMinReplicatesForBootstrap));
    }
    if (p.values.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw SpecError(describe_point(points, k, regs) + " has more than 2^32 - 1 replicates");
    }
    double largest = 0;
    for (std::size_t i = 0; i < p.values.size(); ++i) {
      const double v = p.values[i];
      if (!std::isfinite(v)) {
        throw SpecError(describe_point(points, k, regs) + ": replicate " + std::to_string(i) + " is " +
                        format_number(v) + ", not finite: cannot take its log");
      }
      // Every value, not only the mean, must be positive: a resample may draw only the small ones.
      if (!(v > 0)) {
        throw SpecError(describe_point(points, k, regs) + ": replicate " + std::to_string(i) + " is " +
                        format_number(v) + ", which is not positive: cannot take its log");
      }
      largest = std::max(largest, v);
    }
    // Any resample's sum is at most count * largest; it must not overflow.
    if (!std::isfinite(largest * static_cast<double>(p.values.size()))) {
      throw SpecError(describe_point(points, k, regs) + ": values up to " + format_number(largest) +
                      " are too large to average without overflow");
    }
  }
  for (std::size_t j = 0; j < regs.size(); ++j) {
    const double first = coordinate(points[0], regs[j].id);
    const bool varies = std::any_of(points.begin(), points.end(),
                                    [&](const GridPoint& p) { return coordinate(p, regs[j].id) != first; });
    if (varies) continue;
    std::string others;
    for (std::size_t i = 0; i < regs.size(); ++i) {
      if (i == j) continue;
      others += (others.empty() ? "" : " and ") + regs[i].name;
    }
    throw SpecError("regressor '" + regs[j].name + "' does not vary over the points (all " + regs[j].name +
                    " = " + format_number(first) + "): sweep " + regs[j].name +
                    (others.empty() ? "" : " or fit " + others + " only"));
  }
}

}  // namespace

std::uint32_t bootstrap_index(std::uint64_t seed, std::uint32_t b, std::uint32_t k, std::uint32_t j,
                              std::uint32_t count) {
  if (count == 0) throw SpecError("a bootstrap index needs a positive count of replicates; got 0");
  return uniform_index(derive_key(seed, /*replicate=*/0, /*node=*/0, Stream::kBootstrap), b, k, j, count);
}

FitResult fit_power_law(const std::vector<GridPoint>& points, const FitOptions& options) {
  const std::vector<RegressorInfo> regs = parse_regressors(options.regressors);
  validate(points, options, regs);

  const Eigen::Index num_points = static_cast<Eigen::Index>(points.size());
  const Eigen::Index num_regs = static_cast<Eigen::Index>(regs.size());

  // Design: a column of ones, then the centred log coordinates.
  Eigen::MatrixXd design(num_points, num_regs + 1);
  Eigen::VectorXd centre(num_regs);
  for (Eigen::Index j = 0; j < num_regs; ++j) {
    for (Eigen::Index k = 0; k < num_points; ++k) {
      design(k, j + 1) =
          std::log(coordinate(points[static_cast<std::size_t>(k)], regs[static_cast<std::size_t>(j)].id));
    }
    centre(j) = design.col(j + 1).mean();
    design.col(j + 1).array() -= centre(j);
  }
  design.col(0).setOnes();

  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
  if (qr.rank() < num_regs + 1) {
    std::string names;
    for (const RegressorInfo& r : regs) names += (names.empty() ? "" : ", ") + r.name;
    throw SpecError("the regressors " + names +
                    " are collinear over the points (their logs are linearly dependent): use a grid on which "
                    "they vary independently, or fit fewer of them");
  }

  // Original fit.
  Eigen::VectorXd y(num_points);
  for (Eigen::Index k = 0; k < num_points; ++k) {
    const std::vector<double>& v = points[static_cast<std::size_t>(k)].values;
    y(k) = std::log(mean_of(v.data(), v.size()));
  }
  const Eigen::VectorXd coef = qr.solve(y);
  const Eigen::VectorXd fitted = design * coef;

  FitResult result;
  result.points = points.size();
  result.bootstrap = options.bootstrap;
  result.log_c = coef(0) - coef.tail(num_regs).dot(centre);
  result.fitted_log_mean.resize(points.size());
  result.residuals.resize(points.size());
  double sum_sq = 0;
  for (Eigen::Index k = 0; k < num_points; ++k) {
    result.fitted_log_mean[static_cast<std::size_t>(k)] = fitted(k);
    const double r = y(k) - fitted(k);
    result.residuals[static_cast<std::size_t>(k)] = r;
    sum_sq += r * r;
  }
  result.rms_residual = std::sqrt(sum_sq / static_cast<double>(num_points));  // over points, not dof

  // Bootstrap over replicates.
  const RngKey key = derive_key(options.seed, /*replicate=*/0, /*node=*/0, Stream::kBootstrap);
  std::vector<std::vector<double>> draws(regs.size(), std::vector<double>(options.bootstrap));
  std::vector<double> resample;
  Eigen::VectorXd y_boot(num_points);
  for (std::uint32_t b = 0; b < options.bootstrap; ++b) {
    for (Eigen::Index k = 0; k < num_points; ++k) {
      const std::vector<double>& v = points[static_cast<std::size_t>(k)].values;
      const auto count = static_cast<std::uint32_t>(v.size());
      resample.resize(count);
      for (std::uint32_t j = 0; j < count; ++j) {
        resample[j] = v[uniform_index(key, b, static_cast<std::uint32_t>(k), j, count)];
      }
      y_boot(k) = std::log(mean_of(resample.data(), count));
    }
    const Eigen::VectorXd coef_boot = qr.solve(y_boot);
    for (std::size_t j = 0; j < regs.size(); ++j) draws[j][b] = coef_boot(static_cast<Eigen::Index>(j) + 1);
  }

  const double p_low = (1 - options.level) / 2, p_high = (1 + options.level) / 2;
  for (std::size_t j = 0; j < regs.size(); ++j) {
    std::sort(draws[j].begin(), draws[j].end());
    Exponent e;
    e.estimate = coef(static_cast<Eigen::Index>(j) + 1);
    e.ci_low = quantile_type7(draws[j], p_low);
    e.ci_high = quantile_type7(draws[j], p_high);
    switch (regs[j].id) {
      case Regressor::kD:
        result.d = e;
        break;
      case Regressor::kT:
        result.T = e;
        break;
      case Regressor::kN:
        result.n = e;
        break;
    }
  }
  return result;
}

std::vector<GridPoint> grid_points(const SweepResult& sweep, const std::string& measure,
                                   const std::string& t_part) {
  if (measure != "M1" && measure != "M2")
    throw SpecError("measure '" + measure + "' is not allowed; allowed: M1, M2");
  if (t_part != "upper-half" && t_part != "all")
    throw SpecError("T part '" + t_part + "' is not allowed; allowed: upper-half, all");
  if (sweep.grid.T.empty()) throw SpecError("the sweep has an empty T grid");
  std::vector<std::uint32_t> Ts = sweep.grid.T;
  std::sort(Ts.begin(), Ts.end());
  const std::uint32_t t_min = t_part == "all" ? Ts.front() : Ts[Ts.size() / 2];
  std::vector<GridPoint> out;
  for (const SweepPoint& p : sweep.points) {
    if (p.T < t_min) continue;
    const ReplicateValues& v = p.run.per_replicate;
    out.push_back({static_cast<double>(p.d), static_cast<double>(p.T), static_cast<double>(p.n),
                   measure == "M1" ? v.M1 : v.M2});
  }
  return out;
}

std::vector<std::string> varying_regressors(const std::vector<GridPoint>& points) {
  std::vector<std::string> out;
  const auto varies = [&](double GridPoint::*field) {
    for (const auto& p : points)
      if (p.*field != points.front().*field) return true;
    return false;
  };
  if (varies(&GridPoint::d)) out.push_back("d");
  if (varies(&GridPoint::T)) out.push_back("T");
  if (varies(&GridPoint::n)) out.push_back("n");
  return out;
}

AxisFits fit_axes(const std::vector<GridPoint>& points, FitOptions options) {
  AxisFits out;
  out.axes = varying_regressors(points);
  options.regressors = out.axes;
  out.joint = fit_power_law(points, options);
  if (out.axes.size() < 2) return out;
  const auto value = [](const GridPoint& p, const std::string& axis) {
    return axis == "d" ? p.d : axis == "T" ? p.T : p.n;
  };
  for (const char* fitted : {"T", "d", "n"}) {
    if (std::find(out.axes.begin(), out.axes.end(), fitted) == out.axes.end()) continue;
    // The points at each fixed value of the other axes, ordered by those values.
    std::map<std::vector<double>, std::vector<GridPoint>> by_value;
    for (const auto& p : points) {
      std::vector<double> key;
      for (const auto& a : out.axes)
        if (a != fitted) key.push_back(value(p, a));
      by_value[key].push_back(p);
    }
    for (const auto& [key, members] : by_value) {
      if (members.size() < 3) continue;
      options.regressors = {fitted};
      SeparateFit s{fitted, {}, fit_power_law(members, options)};
      std::size_t k = 0;
      for (const auto& a : out.axes)
        if (a != fitted) s.at.push_back({a, key[k++]});
      out.separate.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace signrate::analysis
