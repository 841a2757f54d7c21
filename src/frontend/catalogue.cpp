#include "signrate/frontend/catalogue.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <sstream>

#include "signrate/distributed.hpp"
#include "signrate/error.hpp"
#include "signrate/method.hpp"
#include "signrate/oracle.hpp"
#include "signrate/problem.hpp"
#include "signrate/schedule.hpp"

namespace signrate::cli {

namespace {

// with_schedule: methods show the schedule they use when --schedule is not given.
void list(std::ostringstream& out, const char* title, const std::vector<ComponentInfo>& registry,
          bool with_schedule = false) {
  out << title << ":\n";
  for (const auto& c : registry) {
    out << "  " << c.name;
    for (const auto& a : c.aliases) out << " (alias " << a << ")";
    out << " - " << c.summary;
    if (with_schedule) out << " [default schedule " << default_schedule(c.name) << "]";
    out << "\n";
    for (const auto& p : c.params) {
      out << "      " << p.key << "=" << (p.default_value.empty() ? "<none>" : p.default_value) << "  ("
          << p.allowed << ")";
      if (!p.help.empty()) out << " " << p.help;
      out << "\n";
    }
  }
}

}  // namespace

std::string catalogue() {
  std::ostringstream out;
  out << "\nA SPEC is name or name:key=value,key=value (a list value separates items with '/').\n\n";
  list(out, "Problems (--problem)", problem_registry());
  list(out, "Oracles (--oracle)", oracle_registry());
  list(out, "Methods (--method)", method_registry(), true);
  list(out, "Distributed methods (--method, with --nodes n)", distributed_method_registry(), true);
  list(out, "Schedules (--schedule; without it, the method's default schedule above)", schedule_registry());
  out << "\nsign(0) = 0 everywhere. Exit codes: 0 ok, 1 run failed (diverged, I/O), 2 bad input, 3 a theorem "
         "violated (verify), 4 a verification that cannot decide (verify).\n";
  return out.str();
}

void add_catalogue_pointer(CLI::App& command) {
  command.add_flag_callback(
      "--help-components",
      [] {
        std::cout << catalogue();
        throw CLI::Success();
      },
      "list every problem, oracle, method and schedule with its parameters (as signrate list), and exit");
  command.footer(
      "Components (--problem, --oracle, --method, --schedule): signrate list, or --help-components, lists "
      "each with its parameters. A SPEC is name or name:key=value,key=value.\nExit codes: 0 ok, 1 run "
      "failed (diverged, I/O), 2 bad input, 3 a theorem violated (verify), 4 a verification that cannot "
      "decide (verify).");
}

void add_list_command(CLI::App& app) {
  struct ListOptions {
    std::string family;
    bool names = false;
  };
  auto o = std::make_shared<ListOptions>();
  CLI::App* cmd =
      app.add_subcommand("list", "list every problem, oracle, method and schedule with its parameters");
  const std::pair<const char*, const std::vector<ComponentInfo>* (*)()> families[] = {
      {"problems", [] { return &problem_registry(); }},
      {"oracles", [] { return &oracle_registry(); }},
      {"methods", [] { return &method_registry(); }},
      {"distributed-methods", [] { return &distributed_method_registry(); }},
      {"schedules", [] { return &schedule_registry(); }}};
  std::string allowed;
  for (const auto& [name, table] : families) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  cmd->add_option("family", o->family, "only this table: " + allowed);
  cmd->add_flag("--names", o->names, "the names alone, one a line (for scripts: a loop over every method)");
  cmd->callback([o, families, allowed] {
    if (o->family.empty() && !o->names) {
      std::cout << catalogue();
      return;
    }
    for (const auto& [name, table] : families) {
      if (!o->family.empty() && o->family != name) continue;
      std::ostringstream out;
      if (o->names)
        for (const ComponentInfo& c : *table()) out << c.name << "\n";
      else
        list(out, name, *table(), std::string(name).find("methods") != std::string::npos);
      std::cout << out.str();
      if (!o->family.empty()) return;
    }
    if (!o->family.empty()) throw SpecError("unknown table '" + o->family + "'; allowed: " + allowed);
  });
}

}  // namespace signrate::cli
