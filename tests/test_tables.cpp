// The component tables: their start-up checks, docs/components.md's tables against them (so the docs
// cannot drift from the code), and the defaults the tables give.
//
// The docs check reads docs/components.md's Markdown tables under the headings "### Problems",
// "### Oracles", "### Methods", "### Distributed methods" and "### Schedules" whose first
// column is `name`; in the distributed section the table of heterogeneous problems (the one with
// an f_j column) lists problems. Each row's first cell starts with the spec `name:key=default,...`
// in backticks, optionally followed by "(alias `other`", and the set of rows must be exactly the
// table's names, with the aliases and parameter defaults the table declares.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "signrate/component_table.hpp"
#include "signrate/distributed.hpp"
#include "signrate/error.hpp"
#include "signrate/method.hpp"
#include "signrate/oracle.hpp"
#include "signrate/problem.hpp"
#include "signrate/schedule.hpp"

namespace signrate {
namespace {

struct ReadmeRow {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;  // key, default ("" for none)
  std::vector<std::string> aliases;
  int line = 0;
};

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      cell += line[++i];
    } else if (line[i] == '|') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  for (auto& c : out) {
    c.erase(0, c.find_first_not_of(' '));
    c.erase(c.find_last_not_of(' ') + 1);
  }
  return out;
}

// "`lomax:alpha=3` (alias `pareto`, alpha >= 0.1)" -> {lomax, {{alpha, 3}}, {pareto}}.
ReadmeRow parse_first_cell(const std::string& cell, int line) {
  ReadmeRow row;
  row.line = line;
  const auto open = cell.find('`'), close = cell.find('`', open + 1);
  if (open != 0 || close == std::string::npos) {
    ADD_FAILURE() << "docs/components.md:" << line
                  << ": the first cell does not start with a `spec`: " << cell;
    return row;
  }
  const std::string spec = cell.substr(1, close - 1);
  const auto colon = spec.find(':');
  row.name = spec.substr(0, colon);
  if (colon != std::string::npos) {
    std::stringstream rest(spec.substr(colon + 1));
    for (std::string kv; std::getline(rest, kv, ',');) {
      const auto eq = kv.find('=');
      row.params.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    }
  }
  for (auto at = cell.find("alias `", close); at != std::string::npos; at = cell.find("alias `", at + 1)) {
    const auto end = cell.find('`', at + 7);
    row.aliases.push_back(cell.substr(at + 7, end - at - 7));
  }
  return row;
}

// docs/components.md's rows per family ("problem", "oracle", "method", "distributed", "schedule").
std::map<std::string, std::vector<ReadmeRow>> readme_tables(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  const std::vector<std::pair<std::string, std::string>> sections = {
      {"### Problems", "problem"},
      {"### Oracles", "oracle"},
      {"### Methods", "method"},
      {"### Distributed methods", "distributed"},
      {"### Schedules", "schedule"}};
  std::map<std::string, std::vector<ReadmeRow>> out;
  std::string family, table_family;
  bool in_table = false;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.rfind("#", 0) == 0) {
      family.clear();
      for (const auto& [heading, f] : sections)
        if (line.rfind(heading, 0) == 0) family = f;
      in_table = false;
      continue;
    }
    if (line.rfind("|", 0) != 0) {
      in_table = false;
      table_family.clear();
      continue;
    }
    const std::vector<std::string> c = cells(line);
    if (!in_table) {  // a header row
      in_table = true;
      table_family.clear();
      if (family.empty() || c.empty() || c[0] != "name") continue;
      bool per_node_f = false;
      for (const auto& h : c) per_node_f = per_node_f || h == "f_j";
      table_family = per_node_f ? "problem" : family;
      continue;
    }
    if (table_family.empty() || line.rfind("|---", 0) == 0) continue;
    out[table_family].push_back(parse_first_cell(c.at(0), n));
  }
  return out;
}

