#pragma once
// Teaching demonstrations (`signrate demo NAME`): small experiments that make one claim of the
// theory visible, each with two or three sentences of what to look at, a figure and a report.
#include <string>
#include <vector>

#include "signrate/analysis/page.hpp"
#include "signrate/engine.hpp"

namespace signrate::analysis {

struct DemoResult;
struct DemoInfo {
  std::string name, summary;
  // Runs the demo's simulations and adds its tables and figures to the page; returns its explanation.
  DemoResult (*run)(Page& page, const EngineOptions& engine, std::uint64_t seed);
};
const std::vector<DemoInfo>& demo_registry();

struct DemoResult {
  std::string explanation;         // what to look at (also at the top of the report)
  std::vector<std::string> pngs;   // the figures written beside the report
  std::vector<std::string> lines;  // the numbers behind the explanation, one per line
  Page page;                       // the page written: the explanation's numbers are its figures'
};

// Runs demo `name` (SpecError listing the names otherwise) and writes its report to html_path.
DemoResult run_demo(const std::string& name, const std::string& html_path, const EngineOptions& engine,
                    std::uint64_t seed, const std::string& gnuplot = "gnuplot");

}  // namespace signrate::analysis
