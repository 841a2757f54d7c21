// signrate report: a self-contained HTML page (figures, fit table, verdicts, the command).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "signrate/analysis/report.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/io/report_io.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"

namespace signrate::cli {

namespace {

struct ReportCliOptions {
  std::vector<std::string> inputs;
  std::string out = "report.html", theorem, bootstrap = "1000";
};

int report(const ReportCliOptions& o) {
  analysis::ReportOptions ro;
  ro.theorem = o.theorem;
  ro.bootstrap = static_cast<std::uint32_t>(parse_count("bootstrap", o.bootstrap, 100, 1000000));
  {
    OutputFiles check;  // the page's folder takes files; the PNGs are checked by write_page
    for (const std::string& path : o.inputs) check.add_input("the input", path);
    check.add("--out", o.out);
  }
  std::vector<nlohmann::json> docs;
  for (const std::string& path : o.inputs) docs.push_back(read_json_file(path, "report"));
  const std::vector<std::string> pngs = write_report_from_json(docs, o.inputs, o.out, ro);
  (is_stdout_target(o.out) ? std::cerr : std::cout)
      << "wrote " << o.out << " and " << pngs.size() << " PNG figures (" << (pngs.empty() ? "" : pngs.front())
      << (pngs.size() > 1 ? " ..." : "") << ")\n";
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ReportCliOptions>();
  CLI::App* cmd =
      app.add_subcommand("report", "write a self-contained HTML report of a sweep, verify or train JSON");
  cmd->footer(
      "Exit codes: 0 ok, 1 failed (an output could not be written), 2 bad input.");  // not the catalogue
  cmd->add_option("inputs", o->inputs,
                  "a JSON written by signrate sweep or verify --out, or train JSONs (one line per file)")
      ->required();
  cmd->add_option("-o,--out", o->out, "the HTML page (default report.html); PNGs go beside it");
  cmd->add_option("--theorem", o->theorem, "for a sweep: draw this theorem's slopes (thm1, thm2)");
  cmd->add_option("--bootstrap", o->bootstrap, "bootstrap resamples of the fits (default 1000)");
  cmd->callback([o, &exit_code] { exit_code = report(*o); });
}

}  // namespace signrate::cli
