#pragma once
// A theorem stated on a page (the report of a verification or of a sweep with --theorem, and the
// demos): what it claims, its measure, its assumptions and schedule, and its explicit bound with
// the constants of the runs filled in, term by term, beside the measured value.
#include <string>
#include <vector>

#include "signrate/analysis/page.hpp"
#include "signrate/analysis/theory.hpp"
#include "signrate/run_summary.hpp"

namespace signrate::analysis {

// The runs whose d, T and n are each the smallest or the largest of `runs` (the grid's corners),
// in their order: the rows of the bound's table.
std::vector<const RunSummary*> corner_runs(const std::vector<const RunSummary*>& runs);

// The statement's blocks. `bound_note` non-empty: the bound does not apply to these runs (another
// method than the theorem's), and the note, not the table, says so.
std::vector<Block> theorem_blocks(const Theorem& t, const std::vector<const RunSummary*>& runs,
                                  const std::string& bound_note = "");

}  // namespace signrate::analysis
