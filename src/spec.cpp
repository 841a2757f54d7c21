#include "signrate/spec.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "signrate/error.hpp"

namespace signrate {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t k = 0; k < items.size(); ++k) out += (k ? ", " : "") + items[k];
  return out;
}

bool parse_double(const std::string& text, double* out) { return parse_decimal(text, out); }

}  // namespace

bool parse_decimal(const std::string& text, double* out) {
  std::size_t k = 0;
  const auto digits = [&] {
    const std::size_t from = k;
    while (k < text.size() && text[k] >= '0' && text[k] <= '9') ++k;
    return k - from;
  };
  if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
  std::string word = text.substr(k);
  for (char& c : word) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (word == "inf" || word == "infinity" || word == "nan") {
    *out = std::strtod(text.c_str(), nullptr);
    return true;
  }
  const std::size_t whole = digits();
  std::size_t fraction = 0;
  if (k < text.size() && text[k] == '.') ++k, fraction = digits();
  if (whole + fraction == 0) return false;
  if (k < text.size() && (text[k] == 'e' || text[k] == 'E')) {
    ++k;
    if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
    if (digits() == 0) return false;
  }
  if (k != text.size()) return false;
  *out = std::strtod(text.c_str(), nullptr);
  return true;
}

std::string format_real(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

void put_constant(nlohmann::json& j, const std::string& key, double v) {
  if (std::isfinite(v)) {
    j[key] = v;
    return;
  }
  j[key] = nullptr;
  if (std::isinf(v) && v > 0) j["infinite"].push_back(key);
}

ParsedSpec parse_spec(const std::string& text, const std::string& what) {
  ParsedSpec spec;
  const auto colon = text.find(':');
  spec.name = trim(text.substr(0, colon));
  if (spec.name.empty()) throw SpecError(what + " spec '" + text + "' has no name");
  if (colon == std::string::npos) return spec;
  std::stringstream rest(text.substr(colon + 1));
  std::string item;
  while (std::getline(rest, item, ',')) {
    const auto eq = item.find('=');
    const std::string key = trim(item.substr(0, eq));
    if (eq == std::string::npos || key.empty() || trim(item.substr(eq + 1)).empty())
      throw SpecError(what + " spec '" + text + "': '" + item +
                      "' is not key=value (a SPEC is name or name:key=value,key=value)");
    if (spec.values.count(key)) throw SpecError(what + " spec '" + text + "' gives '" + key + "' twice");
    spec.values[key] = trim(item.substr(eq + 1));
  }
  return spec;
}

ParsedSpec parse_spec_json(const nlohmann::json& j, const std::string& what) {
  if (j.is_string()) return parse_spec(j.get<std::string>(), what);
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string())
    throw SpecError(what + " must be a string \"name:key=value\" or an object with a \"name\"");
  ParsedSpec spec;
  spec.name = j["name"].get<std::string>();
  for (const auto& [key, value] : j.items()) {
    if (key == "name") continue;
    if (value.is_string()) {
      spec.values[key] = value.get<std::string>();
    } else if (value.is_number()) {
      spec.values[key] = format_real(value.get<double>());
    } else if (value.is_array()) {
      std::string list;
      for (std::size_t k = 0; k < value.size(); ++k) {
        if (!value[k].is_number()) throw SpecError(what + " key '" + key + "': list of numbers expected");
        list += (k ? "/" : "") + format_real(value[k].get<double>());
      }
      spec.values[key] = list;
    } else {
      throw SpecError(what + " key '" + key + "' is " + value.dump() +
                      "; allowed: a number, a string or a list of numbers");
    }
  }
  return spec;
}

const ComponentInfo& find_component(const std::vector<ComponentInfo>& registry, const std::string& name,
                                    const std::string& what) {
  std::vector<std::string> names;
  for (const auto& info : registry) {
    if (info.name == name) return info;
    for (const auto& alias : info.aliases)
      if (alias == name) return info;
    names.push_back(info.name);
  }
  throw SpecError("unknown " + what + " '" + name + "'; allowed: " + join(names));
}

std::string Domain::describe() const {
  if (std::isinf(lo) && std::isinf(hi)) return "a finite number";
  if (std::isinf(hi)) return std::string(lo_open ? "> " : ">= ") + format_real(lo);
  if (std::isinf(lo)) return std::string(hi_open ? "< " : "<= ") + format_real(hi);
  return std::string("in ") + (lo_open ? "(" : "[") + format_real(lo) + ", " + format_real(hi) +
         (hi_open ? ")" : "]");
}

