// The one way both executables (signrate, signrate-train) turn a parse and its callback into an
// exit code and a one-line message.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/text.hpp"

namespace signrate::cli {

namespace {

// Levenshtein distance of two short words.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "unknown command 'verfy'; did you mean 'verify'? allowed: run, sweep, ..." for a first word that
// names no subcommand; "" when it does, or is an option.
std::string unknown_command(const CLI::App& app, const std::string& word) {
  if (word.empty() || word[0] == '-') return "";
  std::string allowed, nearest;
  std::size_t best = 3;  // a suggestion within two edits
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == word) return "";
    allowed += (allowed.empty() ? "" : ", ") + sub->get_name();
    const std::size_t d = edit_distance(word, sub->get_name());
    if (d < best) best = d, nearest = sub->get_name();
  }
  if (word == "train")
    return "this signrate was built without LibTorch, so it has no train; allowed: a build with LibTorch "
           "(scripts/install-deps.sh installs libtorch-dev)";
  return "unknown command '" + printable(word) + "'" +
         (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") + "; allowed: " + allowed +
         " (signrate help COMMAND shows a command's options)";
}

// "--d needs a value (INT); the next word is the option '--T'" for an option that takes a value
// followed by another option or by nothing (CLI11 would report the stray value further on); "" when
// every such option has its value.
std::string missing_value(const CLI::App& app, int argc, char** argv) {
  const CLI::App* command = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (i == 1 && !word.empty() && word[0] != '-') {
      for (const CLI::App* sub : app.get_subcommands({}))
        if (sub->get_name() == word) command = sub;
      continue;
    }
    if (word.rfind("--", 0) != 0 || word.find('=') != std::string::npos) continue;
    const CLI::Option* option = nullptr;
    for (const CLI::App* scope : {command, &app})
      for (const CLI::Option* o : scope->get_options())
        if (!option && o->check_lname(word.substr(2)) && o->get_items_expected_min() > 0) option = o;
    if (!option) continue;
    if (i + 1 >= argc)
      return word + " needs a value (" + option->get_type_name() + "); the command line ends there";
    if (std::string(argv[i + 1]).rfind("--", 0) == 0)
      return word + " needs a value (" + option->get_type_name() + "); the next word is the option '" +
             printable(argv[i + 1]) + "'";
  }
  return "";
}

}  // namespace

int run_app(CLI::App& app, int argc, char** argv, const int& exit_code) {
  refuse_empty_values(app);
  name_value_types(app);
  if (argc > 1) {
    const std::string unknown = unknown_command(app, argv[1]);
    if (!unknown.empty()) {
      std::cerr << "signrate: error: " << unknown << "\n";
      return 2;
    }
  }
  if (const std::string missing = missing_value(app, argc, argv); !missing.empty()) {
    std::cerr << "signrate: error: " << missing << "\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "signrate: error: " << printable(e.what()) << " (see signrate --help)\n";
    return 2;
  } catch (const SpecError& e) {
    std::cerr << "signrate: error: " << printable(e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {  // no allocation here: the memory may still be short
    std::fputs("signrate: error: out of memory while ", stderr);
    std::fputs(activity().c_str(), stderr);
    std::fputs(" (std::bad_alloc); nothing was written\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "signrate: error: " << printable(e.what()) << "\n";
    return 1;
  }
  return exit_code;
}

}  // namespace signrate::cli
