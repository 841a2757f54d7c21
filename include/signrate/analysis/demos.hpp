#pragma once
// Teaching demonstrations (`signrate demo NAME`): small experiments that make one claim of the
// theory visible, each with two or three sentences of what to look at, a figure and a report.
#include <string>
#include <vector>

#include "signrate/analysis/page.hpp"
#include "signrate/engine.hpp"

namespace signrate::analysis {

struct DemoInfo {
  std::string name, summary;
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
