// The oracle registry: names, parameters and declared moments of every noise law, and the
// per-coordinate scale profile (docs/theory.md, Assumptions 4 and 5) shared by all of them.
#include "signrate/oracle.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "signrate/component_table.hpp"
#include "signrate/error.hpp"
#include "signrate/exact_pow.hpp"

namespace signrate {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Parameters every oracle takes: how the per-coordinate scales are laid out and normalized.
std::vector<ParamInfo> profile_params(const std::string& law_default, const std::string& norm_default) {
  return {
      {"sigma", "1", "> 0",
       "the norm (see norm) of the per-coordinate scale vector; with finite variance and norm=l2 "
       "this is Assumption 4's sigma: E||xi||^2 = sigma^2 / batch"},
      {"law", law_default, "const, power, spikes",
       "per-coordinate profile: const (all equal), power (scale_i ~ i^-decay), spikes (the first "
       "`spikes` coordinates `ratio` times larger)"},
      {"decay", "1", ">= 0", "exponent of the power law"},
      {"spikes", "1", "integer >= 0", "how many large coordinates under law=spikes"},
      {"ratio", "10", "> 0", "how much larger the spiked coordinates are"},
      {"norm", norm_default, "l2, l1", "which norm of the scale vector equals sigma"},
  };
}

std::vector<ParamInfo> with_profile(std::vector<ParamInfo> own, const std::string& law_default = "const",
                                    const std::string& norm_default = "l2") {
  for (auto& p : profile_params(law_default, norm_default)) own.push_back(p);
  return own;
}

std::vector<double> make_profile(Params& params, std::uint32_t d) {
  const double sigma = params.real("sigma", positive());
  const std::string law = params.choice("law", {"const", "power", "spikes"});
  const std::string norm = params.choice("norm", {"l2", "l1"});
  std::vector<double> s(d, 1.0);
  if (law == "power") {
    const double decay = params.real("decay", nonnegative());
    for (std::uint32_t i = 0; i < d; ++i) s[i] = exact_pow(static_cast<double>(i + 1), -decay);
  } else if (law == "spikes") {
    const auto k = params.integer("spikes", 0, d);
    const double ratio = params.real("ratio", positive());
    for (std::int64_t i = 0; i < k; ++i) s[i] = ratio;
  }
  // The norm with the largest entry factored out, so that neither its squares nor its sum
  // overflow or underflow: ||s|| = top * ||s / top||, each s_i / top in (0, 1].
  double top = 0.0;
  for (double v : s) top = std::max(top, v);
  double n = 0.0;
  for (double v : s) n += norm == "l1" ? v / top : (v / top) * (v / top);
  if (norm == "l2") n = std::sqrt(n);
  for (double& v : s) v = (v / top) * (sigma / n);
  // A scale that is not a normal double (0, subnormal or infinite) would silently drop or blow up a
  // coordinate's noise: refused, as is a total variance (sigma_l2^2 / batch) beyond double's range.
  for (std::uint32_t i = 0; i < d; ++i)
    if (!std::isnormal(s[i]))
      params.fail("the noise profile's scale of coordinate " + std::to_string(i) + " is " +
                  format_real(s[i]) + " (sigma=" + format_real(sigma) + ", law=" + law +
                  "), outside double precision's normal range; "
                  "allowed: sigma, ratio and decay that keep every scale between 2.2e-308 and 1.8e308");
  return s;
}

// A row's factory: the law's parameter and standardizing constant (o.law.shape is the row's kind),
// the traits that differ from a symmetric unimodal law with finite moments, and, if it sets
// them itself, the per-coordinate scales (otherwise the shared profile sets them).
using OracleFactory = void(Params& params, std::uint32_t d, Oracle& o);

struct OracleRow {
  ComponentInfo info;
  NoiseShape kind;
  OracleFactory* factory;
};

void standard(Params&, std::uint32_t, Oracle&) {}

void student_t(Params& params, std::uint32_t, Oracle& o) {
  // Below nu = 1/4 the polar method's W^(-2/nu) overflows a double for the smallest W; above 1e30
  // its float exponent (student_t.hpp) would leave the normal floats.
  const double nu = params.real("nu", Domain{0.25, 1e30, false, false});
  o.law.param = nu;
  o.law.unit = nu > 2 ? std::sqrt((nu - 2) / nu) : 1.0;
  o.traits.finite_variance = nu > 2;
  o.traits.finite_mean = nu > 1;
  o.traits.heavy_tailed = true;
}

void lomax(Params& params, std::uint32_t, Oracle& o) {
  // Below alpha = 1/10, U^(-1/alpha) overflows a double for the smallest U; above 1e30 its float
  // exponent (lomax.hpp) would leave the normal floats.
  const double alpha = params.real("alpha", Domain{0.1, 1e30, false, false});
  o.law.param = alpha;
  o.law.unit = alpha > 2 ? std::sqrt((alpha - 1) * (alpha - 2) / 2) : 1.0;
  o.traits.finite_variance = alpha > 2;
  o.traits.finite_mean = alpha > 1;
  o.traits.heavy_tailed = true;
}

void two_point(Params& params, std::uint32_t d, Oracle& o) {
  // The atom is drawn from 32 bits (two_point.hpp): p on the 2^-32 grid, at least one cell from 0
  // and 1, so that the atom can occur and the declared unit and bound stay finite.
  const double p = params.real("p", Domain{0x1p-32, 1 - 0x1p-32, false, false});
  o.law.param = p;
  o.law.unit = std::sqrt((1 - p) / p);
  o.traits.symmetric = p == 0.5;
  o.traits.unimodal = false;
  o.traits.bounded = true;
  o.traits.bound = o.law.unit * std::max(1.0, p / (1 - p));
  if (params.given("a")) {
    const double a = params.real("a", positive());
    o.scale.assign(d, a * std::sqrt(p / (1 - p)));
  }
}

void lognormal(Params& params, std::uint32_t, Oracle& o) {
  // Above s = 10 the standardizing constant exp(s^2) sqrt(...) leaves the double range.
  const double s = params.real("s", Domain{0.0, 10.0, true, false});
  o.law.param = s;
  // sd of exp(sZ) is sqrt((e^{s^2} - 1) e^{s^2}); correctly rounded exp keeps the unit's bits.
  o.law.unit = 1.0 / std::sqrt(exact_expm1(s * s) * exact_exp(s * s));
  o.traits.symmetric = false;
}

void bimodal(Params& params, std::uint32_t, Oracle& o) {
  const double m = params.real("m", Domain{0.0, 1.0, false, true});
  o.law.param = m;
  o.traits.unimodal = m <= 1.0 / std::sqrt(2.0);
}

void uniform(Params&, std::uint32_t, Oracle& o) {
  o.traits.bounded = true;
  o.traits.bound = std::sqrt(3.0);
}

void rademacher(Params&, std::uint32_t, Oracle& o) {
  o.traits.unimodal = false;
  o.traits.bounded = true;
  o.traits.bound = 1.0;
}

// An exhaustive switch (-Werror=switch): a new NoiseShape does not compile until it is listed
// here (and in standard_draw), and the start-up check then wants a row.
bool is_noise_shape(NoiseShape k) {
  switch (k) {
    case NoiseShape::kGaussian:
    case NoiseShape::kStudentT:
    case NoiseShape::kLomax:
    case NoiseShape::kTwoPoint:
    case NoiseShape::kLognormal:
    case NoiseShape::kBimodal:
    case NoiseShape::kUniform:
    case NoiseShape::kRademacher:
      return true;
  }
  return false;
}

// One row per oracle: adding a noise law is its sampler (signrate/oracles/<law>.hpp, standard_draw), this
// row, and its moment test.
const std::vector<OracleRow>& oracle_table() {
  static const std::vector<OracleRow> table = [] {
    std::vector<OracleRow> rows = {
        {{"gaussian", "N(0, sigma^2/d) per coordinate (E||xi||^2 = sigma^2): symmetric, unimodal",
          with_profile({})},
         NoiseShape::kGaussian,
         standard},
        {{"separable-gaussian",
          "Gaussian with a per-coordinate profile sigma_i (Assumption 5); reports ||sigma||_1 and "
          "||sigma||_2",
          with_profile({}, "power", "l1")},
         NoiseShape::kGaussian,
         standard},
        {{"student-t",
          "Student-t with nu degrees of freedom, scaled to the declared variance for nu > 2; nu <= 2 has "
          "infinite variance and sigma is then a scale",
          with_profile({{"nu", "3", "in [0.25, 1e30]",
                         "degrees of freedom (no mean for nu <= 1: E g = grad f fails)"}})},
         NoiseShape::kStudentT,
         student_t},
        {{"lomax",
          "symmetric Lomax (Pareto II) heavy tail, P(|X| > x) = (1+x)^-alpha, scaled to the declared "
          "variance for alpha > 2 (a scale otherwise)",
          with_profile({{"alpha", "3", "in [0.1, 1e30]", "tail index (no mean for alpha <= 1)"}}),
          {"pareto"}},
         NoiseShape::kLomax,
         lomax},
        {{"two-point",
          "asymmetric, mean zero: +a with probability p, -a p/(1-p) otherwise (a from sigma, or given)",
          with_profile({{"p", "0.2", "2^-32 to 1 - 2^-32", "probability of the positive atom"},
                        {"a", "", "> 0", "the positive atom per coordinate (overrides sigma and law)"}})},
         NoiseShape::kTwoPoint,
         two_point},
        {{"lognormal", "centered lognormal exp(sZ) - exp(s^2/2), scaled: skewed, unimodal",
          with_profile({{"s", "1", "in (0, 10]", "log-scale shape"}})},
         NoiseShape::kLognormal,
         lognormal},
        {{"bimodal", "symmetric mixture of N(+-m, 1-m^2), scaled: two bumps for m > 1/sqrt(2) (not unimodal)",
          with_profile({{"m", "0.95", "in [0, 1)", "bump position in standard units"}})},
         NoiseShape::kBimodal,
         bimodal},
        {{"uniform", "uniform on (-sqrt 3, sqrt 3), scaled: bounded, symmetric", with_profile({})},
         NoiseShape::kUniform,
         uniform},
        {{"rademacher", "+-1 with probability 1/2, scaled: bounded, symmetric, two atoms", with_profile({})},
         NoiseShape::kRademacher,
         rademacher},
    };
    std::vector<const ComponentInfo*> infos;
    std::vector<NoiseShape> kinds;
    for (const auto& r : rows) {
      infos.push_back(&r.info);
      kinds.push_back(r.kind);
      check_factory(r.factory, r.info, "oracle");
    }
    check_unique_names(infos, "oracle");
    check_kinds_covered(kinds, is_noise_shape, "oracle", /*exactly_one=*/false);
    return rows;
  }();
  return table;
}

}  // namespace

