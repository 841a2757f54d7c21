#pragma once
// The start-up checks of the component tables (src/method.cpp, src/distributed_method.cpp,
// oracles/oracle.cpp, problems/problem.cpp, src/schedule.cpp). Each family keeps one table of rows
// {name and parameters, kind, factory, default schedule} that the parser, the dispatch, the
// default schedule and --help all read; these checks run once, when a table is first built, so
// a kind without its row, a row without a factory or a name given twice stops every run (and
// every test) at start-up instead of falling back to another kind.
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "signrate/spec.hpp"

namespace signrate {

// A table that is not consistent: a bug in the program, never bad input.
class TableError : public std::logic_error {
 public:
  explicit TableError(const std::string& what) : std::logic_error(what) {}
};

// Names and aliases are unique within a family.
inline void check_unique_names(const std::vector<const ComponentInfo*>& infos, const std::string& family) {
  std::set<std::string> seen;
  for (const ComponentInfo* info : infos) {
    std::vector<std::string> names = info->aliases;
    names.push_back(info->name);
    for (const auto& n : names)
      if (!seen.insert(n).second) throw TableError(family + " table: the name '" + n + "' has two rows");
  }
}

// Every enumerator of Kind (a uint8_t enum, so the candidates are 0..255; is_enumerator is an
// exhaustive switch, which -Werror=switch keeps complete) is the kind of exactly one row, or of
// at least one where several names share a kind (oracles: gaussian and separable-gaussian).
template <class Kind>
void check_kinds_covered(const std::vector<Kind>& row_kinds, bool (*is_enumerator)(Kind),
                         const std::string& family, bool exactly_one = true) {
  static_assert(std::is_same_v<std::underlying_type_t<Kind>, std::uint8_t>);
  for (unsigned v = 0; v < 256; ++v) {
    const Kind k = static_cast<Kind>(v);
    unsigned rows = 0;
    for (Kind r : row_kinds) rows += r == k;
    if (!is_enumerator(k)) {
      if (rows > 0)
        throw TableError(family + " table: a row has kind " + std::to_string(v) + ", not an enumerator");
      continue;
    }
    if (rows == 0 || (exactly_one && rows > 1))
      throw TableError(family + " table: kind " + std::to_string(v) + " has " + std::to_string(rows) +
                       " rows; allowed: " + (exactly_one ? "exactly one" : "at least one"));
  }
}

// A row's default schedule names a schedule (src/schedule.cpp).
void check_schedule_name(const std::string& schedule, const ComponentInfo& info, const std::string& family);

// A row's factory is set.
template <class F>
void check_factory(F* factory, const ComponentInfo& info, const std::string& family) {
  if (factory == nullptr) throw TableError(family + " table: '" + info.name + "' has no factory");
}

}  // namespace signrate
