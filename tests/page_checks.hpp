#pragma once
// Checks that every figure a page draws can be read: each line is keyed and the axes hold every
// value drawn (tests of the report, the demos and the training page).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "signrate/analysis/page.hpp"

namespace signrate::testing_pages {

// The range gnuplot is told for an axis ('x' or 'y'): "set xrange [a:b]" in the figure's script.
inline std::pair<double, double> script_range(const analysis::Figure& f, char axis) {
  const std::string script = analysis::plot_script(f, 0).script;
  const std::string head = std::string("set ") + axis + "range [";
  const auto at = script.find(head);
  if (at == std::string::npos) return {NAN, NAN};
  const auto colon = script.find(':', at), close = script.find(']', at);
  return {std::stod(script.substr(at + head.size(), colon - at - head.size())),
          std::stod(script.substr(colon + 1, close - colon - 1))};
}

// Every drawn series is keyed: it has a label of its own, or a key entry (a series without points)
// of its style stands for it, or it is a band shading a labelled line of its colour. Every value
// drawn lies inside the axes, which reach no further than a factor 1.6 (log) or 20% of the span
// (linear) past the data on either side.
inline void expect_keyed_and_covered(const analysis::Figure& f) {
  using Style = analysis::Series::Style;
  SCOPED_TRACE(f.title);
  for (const auto& s : f.series) {
    if (s.x.empty() || !s.label.empty()) continue;
    const bool keyed = std::any_of(f.series.begin(), f.series.end(), [&](const analysis::Series& k) {
      return (k.x.empty() && !k.label.empty() && k.style == s.style) ||
             (s.style == Style::kBand && !k.label.empty() && k.color == s.color && k.style != Style::kBand);
    });
    EXPECT_TRUE(keyed) << "an unkeyed line of style " << static_cast<int>(s.style) << ", colour " << s.color;
  }
  for (const char axis : {'x', 'y'}) {
    const bool log = axis == 'x' ? f.log_x : f.log_y;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : f.series)
      for (const auto* values : axis == 'x' ? std::vector{&s.x} : std::vector{&s.y, &s.low, &s.high})
        for (double v : *values)
          if (std::isfinite(v) && (!log || v > 0)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
          }
    if (!(lo <= hi)) continue;
    const auto [a, b] = script_range(f, axis);
    ASSERT_TRUE(a < b) << axis << " has no range in the script";
    EXPECT_LE(a, lo) << axis;
    EXPECT_GE(b, hi) << axis;
    if (log) {
      EXPECT_GT(a, lo / 1.6) << axis << ": the axis runs far past the data";
      EXPECT_LT(b, hi * 1.6) << axis << ": the axis runs far past the data";
    } else if (hi > lo) {
      EXPECT_GT(a, lo - 0.2 * (hi - lo)) << axis;
      EXPECT_LT(b, hi + 0.2 * (hi - lo)) << axis;
    }
  }
}

}  // namespace signrate::testing_pages
