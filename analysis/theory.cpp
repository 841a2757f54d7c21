#include "signrate/analysis/theory.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "signrate/error.hpp"

namespace signrate::analysis {

BoundInputs bound_inputs(const Experiment& e) {
  const ProblemConstants& c = e.problem.constants;
  BoundInputs in;
  in.delta = c.delta;
  in.L = c.L;
  in.L_inf = c.L_inf;
  in.sigma_l2 = e.oracle.sigma_l2();
  in.sigma_l1 = e.oracle.sigma_l1();
  in.eta = e.schedule.eta;
  in.beta = e.schedule.beta;
  in.T = e.spec.T;
  in.d = e.spec.d;
  in.n = e.spec.nodes;
  in.R = e.distributed && e.dist.has_R ? e.dist.base.R : NAN;
  return in;
}

BoundInputs bound_inputs(const RunSummary& run) {
  BoundInputs in;
  in.delta = run.problem_declared.delta;
  in.L = run.problem_declared.L;
  in.L_inf = run.problem_declared.L_inf;
  in.sigma_l2 = run.oracle_declared.sigma_l2;
  in.sigma_l1 = run.oracle_declared.sigma_l1;
  in.eta = run.eta;
  in.beta = run.beta;
  in.T = run.spec.T;
  in.d = run.spec.d;
  in.n = run.spec.nodes;
  in.R = run.communication && run.communication->has_R ? run.communication->R : NAN;
  return in;
}

std::vector<BoundTerm> Theorem::bound_terms(const BoundInputs& in) const {
  const double eta = in.eta, beta = in.beta, T = in.T, d = in.d;
  if (id == "thm1") {
    // Theorem 1 form, valid for any eta, beta (docs/theory.md, "Explicit bounds").
    const double s = std::sqrt(d) * in.sigma_l2;
    return {{"Delta/(eta T)", in.delta / (eta * T)},
            {"L eta d/2", in.L * eta * d / 2},
            {"2 sqrt(d) sigma/(beta T)", 2 * s / (beta * T)},
            {"2 sqrt(d) sigma sqrt(beta)", 2 * s * std::sqrt(beta)},
            {"2 L eta d/beta", 2 * in.L * eta * d / beta}};
  }
  if (id == "thm2") {
    const double s = in.sigma_l1;
    return {{"Delta/(eta T)", in.delta / (eta * T)},
            {"L_inf eta/2", in.L_inf * eta / 2},
            {"2 ||sigma||_1/(beta T)", 2 * s / (beta * T)},
            {"2 ||sigma||_1 sqrt(beta)", 2 * s * std::sqrt(beta)},
            {"2 L_inf eta/beta", 2 * in.L_inf * eta / beta}};
  }
  if (id == "thm5") {
    // MVSM v2 form (Assumptions 7-9, n nodes, R >= max |v|): the time average of E||grad f||_2^2 is at
    // most the sum of these terms, and M2 at most its square root (Jensen). Without R (a method that
    // does not use S_R) there is none.
    if (!std::isfinite(in.R)) return {};
    const double s2 = in.sigma_l2 * in.sigma_l2, n = in.n;
    return {{"2 R Delta/(eta T)", 2 * in.R * in.delta / (eta * T)},
            {"L R eta d", in.L * in.R * eta * d},
            {"2 sigma^2/(n beta T)", 2 * s2 / (n * beta * T)},
            {"2 beta sigma^2/n", 2 * beta * s2 / n},
            {"2 L^2 eta^2 d/beta^2", 2 * in.L * in.L * eta * eta * d / (beta * beta)}};
  }
  return {};  // Theorems 3 and 4: docs/theory.md gives the rate only
}

std::optional<double> Theorem::bound(const BoundInputs& in) const {
  const std::vector<BoundTerm> terms = bound_terms(in);
  if (terms.empty()) return std::nullopt;
  double sum = 0;  // 0 + a + b + ...: the bits of a + b + ...
  for (const BoundTerm& t : terms) sum += t.value;
  return bound_is_root ? std::sqrt(sum) : sum;
}

double bound_constant(const BoundInputs& in, const std::string& name) {
  const std::pair<const char*, double> values[] = {
      {"Delta", in.delta},          {"L", in.L}, {"L_inf", in.L_inf}, {"sigma", in.sigma_l2},
      {"||sigma||_1", in.sigma_l1}, {"R", in.R}, {"n", in.n}};
  for (const auto& [key, value] : values)
    if (name == key) return value;
  throw std::logic_error("bound_constant: no constant '" + name + "'");
}

std::string measure_definition(const std::string& measure) {
  const std::string norm = measure == "M1" ? "1" : "2";
  return measure + " = (1/T) sum_{t=1..T} ||grad f(x_t)||_" + norm + ", the average l" + norm +
         " norm of the gradient over the run's T steps, in expectation (estimated by the mean over the "
         "replicates, with its standard error)";
}

std::string assumption_statement(const std::string& number) {
  static const std::pair<const char*, const char*> statements[] = {
      {"1", "separable smoothness: f(y) <= f(x) + <grad f(x), y - x> + 1/2 sum_i L_i (y_i - x_i)^2"},
      {"2", "l2-smoothness: ||grad f(x) - grad f(y)||_2 <= L ||x - y||_2"},
      {"3", "l_inf-smoothness: ||grad f(x) - grad f(y)||_1 <= L_inf ||x - y||_inf"},
      {"4",
       "bounded noise: the stochastic gradient g = grad f(x) + xi has E xi = 0 and E ||xi||_2^2 <= sigma^2"},
      {"5", "separable bounded noise: E xi = 0 and E xi_i^2 <= sigma_i^2 for each coordinate i"},
      {"6", "unimodal, symmetric noise in each coordinate"},
      {"7", "n nodes, node j holds an L-smooth f_j, and f = (1/n) sum_j f_j"},
      {"8", "bounded noise on every node: E ||xi_j||_2^2 <= sigma^2"},
      {"9",
       "bounded stochastic gradients: |v_i| <= R for every node, coordinate and step, so that S_R applies"}};
  for (const auto& [n, text] : statements)
    if (number == n) return "Assumption " + number + " (" + text + ")";
  throw std::logic_error("assumption_statement: no assumption '" + number + "'");
}

double Rate::operator()(double d, double T, double n) const {
  double out = 0;
  for (const RateTerm& k : terms) {
    const double v = std::pow(d, k.d) * std::pow(T, k.T) * std::pow(n, k.n);
    out = combine == Combine::kSum ? out + v : std::max(out, v);
  }
  return out;
}

std::string Rate::describe() const {
  // Built in one stream (GCC 12 reports a false -Wrestrict on short string assignments here).
  std::ostringstream out;
  if (combine == Combine::kMax && terms.size() > 1) out << "max{";
  for (std::size_t k = 0; k < terms.size(); ++k) {
    if (k) out << (combine == Combine::kSum ? " + " : ", ");
    bool any = false;
    for (const auto& [name, e] :
         {std::pair<const char*, double>{"d", terms[k].d}, {"T", terms[k].T}, {"n", terms[k].n}}) {
      if (e == 0) continue;
      out << (any ? " " : "") << name;
      if (e != 1) out << '^' << e;
      any = true;
    }
    if (!any) out << '1';
  }
  if (combine == Combine::kMax && terms.size() > 1) out << '}';
  return out.str();
}

// E sign(sum_j s_j) for independent s_j in {-1, +1} with E s_j = mu_j: the exact Poisson-binomial
// law of the sum, built one node at a time.
double expected_vote_sign(const std::vector<double>& mu) {
  std::vector<double> p(mu.size() * 2 + 1, 0.0);  // p[k + n] = P(sum = k)
  const int n = static_cast<int>(mu.size());
  p[n] = 1.0;
  for (double m : mu) {
    const double up = (1 + m) / 2, dn = (1 - m) / 2;
    std::vector<double> q(p.size(), 0.0);
    for (std::size_t k = 0; k < p.size(); ++k) {
      if (p[k] == 0) continue;
      if (k + 1 < q.size()) q[k + 1] += p[k] * up;
      if (k >= 1) q[k - 1] += p[k] * dn;
    }
    p.swap(q);
  }
  double e = 0;
  for (int k = -n; k <= n; ++k) e += p[k + n] * ((k > 0) - (k < 0));
  return e;
}

double v1_limit_point(const std::vector<double>& centers, double R) {
  double lo = *std::min_element(centers.begin(), centers.end()),
         hi = *std::max_element(centers.begin(), centers.end());
  std::vector<double> mu(centers.size());
  for (int it = 0; it < 200 && hi - lo > 1e-14; ++it) {
    const double mid = 0.5 * (lo + hi);
    for (std::size_t j = 0; j < centers.size(); ++j) mu[j] = (mid - centers[j]) / R;
    (expected_vote_sign(mu) > 0 ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

Rate single_term_rate(double exponent_T, double exponent_d, double exponent_n) {
  const auto z = [](double e) { return std::isnan(e) ? 0.0 : e; };
  Rate r;
  r.terms = {RateTerm{z(exponent_d), z(exponent_T), z(exponent_n)}};
  return r;
}

namespace {

// The distributed families: the d-scaled quadratic (Delta = a^2/2, L = 1 for every d) with bounded
// uniform noise (sigma fixed in d) and a fixed R. The engine's default R (the problem's G plus the
// noise bound) does not exist here (G = inf), and on the bounded-gradient nonconvex-separable family
// it shrinks like d^-1/2, so R is given: R = 1 bounds |v| <= (a + sqrt(3) sigma)/sqrt(d) + eta at
// d >= 4 (the run stops, never clips, if it did not).
const char* kDistProblem = "quadratic:L=1,a=0.5";
const char* kDistOracle = "uniform:sigma=0.5";

Family family(std::string name, std::string problem, std::string oracle, std::string method,
              std::string schedule, std::vector<std::uint32_t> d, std::vector<std::uint32_t> T,
              std::uint32_t replicates, std::vector<std::uint32_t> n = {1}) {
  Family f;
  f.name = std::move(name);
  f.problem = std::move(problem);
  f.oracle = std::move(oracle);
  f.method = std::move(method);
  f.schedule = std::move(schedule);
  f.d = std::move(d);
  f.T = std::move(T);
  f.replicates = replicates;
  f.n = std::move(n);
  return f;
}

Theorem theorem(std::string id, std::string title, std::string measure, std::string schedule,
                std::vector<std::string> assumptions, Rate rate) {
  Theorem t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.measure = std::move(measure);
  t.schedule = std::move(schedule);
  t.assumptions = std::move(assumptions);
  t.rate = std::move(rate);
  return t;
}

std::vector<Theorem> make_registry() {
  std::vector<Theorem> r;
  Theorem t1 =
      theorem("thm1", "Theorem 1: SMM under l2-smoothness and bounded variance, M1 = O(d^1/2 T^-1/4)", "M1",
              "theorem1", {"2", "4"}, single_term_rate(-0.25, 0.5, NAN));
  t1.claim =
      "SMM (v_1 = g_1, v_t = (1 - beta) v_{t-1} + beta g_t, x_{t+1} = x_t - eta sign(v_t)) with eta = "
      "d^(-1/2) "
      "T^(-3/4) and beta = T^(-1/2), on an f that is L-smooth in the l2 norm, with stochastic gradients "
      "whose noise has variance at most sigma^2, satisfies M1 = O(d^(1/2) T^(-1/4)): the average l1 "
      "gradient norm falls like T^(-1/4) and grows with the dimension only like d^(1/2), where "
      "signSGD-SIM's analysis pays d T^(-1/4).";
  t1.bound_formula =
      "M1 <= Delta/(eta T) + L eta d/2 + 2 sqrt(d) sigma/(beta T) + 2 sqrt(d) sigma sqrt(beta) + 2 L eta "
      "d/beta";
  t1.bound_constants = {"Delta", "L", "sigma"};
  t1.families = {family("isotropic quadratic, Gaussian noise (d-scaled: Delta, L, sigma fixed in d)",
                        "quadratic:L=1,a=1", "gaussian:sigma=1", "smm", "theorem1", {16, 64, 256, 1024},
                        {1024, 4096, 16384, 65536}, 16)};
  r.push_back(t1);

  Theorem t2 =
      theorem("thm2",
              "Theorem 2: SMM under l_inf-smoothness and separable noise, M1 = O(T^-1/4), d only through "
              "L_inf, ||sigma||_1",
              "M1", "theorem2", {"3", "5"}, single_term_rate(-0.25, 0.0, NAN));
  t2.claim =
      "SMM with eta = T^(-3/4) and beta = T^(-1/2) (no d-factor), on an f that is smooth in the l_inf "
      "norm (constant L_inf) with noise bounded coordinate by coordinate (E xi_i^2 <= sigma_i^2), "
      "satisfies M1 = O(T^(-1/4)), with the dimension entering only through L_inf and ||sigma||_1; "
      "no symmetric or unimodal noise is needed (signSGD and Signum need it, or a batch that grows "
      "with T).";
  t2.bound_formula =
      "M1 <= Delta/(eta T) + L_inf eta/2 + 2 ||sigma||_1/(beta T) + 2 ||sigma||_1 sqrt(beta) + 2 L_inf "
      "eta/beta";
  t2.bound_constants = {"Delta", "L_inf", "||sigma||_1"};
  t2.families = {family("diagonal quadratic, separable noise (||L||_1, ||sigma||_1, Delta fixed in d)",
                        "diag-quadratic:l1=1,a=1", "separable-gaussian:sigma=1,law=power,decay=1,norm=l1",
                        "smm", "theorem2", {16, 64, 256, 1024}, {1024, 4096, 16384, 65536}, 16)};
  r.push_back(t2);

  Theorem t3 = theorem(
      "thm3", "Theorem 3: MVSM v1 (S_R votes, majority sign down), M1 = O(d^1/2 T^-1/2 + d n^-1/2)", "M1",
      "theorem3", {"7", "8", "9"}, Rate{Rate::Combine::kSum, {RateTerm{0.5, -0.5, 0}, RateTerm{1, 0, -0.5}}});
  t3.claim =
      "MVSM v1 (n nodes each keep SMM's momentum and send S_R of it, one bit a coordinate; the server "
      "sends back the majority sign) satisfies M1 = O(d^(1/2) T^(-1/2) + d n^(-1/2)), where "
      "MV-signSGD-SIM's analysis pays d T^(-1/4) + d n^(-1/2). The second term does not fall with T: "
      "the majority vote of n unbiased signs is biased by about n^(-1/2). (No explicit bound is derived "
      "here: the rate alone is checked.)";
  Family t_term =
      family("T-term: d-scaled quadratic, uniform noise, R = 1, n = 32 nodes (T and d swept)", kDistProblem,
             kDistOracle, "mvsm-v1:R=1", "theorem3", {4, 16, 64}, {1024, 4096, 16384}, 8, {32});
  t_term.note =
      "measured on the default grid: M1 ~ d^0.75 T^-0.27, about d^3/4 T^-1/4 n^-1/4, the geometric mean "
      "of the two terms (their sum bounds it). Only the d n^-1/2 term dominates here, and M1 falls faster "
      "than it in d and T (holds, loose). The T-term never dominates at a feasible n: near the optimum the "
      "vote is a sum of n nearly fair coins (mean sqrt(2n/pi) v/R) and x random-walks with steps eta, so a "
      "decisive vote needs n >> R^2 d T / eta_scale^2 (at d = 1, R = 2, n = 4096 the T-exponent is still "
      "-0.32 for T <= 4096)";
  Family plateau = family("plateau: the same family at T = 4096, n = 4..64 (n and d swept)", kDistProblem,
                          kDistOracle, "mvsm-v1:R=1", "theorem3", {4, 16, 64}, {4096}, 8, {4, 16, 64});
  plateau.note =
      "measured on the default grid: M1 ~ d^0.75 n^-0.21. The d n^-1/2 term dominates; M1 falls slower "
      "than it in n because M1 ~ (both terms)^1/2, but as n grows the T-term takes over, so that excess is "
      "a crossover, bounded by the regime (M1 / rate stays bounded, by AM-GM), and the verdict is holds, "
      "loose. "
      "Identical nodes give no plateau: M1 keeps falling with T at every n. Heterogeneous nodes do give v1 "
      "a limit point off the optimum (demo v1-vs-v2: 0.046 per coordinate at n = 5, R = 3, shrinking about "
      "like 1/n), below the random walk at feasible T";
  t3.families = {t_term, plateau};
  r.push_back(t3);

  Theorem t4 =
      theorem("thm4",
              "Theorem 4: MVSM v1 with another learning rate (improves on Theorem 3 in a regime the paper "
              "states)",
              "M1", "", {"7", "8", "9"}, Rate{});
  t4.unavailable =
      "thm4 cannot be checked: Theorem 4 (MVSM v1 with another learning rate) improves on Theorem 3 in a "
      "regime the "
      "paper states, but its formula and schedule are not in our copy of the paper (docs/theory.md), so "
      "there is "
      "no rate "
      "or bound to check against; verify thm3 checks MVSM v1";
  r.push_back(t4);

  Theorem t5 =
      theorem("thm5", "Theorem 5: MVSM v2 (S_R votes, S_1 down), M2 = O(max{d^1/4 T^-1/4, d^1/10 T^-1/5})",
              "M2", "theorem5", {"7", "8", "9"},
              Rate{Rate::Combine::kMax, {RateTerm{0.25, -0.25, 0}, RateTerm{0.1, -0.2, 0}}});
  t5.claim =
      "MVSM v2 (as v1, but the server sends S_1 of the mean vote, unbiased again) satisfies M2 = "
      "O(max{d^(1/4) T^(-1/4), d^(1/10) T^(-1/5)}) with no term left that does not fall with T, where "
      "Sto-signSGD's analysis gives d^(3/8) T^(-1/8).";
  t5.bound_formula =
      "M2^2 <= 2 R Delta/(eta T) + L R eta d + 2 sigma^2/(n beta T) + 2 beta sigma^2/n + 2 L^2 eta^2 "
      "d/beta^2  (the time average of E ||grad f||_2^2; M2 is at most its square root)";
  t5.bound_constants = {"Delta", "L", "sigma", "R", "n"};
  t5.bound_is_root = true;
  Family v2 =
      family("d-scaled quadratic, uniform noise, R = 1 (Delta, L, sigma, R fixed in d, T, n)", kDistProblem,
             kDistOracle, "mvsm-v2:R=1", "theorem5", {4, 16, 64}, {4096, 16384, 65536}, 8, {2, 8});
  v2.note =
      "measured on the default grid: M2 ~ T^-0.30 d^0.30 n^0.00. Where d^1/4 T^-1/4 is the larger term "
      "(d = 64) M2 follows it within the tolerance; where d^1/10 T^-1/5 is (d = 4, 16) M2 falls faster in T, "
      "and its d-exponent 0.30 is a crossover toward the other term. The stationary part, about "
      "sqrt(R eta d/2) ~ d^1/4 T^-3/10, beats the T^-1/5 term; the start-up phase (about a R d^1/2 T^-2/5) "
      "lifts the d-exponent above 1/4. Measured/bound at most 0.52";
  t5.families = {v2};
  // The two terms' exponents differ by 0.15 in d and 0.05 in T: one exceeds the other 10x only where
  // d^3 / T >= 10^20 or T / d^3 >= 10^20. A max equals its largest term, so each term is checked
  // where it is the largest (dominance 1): the other term does not enter the rate there at all.
  t5.dominance = 1;
  r.push_back(t5);
  return r;
}

}  // namespace

const std::vector<Theorem>& theorem_registry() {
  static const std::vector<Theorem> registry = make_registry();
  return registry;
}

const Theorem& find_theorem(const std::string& id) {
  std::string ids;
  for (const auto& t : theorem_registry()) {
    if (t.id == id) return t;
    ids += (ids.empty() ? "" : ", ") + t.id;
  }
  throw SpecError("unknown theorem '" + id + "'; allowed: " + ids);
}

std::vector<std::string> violated_assumptions(const Theorem& t, const Experiment& e) {
  std::vector<std::string> out;
  const ProblemConstants& c = e.problem.constants;
  const std::string oracle = e.oracle.resolved["name"].get<std::string>();
  if (!c.bounded_below)
    out.push_back("f* = -inf: the problem is unbounded below (every theorem needs f* > -inf)");
  if (!e.oracle.traits.finite_mean) out.push_back("the noise has no mean: the oracle is not unbiased");
  for (const auto& a : t.assumptions) {
    if (a == "2" && !std::isfinite(c.L))
      out.push_back("Assumption 2 (l2-smoothness): " + e.problem.name + " has no finite L");
    if (a == "3" && !std::isfinite(c.L_inf))
      out.push_back("Assumption 3 (l_inf-smoothness): " + e.problem.name + " has no finite L_inf");
    if (a == "7" && !std::isfinite(c.L))
      out.push_back("Assumption 7 (each node's f_j L-smooth): " + e.problem.name + " has no finite L");
    if ((a == "4" || a == "5" || a == "8") && !e.oracle.traits.finite_variance)
      out.push_back("Assumption " + a + " (bounded noise variance): " + oracle + " has infinite variance");
    // Assumption 9 is what S_R needs: |v| <= R on every node and step. The engine stops a run where
    // it fails (without clip=1); unbounded noise breaks it for some draw, and clipping replaces the
    // state, so E S_R(v) = v/R no longer holds where it clips.
    if (a == "9" && e.distributed && e.dist.has_R) {
      if (!e.oracle.traits.bounded)
        out.push_back("Assumption 9 (bounded stochastic gradients, |v| <= R for S_R): " + oracle +
                      " noise is unbounded");
      else if (e.dist.base.clip && !(c.G + e.oracle.noise_bound() <= e.dist.base.R))
        out.push_back(
            "Assumption 9 (|v| <= R for S_R): clip=1 without a declared bound G + noise <= R clips the "
            "state, and E S_R(v) = v/R fails where it does");
    }
  }
  return out;
}

}  // namespace signrate::analysis