const std::vector<ComponentInfo>& oracle_registry() {
  static const std::vector<ComponentInfo> registry = [] {
    std::vector<ComponentInfo> r;
    for (const auto& row : oracle_table()) r.push_back(row.info);
    return r;
  }();
  return registry;
}

Oracle make_oracle(const ParsedSpec& spec, std::uint32_t d, std::uint32_t batch) {
  const ComponentInfo& info = find_component(oracle_registry(), spec.name, "oracle");
  Params params(info, spec, "oracle");
  if (batch < 1) params.fail("batch=" + std::to_string(batch) + " is not allowed; allowed: >= 1");
  Oracle o;
  o.batch = batch;
  for (const auto& row : oracle_table())
    if (row.info.name == info.name) {
      o.law = {row.kind, 0.0, 1.0};
      row.factory(params, d, o);
    }
  if (o.scale.empty()) o.scale = make_profile(params, d);
  if (o.traits.finite_variance) {
    const double l2 = o.sigma_l2();
    if (!std::isfinite(l2 * l2) || !(l2 > 0))
      params.fail("the noise's total variance sigma_l2^2 = " + format_real(l2 * l2) +
                  " is outside double precision's range; allowed: a smaller sigma (or scales)");
  }
  params.require_all_used();
  o.resolved = params.resolved();
  return o;
}

