#pragma once
// The engines' fixed summation order: a sum over coordinates is kept in 8 lanes by index
// (lane = i mod 8) and the lanes are combined in a fixed tree, so neither the tile size, the
// thread count nor the engine changes a bit of the result.
#include <cmath>
#include <cstdint>
#include <vector>

namespace signrate::cpu {

constexpr std::uint32_t kLanes = 8;

struct Lanes {
  double v[kLanes] = {};
  double total() const { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }
};

struct Norms {
  double l1, l2;
};

// ||g||_1 and ||g||_2 in the lanes' order.
inline Norms lane_norms(const std::vector<double>& g) {
  Lanes a1, a2;
  for (std::size_t i = 0; i < g.size(); ++i) {
    a1.v[i % kLanes] += std::fabs(g[i]);
    a2.v[i % kLanes] += g[i] * g[i];
  }
  return {a1.total(), std::sqrt(a2.total())};
}

// (1/d) sum_i x_i in the lanes' order: where a run settled (RunResult::final_x_mean).
inline double lane_mean(const std::vector<double>& x) {
  Lanes a;
  for (std::size_t i = 0; i < x.size(); ++i) a.v[i % kLanes] += x[i];
  return a.total() / static_cast<double>(x.size());
}

}  // namespace signrate::cpu
