#include "signrate/analysis/theorem_statement.hpp"

#include <algorithm>
#include <cmath>

#include "signrate/schedule.hpp"

namespace signrate::analysis {

namespace {

// The schedule's summary from its table row ("theorem1: beta = beta_scale T^-1/2, ...").
std::string schedule_statement(const std::string& name) {
  for (const ComponentInfo& info : schedule_registry())
    if (info.name == name) return name + ": " + info.summary;
  return name;
}

double measured(const RunSummary& run, const std::string& measure) {
  return measure == "M1" ? run.metrics.M1.mean : run.metrics.M2.mean;
}

// The bound's table: per corner run, d, T (n), eta, beta, the declared constants, each term, the
// bound and the measured value.
Block bound_table(const Theorem& t, const std::vector<const RunSummary*>& runs) {
  const std::vector<const RunSummary*> rows = corner_runs(runs);
  const bool nodes =
      std::any_of(runs.begin(), runs.end(), [](const RunSummary* r) { return r->spec.nodes > 1; });
  std::vector<std::string> header = {"d", "T"};
  if (nodes) header.push_back("n");
  header.insert(header.end(), {"eta", "beta"});
  for (const std::string& c : t.bound_constants) header.push_back(c);
  for (const BoundTerm& term : t.bound_terms(bound_inputs(*rows.front()))) header.push_back(term.formula);
  header.push_back(t.bound_is_root ? "bound (square root of the sum)" : "bound (the sum)");
  header.push_back("measured " + t.measure);
  std::vector<std::vector<std::string>> table_rows = {header};
  for (const RunSummary* r : rows) {
    const BoundInputs in = bound_inputs(*r);
    std::vector<std::string> row = {std::to_string(r->spec.d), std::to_string(r->spec.T)};
    if (nodes) row.push_back(std::to_string(r->spec.nodes));
    row.insert(row.end(), {format_short(r->eta), format_short(r->beta)});
    for (const std::string& c : t.bound_constants) row.push_back(format_short(bound_constant(in, c)));
    for (const BoundTerm& term : t.bound_terms(in)) row.push_back(format_short(term.value));
    const std::optional<double> b = t.bound(in);
    row.push_back(b ? format_short(*b) : "-");
    row.push_back(format_short(measured(*r, t.measure)));
    table_rows.push_back(row);
  }
  return table(table_rows);
}

}  // namespace

std::vector<const RunSummary*> corner_runs(const std::vector<const RunSummary*>& runs) {
  const auto extreme = [&](auto coordinate, const RunSummary* r) {
    std::uint32_t lo = coordinate(*runs.front()), hi = lo;
    for (const RunSummary* q : runs) {
      lo = std::min(lo, coordinate(*q));
      hi = std::max(hi, coordinate(*q));
    }
    return coordinate(*r) == lo || coordinate(*r) == hi;
  };
  std::vector<const RunSummary*> out;
  for (const RunSummary* r : runs)
    if (extreme([](const RunSummary& q) { return q.spec.d; }, r) &&
        extreme([](const RunSummary& q) { return q.spec.T; }, r) &&
        extreme([](const RunSummary& q) { return q.spec.nodes; }, r))
      out.push_back(r);
  return out;
}

std::vector<Block> theorem_blocks(const Theorem& t, const std::vector<const RunSummary*>& runs,
                                  const std::string& bound_note) {
  std::vector<Block> out = {heading("The theorem: " + t.title), paragraph(t.claim),
                            paragraph("Measure: " + measure_definition(t.measure) + ".")};
  std::string assumptions = "Assumptions:";
  for (std::size_t k = 0; k < t.assumptions.size(); ++k)
    assumptions += (k ? "; " : " ") + assumption_statement(t.assumptions[k]);
  out.push_back(paragraph(assumptions + "."));
  out.push_back(paragraph("Schedule: " + schedule_statement(t.schedule) + "."));
  if (t.bound_formula.empty()) {
    out.push_back(paragraph("Explicit bound: none derived for this theorem; its rate is checked."));
    return out;
  }
  out.push_back(paragraph(
      "Explicit bound (derived from the assumptions with explicit constants, valid for any eta and beta; "
      "the constants are the ones the runs' problem and oracle declare, sigma per step after batching):"));
  out.push_back(code(t.bound_formula));
  if (!bound_note.empty()) {
    out.push_back(paragraph(bound_note));
    return out;
  }
  const bool any_bound = std::any_of(runs.begin(), runs.end(), [&](const RunSummary* r) {
    return !t.bound_terms(bound_inputs(*r)).empty();
  });
  if (runs.empty() || !any_bound) {
    out.push_back(paragraph("These runs give the bound no value (e.g. a method without R for S_R)."));
    return out;
  }
  out.push_back(paragraph("With the runs' constants filled in, at the corners of the grid:"));
  out.push_back(bound_table(t, runs));
  return out;
}

}  // namespace signrate::analysis
