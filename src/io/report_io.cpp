#include "signrate/io/report_io.hpp"

#include <variant>

#include "signrate/analysis/theory.hpp"
#include "signrate/error.hpp"
#include "signrate/io/train_io.hpp"
#include "signrate/io/verify_io.hpp"

namespace signrate {

std::vector<std::string> write_report_from_json(const std::vector<nlohmann::json>& docs,
                                                const std::vector<std::string>& names,
                                                const std::string& html_path,
                                                const analysis::ReportOptions& options) {
  if (docs.empty()) throw SpecError("report needs at least one input JSON");
  analysis::ReportOptions o = options;
  o.inputs = names;
  if (is_train_json(docs.front()) || docs.size() > 1) {  // training runs: one curve per file (Figure 1)
    if (!o.theorem.empty())
      throw SpecError("--theorem " + o.theorem + " has no effect on training runs; allowed: remove it");
    return analysis::write_report(training_report_from_json(docs, names), html_path, o);
  }
  const ReportInput input = report_input_from_json(docs.front());
  if (!o.theorem.empty()) {
    if (std::holds_alternative<analysis::VerifyReport>(input))
      throw SpecError("--theorem " + o.theorem + " has no effect on a verify JSON (it names its theorem); " +
                      "allowed: remove it");
    const analysis::Theorem& thm = analysis::find_theorem(o.theorem);
    if (!thm.rate.single())
      throw SpecError("--theorem " + o.theorem + ": its rate " + thm.rate.describe() +
                      " has no single slope to draw on a sweep; allowed: thm1, thm2 (for " + o.theorem +
                      ", report the JSON of signrate verify " + o.theorem + " --out)");
  }
  return std::visit([&](const auto& in) { return analysis::write_report(in, html_path, o); }, input);
}

}  // namespace signrate
