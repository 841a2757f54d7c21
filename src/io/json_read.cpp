// Typed reads of JSON documents with the path of every value in the error messages.
#include "json_read.hpp"

#include <cmath>
#include <limits>

#include "signrate/error.hpp"

namespace signrate::io {

namespace {

// A value as an error message shows it: its JSON text, cut at 40 characters.
std::string brief(const nlohmann::json& j) {
  const std::string s = j.dump();
  return s.size() <= 40 ? s : s.substr(0, 37) + "...";
}

}  // namespace

void Reader::fail(const std::string& what) const { throw SpecError(where() + " " + what); }

Reader Reader::operator[](const std::string& key) const {
  if (!j_->is_object()) fail("is not an object");
  const auto it = j_->find(key);
  if (it == j_->end()) fail("has no \"" + key + "\"");
  return Reader(*it, document_, path_.empty() ? key : path_ + "." + key);
}

Reader Reader::at(std::size_t k) const {
  if (!j_->is_array()) fail("is not an array");
  if (k >= j_->size()) fail("has no element " + std::to_string(k));
  return Reader((*j_)[k], document_, path_ + "[" + std::to_string(k) + "]");
}

std::size_t Reader::size() const {
  if (!j_->is_array()) fail("is not an array");
  return j_->size();
}

std::vector<std::string> Reader::keys() const {
  if (!j_->is_object()) fail("is not an object");
  std::vector<std::string> out;
  for (const auto& [key, value] : j_->items()) out.push_back(key);
  return out;
}

double Reader::real() const {
  if (j_->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!j_->is_number()) fail("is " + brief(*j_) + ", not a number");
  return j_->get<double>();
}

double Reader::constant(const std::string& key) const {
  const Reader v = (*this)[key];
  if (v.json().is_string()) {
    if (v.json() == "inf") return std::numeric_limits<double>::infinity();
    if (v.json() == "-inf") return -std::numeric_limits<double>::infinity();
    v.fail("is " + brief(v.json()) + ", not a number or null");
  }
  if (v.json().is_null() && has("infinite")) {
    const Reader listed = (*this)["infinite"];
    for (std::size_t k = 0; k < listed.size(); ++k)
      if (listed.at(k).text() == key) return std::numeric_limits<double>::infinity();
  }
  return v.real();
}

std::uint64_t Reader::u64() const {
  if (!j_->is_number_unsigned() && !(j_->is_number_integer() && j_->get<std::int64_t>() >= 0))
    fail("is " + brief(*j_) + ", not an integer >= 0");
  return j_->get<std::uint64_t>();
}

std::uint32_t Reader::u32() const {
  const std::uint64_t v = u64();
  if (v > std::numeric_limits<std::uint32_t>::max()) fail("is " + brief(*j_) + ", more than 2^32 - 1");
  return static_cast<std::uint32_t>(v);
}

std::int64_t Reader::i64() const {
  if (!j_->is_number_integer() ||
      (j_->is_number_unsigned() && j_->get<std::uint64_t>() > 0x7fffffffffffffffULL))
    fail("is " + brief(*j_) + ", not a 64-bit integer");
  return j_->get<std::int64_t>();
}

bool Reader::boolean() const {
  if (!j_->is_boolean()) fail("is " + brief(*j_) + ", not true or false");
  return j_->get<bool>();
}

std::string Reader::text() const {
  if (!j_->is_string()) fail("is " + brief(*j_) + ", not a string");
  return j_->get<std::string>();
}

std::vector<double> Reader::reals() const {
  std::vector<double> out;
  for (std::size_t k = 0; k < size(); ++k) out.push_back(at(k).real());
  return out;
}

std::vector<std::uint32_t> Reader::u32s() const {
  std::vector<std::uint32_t> out;
  for (std::size_t k = 0; k < size(); ++k) out.push_back(at(k).u32());
  return out;
}

}  // namespace signrate::io
