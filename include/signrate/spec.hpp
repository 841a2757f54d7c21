#pragma once
// Component specs: "name" or "name:key=value,key=value" (or the same as a JSON object
// {"name": ..., "key": value}), checked against the component's declared parameters.
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace signrate {

// One declared parameter of a component: its key, default (as text; empty if it has none and
// is optional), the allowed values in words, and a line of help.
struct ParamInfo {
  std::string key;
  std::string default_value;
  std::string allowed;
  std::string help;
};

// What --help lists for a problem, oracle, method or schedule.
struct ComponentInfo {
  std::string name;
  std::string summary;
  std::vector<ParamInfo> params;
  std::vector<std::string> aliases = {};
};

// A spec as the user wrote it, before validation.
struct ParsedSpec {
  std::string name;
  std::map<std::string, std::string> values;
};

// Parses "name:key=value,...". Throws SpecError naming the text on a syntax error.
ParsedSpec parse_spec(const std::string& text, const std::string& what);
// Accepts a JSON string (the text form) or an object {"name": ..., key: value, ...}.
ParsedSpec parse_spec_json(const nlohmann::json& j, const std::string& what);

// Finds the component named by spec.name (or one of its aliases) in a registry; throws a
// SpecError that lists the allowed names otherwise.
const ComponentInfo& find_component(const std::vector<ComponentInfo>& registry, const std::string& name,
                                    const std::string& what);

// The domain of a real parameter, with the words used in error messages.
struct Domain {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  std::string describe() const;
  bool contains(double v) const;
};
Domain positive();
Domain nonnegative();
Domain open_unit();       // (0, 1)
Domain half_open_unit();  // (0, 1]
Domain any_real();
Domain at_least(double lo);

// Reads a validated spec's parameters, filling defaults and recording the resolved values.
// Every key the user gave must be declared; every value must parse and lie in its domain.
class Params {
 public:
  Params(const ComponentInfo& info, const ParsedSpec& spec, std::string what);

  bool given(const std::string& key) const;
  double real(const std::string& key, const Domain& domain);
  std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi);
  std::string choice(const std::string& key, const std::vector<std::string>& allowed);
  // A list value: items separated by '/' in a SPEC ("centers=0/0.1/3"), a JSON array in a file.
  // Every item must parse and lie in `domain`; an empty list is refused.
  std::vector<double> real_list(const std::string& key, const Domain& domain);

  // Refuses keys the user gave that the settings never read (e.g. decay= with law=const):
  // a value that silently has no effect is bad input. Call once, after reading.
  void require_all_used() const;

  // Throws a SpecError "<what> <name>: <message>".
  [[noreturn]] void fail(const std::string& message) const;

  // {"name": canonical name, key: value...} for every parameter read.
  const nlohmann::json& resolved() const { return resolved_; }
  const std::string& name() const { return info_.name; }

 private:
  std::string raw(const std::string& key) const;
  const ParamInfo& declared(const std::string& key) const;
  const ComponentInfo& info_;
  ParsedSpec spec_;
  std::string what_;
  nlohmann::json resolved_;
};

// "name:key=value,..." from a resolved JSON object (the text form of a resolved spec).
std::string spec_text(const nlohmann::json& resolved);

// Text of a double that reads back to the same value, shortest form.
// A number as a SPEC value, option or grid item gives it: decimal only, [+-]digits[.digits] or
// [+-].digits with an optional exponent e[+-]digits, or the words inf and nan (which the domains
// then refuse). No hexadecimal (0x10), no spaces, nothing after the number. False otherwise.
bool parse_decimal(const std::string& text, double* out);
std::string format_real(double v);

// Writes a declared constant into the object j (JSON has no infinity): j[key] = v when finite;
// otherwise null, and an infinite v (the constant does not exist: no Lipschitz bound, unbounded
// noise) also lists key in j["infinite"], so every such column is a number or null and the flag
// says why it is null. io::Reader::constant reads it back.
void put_constant(nlohmann::json& j, const std::string& key, double v);

}  // namespace signrate