void expect_same_rows(const std::vector<ReadmeRow>& readme, const std::vector<ComponentInfo>& registry,
                      const std::string& family, const std::set<std::string>& documented_elsewhere = {}) {
  std::set<std::string> readme_names, registry_names;
  for (const auto& r : readme)
    EXPECT_TRUE(readme_names.insert(r.name).second) << family << " " << r.name << " twice";
  for (const auto& c : registry) registry_names.insert(c.name);
  for (const auto& n : registry_names)
    EXPECT_TRUE(readme_names.count(n))
        << "docs/components.md has no row for the " << family << " '" << n << "'";
  for (const auto& r : readme) {
    EXPECT_TRUE(registry_names.count(r.name)) << "docs/components.md:" << r.line << ": '" << r.name
                                              << "' is not a " << family << " the program knows";
    if (!registry_names.count(r.name)) continue;
    const ComponentInfo& info = find_component(registry, r.name, family);
    EXPECT_EQ(r.aliases, info.aliases) << "docs/components.md:" << r.line << ": aliases of " << r.name;
    std::set<std::string> listed;
    for (const auto& [key, def] : r.params) {
      listed.insert(key);
      const ParamInfo* p = nullptr;
      for (const auto& q : info.params)
        if (q.key == key) p = &q;
      EXPECT_TRUE(p) << "docs/components.md:" << r.line << ": " << r.name << " has no parameter '" << key
                     << "'";
      if (p) {
        EXPECT_EQ(def, p->default_value)
            << "docs/components.md:" << r.line << ": default of " << r.name << "'s " << key;
      }
    }
    // Every parameter is in the spec column, except those docs/components.md documents once for the
    // whole family (the oracles' profile keys) and optional ones without a default named in
    // the row ("(optional `a`)").
    for (const auto& q : info.params) {
      if (listed.count(q.key) || documented_elsewhere.count(q.key)) continue;
      EXPECT_TRUE(q.default_value.empty()) << "docs/components.md:" << r.line << ": " << r.name << " lacks "
                                           << q.key << "=" << q.default_value;
    }
  }
}

TEST(Tables, ReadmeListsExactlyTheRegistries) {
  const auto tables = readme_tables(SIGNRATE_COMPONENTS_DOC_PATH);
  expect_same_rows(tables.count("problem") ? tables.at("problem") : std::vector<ReadmeRow>{},
                   problem_registry(), "problem");
  expect_same_rows(tables.count("oracle") ? tables.at("oracle") : std::vector<ReadmeRow>{}, oracle_registry(),
                   "oracle", {"sigma", "law", "decay", "spikes", "ratio", "norm"});
  expect_same_rows(tables.count("method") ? tables.at("method") : std::vector<ReadmeRow>{}, method_registry(),
                   "method");
  expect_same_rows(tables.count("distributed") ? tables.at("distributed") : std::vector<ReadmeRow>{},
                   distributed_method_registry(), "distributed method");
  expect_same_rows(tables.count("schedule") ? tables.at("schedule") : std::vector<ReadmeRow>{},
                   schedule_registry(), "schedule");
}

// docs/components.md's profile keys line ("Every oracle takes the profile keys `sigma=1`, ...") has the
// defaults of the gaussian row.
TEST(Tables, ReadmeOracleProfileKeysHaveTheTableDefaults) {
  std::ifstream in(SIGNRATE_COMPONENTS_DOC_PATH);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const ComponentInfo& gaussian = find_component(oracle_registry(), "gaussian", "oracle");
  for (const auto& p : gaussian.params) {
    const bool choice = p.key == "law" || p.key == "norm";  // written `law=const|power|spikes`
    const std::string want = "`" + p.key + "=" + p.default_value + (choice ? "|" : "`");
    EXPECT_NE(readme.find(want), std::string::npos) << "docs/components.md lacks " << want;
  }
}

