#include "signrate/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace signrate {

namespace {

// The length of the valid UTF-8 sequence starting at s[k], or 0 when the byte there starts none.
std::size_t utf8_length(std::string_view s, std::size_t k) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(k);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2, cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3, cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (k + n > s.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(k + i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(k + i) & 0x3f);
  }
  const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < smallest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
  return buf;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

bool valid_utf8(std::string_view s) {
  for (std::size_t k = 0; k < s.size();) {
    const std::size_t n = utf8_length(s, k);
    if (n == 0) return false;
    k += n;
  }
  return true;
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t k = 0; k < s.size();) {
    const auto c = static_cast<unsigned char>(s[k]);
    const std::size_t n = utf8_length(s, k);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (n == 0 || is_control(c)) {
      out += hex_byte(c);
    } else {
      out.append(s.substr(k, n));
      k += n;
      continue;
    }
    ++k;
  }
  return out;
}

std::string shell_word(std::string_view arg) {
  constexpr std::string_view kSafe =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=:,./+@%";
  if (!arg.empty() && arg.find_first_not_of(kSafe) == std::string_view::npos) return std::string(arg);
  bool plain_quote = valid_utf8(arg);
  for (char c : arg) plain_quote = plain_quote && !is_control(static_cast<unsigned char>(c));
  std::string out;
  if (plain_quote) {
    out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
  out = "$'";
  for (std::size_t k = 0; k < arg.size();) {
    const auto c = static_cast<unsigned char>(arg[k]);
    const std::size_t n = utf8_length(arg, k);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (n == 0 || is_control(c)) {
      out += hex_byte(c);
    } else {
      out.append(arg.substr(k, n));
      k += n;
      continue;
    }
    ++k;
  }
  return out + "'";
}

std::string mean_pm_stderr(double mean, double stderr_) {
  std::ostringstream out;
  if (!(stderr_ > 0) || !std::isfinite(stderr_) || !std::isfinite(mean)) {
    out << std::setprecision(6) << mean << " +- " << stderr_;
    return out.str();
  }
  // Decimals that keep two significant digits of the standard error (none for one of 10 or more).
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(stderr_))), 0, 17);
  out << std::fixed << std::setprecision(decimals) << mean << " +- " << stderr_;
  return out.str();
}

}  // namespace signrate
