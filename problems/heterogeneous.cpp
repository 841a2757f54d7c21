// What the heterogeneous families share (Assumption 7): their centres, and f = (1/n) sum_j f_j
// computed from the separable parts (the single-node engine's view of such a problem).
#include <cmath>

#include "signrate/canonical_sum.hpp"
#include "signrate/problem.hpp"
#include "signrate/rng.hpp"

namespace signrate::problems {

namespace {

// f = (1/n) sum_j f_j with f_j(x) = sum_i f_i(x_i - c_j): per coordinate, the node terms summed
// in node order, then divided by n (node_gradient and the engines use the same order).
class HeterogeneousSum final : public DenseProblem {
 public:
  HeterogeneousSum(SeparableKind kind, std::vector<double> coef, std::vector<double> centers)
      : kind_(kind), coef_(std::move(coef)), centers_(std::move(centers)) {}
  double value(const double* x) const override {
    const SeparableView v{kind_, coef_.data()};
    std::vector<double> chunks(sum_chunks(coef_.size()));
    return canonical_sum(
        coef_.size(),
        [&](std::uint64_t i) {
          return heterogeneous_value(v, centers_.data(), static_cast<std::uint32_t>(centers_.size()), x[i],
                                     static_cast<std::uint32_t>(i));
        },
        chunks.data());
  }
  void gradient(const double* x, double* g) const override {
    const SeparableView v{kind_, coef_.data()};
    for (std::uint32_t i = 0; i < coef_.size(); ++i) {
      double s = 0.0;
      for (double c : centers_) s += separable_grad(v, x[i] - c, i);
      g[i] = s / static_cast<double>(centers_.size());
    }
  }

 private:
  SeparableKind kind_;
  std::vector<double> coef_, centers_;
};

}  // namespace

std::vector<double> node_centers(Params& params, std::uint32_t nodes) {
  if (params.given("centers")) {
    std::vector<double> c = params.real_list("centers", any_real());
    if (c.size() != nodes)
      params.fail("centers has " + std::to_string(c.size()) + " values but the run has " +
                  std::to_string(nodes) + " nodes; allowed: exactly one centre per node (--nodes " +
                  std::to_string(c.size()) + ", or " + std::to_string(nodes) + " centres)");
    return c;
  }
  const double spread = params.real("spread", nonnegative());
  const auto seed = params.integer("seed", 0, 0xffffffffLL);
  const RngKey key = derive_key(static_cast<std::uint64_t>(seed), 0, 0, Stream::kProblemData);
  std::vector<double> c(nodes);
  for (std::uint32_t j = 0; j < nodes; ++j) {
    const Bits4 b = philox(key, j, 0, 0, 0);
    c[j] = spread * (-hdm::log(uniform_open52(b.v[0], b.v[1])) - 1.0);  // E_j - 1, E_j ~ Exp(1)
  }
  return c;
}

void make_heterogeneous(Problem& p, std::vector<double> centers) {
  p.node_centers = std::move(centers);
  p.separable = false;
  p.dense = std::make_shared<HeterogeneousSum>(p.separable_kind, p.coef, p.node_centers);
}

}  // namespace signrate::problems
