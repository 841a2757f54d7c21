#include "signrate/io/report_io.hpp"

#include <variant>

#include "signrate/analysis/theory.hpp"
#include "signrate/error.hpp"
#include "signrate/io/train_io.hpp"
#include "signrate/io/verify_io.hpp"

namespace signrate {

namespace {

// SpecError unless `theorem` is empty or has a single slope to draw on a sweep.
void check_theorem_for_sweep(const std::string& theorem) {
  if (theorem.empty()) return;
  const analysis::Theorem& thm = analysis::find_theorem(theorem);
  if (!thm.rate.single())
    throw SpecError("--theorem " + theorem + ": its rate " + thm.rate.describe() +
                    " has no single slope to draw on a sweep; allowed: thm1, thm2 (for " + theorem +
                    ", report the JSON of signrate verify " + theorem + " --out)");
}

}  // namespace

std::vector<std::string> write_report_from_json(const std::vector<nlohmann::json>& docs,
                                                const std::vector<std::string>& names,
                                                const std::string& html_path,
                                                const analysis::ReportOptions& options) {
  if (docs.empty()) throw SpecError("report needs at least one input JSON");
  analysis::ReportOptions o = options;
  o.inputs = names;
  if (is_train_json(docs.front())) {  // training runs: one curve per file (Figure 1)
    if (!o.theorem.empty())
      throw SpecError("--theorem " + o.theorem + " has no effect on training runs; allowed: remove it");
    return analysis::write_report(training_report_from_json(docs, names), html_path, o);
  }
  if (docs.size() > 1) {  // sweeps on one plot
    std::vector<SweepResult> sweeps;
    for (std::size_t k = 0; k < docs.size(); ++k) {
      ReportInput input = report_input_from_json(docs[k]);
      if (!std::holds_alternative<SweepResult>(input))
        throw SpecError("report: " + names[k] + " is not a sweep; allowed: several sweep JSONs (one plot), " +
                        "several train JSONs, or one sweep, verify or train JSON");
      sweeps.push_back(std::move(std::get<SweepResult>(input)));
    }
    check_theorem_for_sweep(o.theorem);
    return analysis::write_report(sweeps, html_path, o);
  }
  const ReportInput input = report_input_from_json(docs.front());
  if (!o.theorem.empty()) {
    if (std::holds_alternative<analysis::VerifyReport>(input))
      throw SpecError("--theorem " + o.theorem + " has no effect on a verify JSON (it names its theorem); " +
                      "allowed: remove it");
    check_theorem_for_sweep(o.theorem);
  }
  return std::visit([&](const auto& in) { return analysis::write_report(in, html_path, o); }, input);
}

}  // namespace signrate