bool Domain::contains(double v) const {
  if (!std::isfinite(v)) return false;
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

Domain positive() { return Domain{0.0, INFINITY, true, false}; }
Domain nonnegative() { return Domain{0.0, INFINITY, false, false}; }
Domain open_unit() { return Domain{0.0, 1.0, true, true}; }
Domain half_open_unit() { return Domain{0.0, 1.0, true, false}; }
Domain any_real() { return Domain{}; }
Domain at_least(double lo) { return Domain{lo, INFINITY, false, false}; }

Params::Params(const ComponentInfo& info, const ParsedSpec& spec, std::string what)
    : info_(info), spec_(spec), what_(std::move(what)) {
  resolved_["name"] = info_.name;
  for (const auto& [key, value] : spec_.values) {
    bool known = false;
    for (const auto& p : info_.params) known = known || p.key == key;
    if (!known) {
      std::vector<std::string> keys;
      for (const auto& p : info_.params) keys.push_back(p.key);
      fail("unknown parameter '" + key + "'; allowed: " + (keys.empty() ? "none" : join(keys)));
    }
  }
}

void Params::fail(const std::string& message) const {
  throw SpecError(what_ + " " + info_.name + ": " + message);
}

void Params::require_all_used() const {
  for (const auto& [key, value] : spec_.values)
    if (!resolved_.contains(key))
      fail(key + "=" + value + " has no effect with these settings; allowed: remove it (see --help)");
}

bool Params::given(const std::string& key) const { return spec_.values.count(key) > 0; }

const ParamInfo& Params::declared(const std::string& key) const {
  for (const auto& p : info_.params)
    if (p.key == key) return p;
  throw std::logic_error("parameter '" + key + "' read by " + info_.name + " but not declared");
}

std::string Params::raw(const std::string& key) const {
  const ParamInfo& p = declared(key);
  const auto it = spec_.values.find(key);
  return it != spec_.values.end() ? it->second : p.default_value;
}

double Params::real(const std::string& key, const Domain& domain) {
  const std::string text = raw(key);
  double v = 0;
  if (!parse_double(text, &v)) fail(key + "='" + text + "' is not a number; allowed: " + domain.describe());
  if (!domain.contains(v)) fail(key + "=" + text + " is outside its domain; allowed: " + domain.describe());
  resolved_[key] = v;
  return v;
}

std::int64_t Params::integer(const std::string& key, std::int64_t lo, std::int64_t hi) {
  const std::string text = raw(key);
  double v = 0;
  const std::string allowed = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!parse_double(text, &v) || v != std::floor(v))
    fail(key + "='" + text + "' is not an integer; allowed: " + allowed);
  if (v < static_cast<double>(lo) || v > static_cast<double>(hi))
    fail(key + "=" + text + " is outside its domain; allowed: " + allowed);
  resolved_[key] = static_cast<std::int64_t>(v);
  return static_cast<std::int64_t>(v);
}

std::vector<double> Params::real_list(const std::string& key, const Domain& domain) {
  const std::string text = raw(key);
  std::vector<double> out;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, '/')) {
    double v = 0;
    if (!parse_double(trim(item), &v))
      fail(key + "='" + text + "': item '" + item +
           "' is not a number; allowed: numbers separated by '/', each " + domain.describe());
    if (!domain.contains(v))
      fail(key + "=" + text + ": item " + trim(item) +
           " is outside its domain; allowed: " + domain.describe());
    out.push_back(v);
  }
  if (out.empty() || text.back() == '/')
    fail(key + "='" + text + "' is not a list; allowed: numbers separated by '/' (e.g. 0/0.1/3)");
  resolved_[key] = out;
  return out;
}

std::string Params::choice(const std::string& key, const std::vector<std::string>& allowed) {
  const std::string text = raw(key);
  for (const auto& a : allowed)
    if (a == text) {
      resolved_[key] = text;
      return text;
    }
  fail(key + "='" + text + "' is not allowed; allowed: " + join(allowed));
}

std::string spec_text(const nlohmann::json& resolved) {
  std::string out = resolved.at("name").get<std::string>();
  bool first = true;
  for (const auto& [key, value] : resolved.items()) {
    if (key == "name") continue;
    out += first ? ":" : ",";
    first = false;
    out += key + "=";
    if (value.is_number_float()) {
      out += format_real(value.get<double>());
    } else if (value.is_array()) {
      for (std::size_t k = 0; k < value.size(); ++k)
        out += (k ? "/" : "") + format_real(value[k].get<double>());
    } else if (value.is_string()) {
      out += value.get<std::string>();
    } else {
      out += value.dump();
    }
  }
  return out;
}

}  // namespace signrate
