#pragma once
// Reading a JSON document into typed values (the I/O layer's readers): every access names its
// path, so a missing key or a value of the wrong kind is one SpecError line saying where, e.g.
// `sweep JSON: points[2].metrics has no "M1"`.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace signrate::io {

class Reader {
 public:
  Reader(const nlohmann::json& j, std::string document, std::string path = "")
      : j_(&j), document_(std::move(document)), path_(std::move(path)) {}

  const nlohmann::json& json() const { return *j_; }
  bool has(const std::string& key) const { return j_->is_object() && j_->contains(key); }
  Reader operator[](const std::string& key) const;  // the member; SpecError when absent
  Reader at(std::size_t k) const;                   // the array element
  std::size_t size() const;                         // of an array (SpecError otherwise)
  std::vector<std::string> keys() const;            // of an object, in order

  double real() const;  // a number; null (a NaN or infinity written) reads as NaN
  // This object's declared constant `key` (put_constant): a number; null reads as +infinity when
  // this object's "infinite" lists key, else NaN. The strings "inf" / "-inf" of older files read too.
  double constant(const std::string& key) const;
  std::uint64_t u64() const;
  std::uint32_t u32() const;
  std::int64_t i64() const;
  bool boolean() const;
  std::string text() const;
  std::vector<double> reals() const;  // nulls read as NaN
  std::vector<std::uint32_t> u32s() const;

  [[noreturn]] void fail(const std::string& what) const;  // SpecError "<document>: <path> <what>"

 private:
  std::string where() const { return path_.empty() ? document_ : document_ + ": " + path_; }
  const nlohmann::json* j_;
  std::string document_, path_;
};

}  // namespace signrate::io
