// signrate demo NAME: a teaching demonstration with its explanation, figure and report.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "signrate/analysis/demos.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"

namespace signrate::cli {

namespace {

struct DemoCliOptions {
  std::string name, out, seed = "1", threads = "0", block = "256", device;
};

int demo(const DemoCliOptions& o) {
  if (o.name.empty() && !o.out.empty())
    throw SpecError("--out " + o.out + " without a demonstration; allowed: signrate demo NAME --out FILE");
  if (o.name.empty()) {  // `signrate demo`: the list
    std::cout << "Demonstrations (signrate demo NAME writes demo-NAME.html):\n";
    for (const auto& d : analysis::demo_registry()) std::cout << "  " << d.name << " - " << d.summary << "\n";
    return 0;
  }
  const std::string out = o.out.empty() ? "demo-" + o.name + ".html" : o.out;
  {
    OutputFiles check;  // the page's folder takes files (its PNG goes there too); written by run_demo
    check.add("--out", out);
  }
  const analysis::DemoResult r = analysis::run_demo(o.name, out, engine_options(o.threads, o.block, o.device),
                                                    parse_count("seed", o.seed, 0, ~0ULL));
  std::ostream& text = is_stdout_target(out) ? std::cerr : std::cout;
  text << r.explanation << "\n\n";
  for (const auto& line : r.lines) text << "  " << line << "\n";
  text << "\nwrote " << out << " (figure " << (r.pngs.empty() ? "none" : r.pngs.front()) << ")\n";
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DemoCliOptions>();
  std::string names;
  for (const auto& d : analysis::demo_registry()) names += "\n  " + d.name + " - " + d.summary;
  CLI::App* cmd = app.add_subcommand("demo", "run a teaching demonstration and write its report");
  cmd->add_option("name", o->name, "the demonstration (without it: the list)");
  cmd->add_option("-o,--out", o->out, "the report (default demo-NAME.html; the PNG goes beside it)");
  cmd->add_option("--seed", o->seed, "seed (default 1)");
  cmd->add_option("--threads", o->threads, "worker threads, 0 = all cores");
  cmd->add_option("--block", o->block, "coordinates per tile, a multiple of 32");
  cmd->add_option("--device", o->device, kDeviceHelp);
  cmd->footer("Demonstrations:" + names);
  cmd->callback([o, &exit_code] { exit_code = demo(*o); });
}

}  // namespace signrate::cli
