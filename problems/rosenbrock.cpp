// rosenbrock: the chained Rosenbrock function f = sum_{i<d-1} b (x_{i+1} - x_i^2)^2 + (1 - x_i)^2,
// from the classic x_1 = (-1.2, 1, -1.2, 1, ...). f* = 0 at x = 1. Its gradient is not globally
// Lipschitz (quartic growth), so L, L_inf and G are declared infinite: no theorem applies.
#include <limits>
#include <vector>

#include "signrate/canonical_sum.hpp"
#include "signrate/problem.hpp"

namespace signrate::problems {

namespace {

class ChainedRosenbrock final : public DenseProblem {
 public:
  ChainedRosenbrock(std::uint32_t d, double b) : d_(d), b_(b) {}

  double value(const double* x) const override {
    std::vector<double> chunks(sum_chunks(d_ - 1));
    return canonical_sum(
        d_ - 1,
        [&](std::uint64_t i) {
          const double u = x[i + 1] - x[i] * x[i], v = 1.0 - x[i];
          return b_ * u * u + v * v;
        },
        chunks.data());
  }

  void gradient(const double* x, double* g) const override {
    for (std::uint32_t i = 0; i < d_; ++i) g[i] = 0.0;
    for (std::uint32_t i = 0; i + 1 < d_; ++i) {
      const double u = x[i + 1] - x[i] * x[i];
      g[i] += -4.0 * b_ * u * x[i] - 2.0 * (1.0 - x[i]);
      g[i + 1] += 2.0 * b_ * u;
    }
  }

 private:
  std::uint32_t d_;
  double b_;
};

}  // namespace

ComponentInfo rosenbrock_info() {
  return {"rosenbrock",
          "chained Rosenbrock, x_1 = (-1.2, 1, ...), f* = 0 at 1; not globally smooth (needs d >= 2)",
          {{"b", "100", "> 0", "coupling weight"}}};
}

Problem make_rosenbrock(Params& params, std::uint32_t d) {
  const double b = params.real("b", positive());
  if (d < 2) params.fail("d=" + std::to_string(d) + " is not allowed; allowed: d >= 2");
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Problem p;
  p.separable = false;
  p.dense = std::make_shared<ChainedRosenbrock>(d, b);
  p.x0.resize(d);
  for (std::uint32_t i = 0; i < d; ++i) p.x0[i] = (i % 2 == 0) ? -1.2 : 1.0;
  p.constants.L = p.constants.L_inf = p.constants.G = kInf;
  return p;
}

}  // namespace signrate::problems
