// lowrank-quadratic: f = 1/2 x^T A x with A = mu I + (s/d) U U^T, U a d x r matrix of standard
// normals drawn from the problem's own seed (Random123, stream kProblemData), from
// x_1 = (a/sqrt d) 1. A dense, non-separable quadratic whose constants differ a lot:
//   L     = mu + (s/d) lambda_max(U^T U)              (exact, from the r x r eigenproblem)
//   L_i   = mu + (s/d) sum_k |U_ik| sum_j |U_jk|       (>= row sums of |A|, so diag(L) >= A)
//   L_inf = ||L||_1 = d mu + (s/d) sum_k (sum_i |U_ik|)^2   (grows like d while L stays O(1))
// f* = 0 at x = 0 (A is positive semidefinite).
#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "signrate/canonical_sum.hpp"
#include "signrate/problem.hpp"
#include "signrate/rng.hpp"

namespace signrate::problems {

namespace {

class LowRankQuadratic final : public DenseProblem {
 public:
  LowRankQuadratic(Eigen::MatrixXd u, double mu, double scale) : u_(std::move(u)), mu_(mu), scale_(scale) {}

  // Every sum over coordinates (||x||^2 and the r products U^T x) is in the canonical order, and
  // U (U^T x) sums its r terms in order k = 0 .. r-1: the same bits on every backend.
  double value(const double* x) const override {
    const std::uint64_t d = u_.rows();
    std::vector<double> chunks(sum_chunks(d));
    const double xx = canonical_sum(
        d, [&](std::uint64_t i) { return x[i] * x[i]; }, chunks.data());
    double uu = 0.0;
    for (double v : projections(x, chunks)) uu += v * v;
    return 0.5 * (mu_ * xx + scale_ * uu);
  }

  void gradient(const double* x, double* g) const override {
    const std::uint64_t d = u_.rows();
    std::vector<double> chunks(sum_chunks(d));
    const std::vector<double> ux = projections(x, chunks);
    for (std::uint64_t i = 0; i < d; ++i) {
      double a = 0.0;
      for (std::size_t k = 0; k < ux.size(); ++k) a += u_(i, k) * ux[k];
      g[i] = mu_ * x[i] + scale_ * a;
    }
  }

 private:
  // U^T x: sum_i U_ik x_i for each column k.
  std::vector<double> projections(const double* x, std::vector<double>& chunks) const {
    std::vector<double> ux(u_.cols());
    for (Eigen::Index k = 0; k < u_.cols(); ++k)
      ux[k] = canonical_sum(
          u_.rows(), [&](std::uint64_t i) { return u_(i, k) * x[i]; }, chunks.data());
    return ux;
  }

  Eigen::MatrixXd u_;
  double mu_, scale_;
};

}  // namespace

ComponentInfo lowrank_quadratic_info() {
  return {"lowrank-quadratic",
          "f = 1/2 x^T (mu I + (s/d) U U^T) x, U d x rank Gaussian: dense, L_inf >> L",
          {{"rank", "2", "integer in [1, 64]", "columns of U"},
           {"mu", "0.1", ">= 0", "diagonal part"},
           {"s", "1", "> 0", "strength of the low-rank part"},
           {"a", "1", "> 0", "||x_1||_2"},
           {"seed", "0", "integer in [0, 2^32)", "seed of U (independent of the run's seed)"}}};
}

Problem make_lowrank_quadratic(Params& params, std::uint32_t d) {
  const auto rank = params.integer("rank", 1, 64);
  const double mu = params.real("mu", nonnegative());
  const double s = params.real("s", positive());
  const double a = params.real("a", positive());
  const auto seed = params.integer("seed", 0, 0xffffffffLL);
  const RngKey key = derive_key(static_cast<std::uint64_t>(seed), 0, 0, Stream::kProblemData);
  Eigen::MatrixXd u(d, rank);
  for (std::uint32_t i = 0; i < d; ++i)
    for (std::int64_t k = 0; k < rank; ++k) {
      const Bits4 r = philox(key, static_cast<std::uint32_t>(k), i, 0, 0);
      u(i, k) = normal_from_bits(r.v[0], r.v[1], r.v[2]);
    }
  const double scale = s / d;
  Problem p;
  p.separable = false;
  p.x0.assign(d, a / std::sqrt(static_cast<double>(d)));
  const Eigen::MatrixXd gram = u.transpose() * u;
  p.constants.L = mu + scale * Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gram).eigenvalues().maxCoeff();
  const Eigen::VectorXd col_l1 = u.cwiseAbs().colwise().sum().transpose();
  p.constants.L_vec.resize(d);
  double l1 = 0;
  for (std::uint32_t i = 0; i < d; ++i) {
    p.constants.L_vec[i] = mu + scale * u.row(i).cwiseAbs().dot(col_l1.transpose());
    l1 += p.constants.L_vec[i];
  }
  p.constants.L_inf = l1;
  p.constants.G = std::numeric_limits<double>::infinity();
  p.dense = std::make_shared<LowRankQuadratic>(std::move(u), mu, scale);
  return p;
}

}  // namespace signrate::problems