TEST(Tables, EveryMethodHasADefaultScheduleThatExists) {
  std::set<std::string> schedules;
  for (const auto& s : schedule_registry()) schedules.insert(s.name);
  for (const auto* registry : {&method_registry(), &distributed_method_registry()})
    for (const auto& m : *registry) EXPECT_TRUE(schedules.count(default_schedule(m.name))) << m.name;
  EXPECT_EQ(default_schedule("smm"), "theorem1");
  EXPECT_EQ(default_schedule("signsgd-sim"), "theorem2");
  EXPECT_EQ(default_schedule("mv-signsgd-sim"), "theorem2");
  EXPECT_EQ(default_schedule("mv-sto-signsgd-sim"), "theorem2");
  EXPECT_EQ(default_schedule("mvsm-v1"), "theorem3");
  EXPECT_EQ(default_schedule("signsgd-mv"), "theorem3");
  EXPECT_EQ(default_schedule("sgd-dist"), "theorem3");
  EXPECT_EQ(default_schedule("mvsm-v2"), "theorem5");
}

TEST(Tables, AnUnknownMethodHasNoDefaultScheduleAndTheErrorNamesTheAllowedOnes) {
  try {
    default_schedule("lion2");
    FAIL() << "no error";
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'lion2'"), std::string::npos) << what;
    EXPECT_NE(what.find("lion"), std::string::npos) << what;
    EXPECT_NE(what.find("mvsm-v2"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

// The dispatch reads the table: every name builds the kind its row declares (the if-chains
// before gave Lion for a missed method name and Gaussian noise for a missed oracle name). A new
// oracle needs no line here; the laws listed are checked.
TEST(Tables, EveryOracleNameBuildsItsOwnShape) {
  const std::map<std::string, NoiseShape> shapes = {
      {"gaussian", NoiseShape::kGaussian},    {"separable-gaussian", NoiseShape::kGaussian},
      {"student-t", NoiseShape::kStudentT},   {"lomax", NoiseShape::kLomax},
      {"two-point", NoiseShape::kTwoPoint},   {"lognormal", NoiseShape::kLognormal},
      {"bimodal", NoiseShape::kBimodal},      {"uniform", NoiseShape::kUniform},
      {"rademacher", NoiseShape::kRademacher}};
  for (const auto& [name, shape] : shapes)
    EXPECT_EQ(make_oracle(parse_spec(name, "oracle"), 8, 1).law.shape, shape) << name;
}

// The start-up checks themselves, on planted tables.
enum class Toy : std::uint8_t { kA, kB, kC };
bool is_toy(Toy k) {
  switch (k) {
    case Toy::kA:
    case Toy::kB:
    case Toy::kC:
      return true;
  }
  return false;
}

TEST(Tables, StartUpChecksRefuseAMissingADoubledOrAStrayKind) {
  EXPECT_NO_THROW(check_kinds_covered<Toy>({Toy::kA, Toy::kB, Toy::kC}, is_toy, "toy"));
  EXPECT_NO_THROW(check_kinds_covered<Toy>({Toy::kC, Toy::kA, Toy::kB}, is_toy, "toy"));
  EXPECT_THROW(check_kinds_covered<Toy>({Toy::kA, Toy::kC}, is_toy, "toy"), TableError);  // kB: no row
  EXPECT_THROW(check_kinds_covered<Toy>({Toy::kA, Toy::kB, Toy::kB, Toy::kC}, is_toy, "toy"), TableError);
  EXPECT_NO_THROW(check_kinds_covered<Toy>({Toy::kA, Toy::kB, Toy::kB, Toy::kC}, is_toy, "toy", false));
  EXPECT_THROW(check_kinds_covered<Toy>({Toy::kA, Toy::kB, Toy::kC, static_cast<Toy>(7)}, is_toy, "toy"),
               TableError);
  try {
    check_kinds_covered<Toy>({Toy::kA, Toy::kC}, is_toy, "toy");
  } catch (const TableError& e) {
    EXPECT_STREQ(e.what(), "toy table: kind 1 has 0 rows; allowed: exactly one");
  }
  const ComponentInfo a{"a", "", {}}, b{"b", "", {}, {"a"}};
  EXPECT_NO_THROW(check_unique_names({&a}, "toy"));
  EXPECT_THROW(check_unique_names({&a, &b}, "toy"), TableError);  // b's alias is a's name
  EXPECT_THROW(check_schedule_name("theorem9", a, "toy"), TableError);
  EXPECT_NO_THROW(check_schedule_name("theorem5", a, "toy"));
}

}  // namespace
}  // namespace signrate