std::vector<double> Oracle::sigma() const {
  std::vector<double> s(scale);
  for (double& v : s) v /= std::sqrt(static_cast<double>(batch));
  return s;
}

double Oracle::sigma_l1() const {
  if (!traits.finite_variance) return kInf;
  double n = 0;
  for (double v : sigma()) n += v;
  return n;
}

double Oracle::sigma_l2() const {
  if (!traits.finite_variance) return kInf;
  // With the largest entry factored out (no overflow or underflow of the squares).
  const std::vector<double> s = sigma();
  double top = 0;
  for (double v : s) top = std::max(top, v);
  if (top == 0 || !std::isfinite(top)) return top;
  double n = 0;
  for (double v : s) n += (v / top) * (v / top);
  return top * std::sqrt(n);
}

double Oracle::noise_bound() const {
  if (!traits.bounded) return kInf;
  double m = 0;
  for (double v : scale) m = std::max(m, v);
  return m * traits.bound;
}

nlohmann::json Oracle::declared() const {
  nlohmann::json j;
  put_constant(j, "variance_total", traits.finite_variance ? sigma_l2() * sigma_l2() : kInf);
  put_constant(j, "sigma_l2", sigma_l2());
  put_constant(j, "sigma_l1", sigma_l1());
  double lo = kInf, hi = 0;
  for (double v : sigma()) lo = std::min(lo, v), hi = std::max(hi, v);
  put_constant(j, "sigma_coordinate_min", traits.finite_variance ? lo : kInf);
  put_constant(j, "sigma_coordinate_max", traits.finite_variance ? hi : kInf);
  j["batch"] = batch;
  j["symmetric"] = traits.symmetric;
  j["unimodal"] = traits.unimodal;
  j["bounded"] = traits.bounded;
  put_constant(j, "bound", noise_bound());
  j["finite_variance"] = traits.finite_variance;
  j["finite_mean"] = traits.finite_mean;
  j["heavy_tailed"] = traits.heavy_tailed;
  return j;
}

}  // namespace signrate
