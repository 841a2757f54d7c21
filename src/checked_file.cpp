#include "signrate/checked_file.hpp"

#include <boost/crc.hpp>
#include <cinttypes>
#include <cstdio>

#include "signrate/error.hpp"
#include "signrate/text.hpp"

namespace signrate {

std::uint64_t crc64(std::string_view bytes) {
  boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

namespace {

std::string checksum_line(std::string_view payload) {
  char line[80];
  std::snprintf(line, sizeof line, "crc64 %016" PRIx64 " bytes %zu\n", crc64(payload), payload.size());
  return line;
}

}  // namespace

std::string checked_file(const std::string& format, std::string_view payload) {
  return format + "\n" + checksum_line(payload) + std::string(payload);
}

std::string checked_payload(std::string_view file, const std::string& format, const std::string& what) {
  const auto refuse = [&](const std::string& why) -> SpecError {
    return SpecError(what + ": " + why + "; allowed: a file written as " + format + ", unchanged");
  };
  const std::size_t first = file.find('\n');
  const std::string_view name = file.substr(0, std::min<std::size_t>(first, 80));
  if (first == std::string_view::npos || file.substr(0, first) != format)
    throw refuse("its format is not " + format + " (it starts with '" + printable(name) + "')");
  const std::size_t second = file.find('\n', first + 1);
  if (second == std::string_view::npos || second - first > 80) throw refuse("its checksum line is damaged");
  const std::string_view header = file.substr(first + 1, second - first);
  const std::string_view payload = file.substr(second + 1);
  if (header != checksum_line(payload)) {
    std::uint64_t crc = 0;
    std::size_t bytes = 0;
    const std::string line(header);
    if (std::sscanf(line.c_str(), "crc64 %16" SCNx64 " bytes %zu", &crc, &bytes) != 2)
      throw refuse("its checksum line is damaged");
    if (bytes != payload.size())
      throw refuse("it holds " + std::to_string(payload.size()) +
                   " bytes after its header, its header says " + std::to_string(bytes) +
                   " (cut short or grown)");
    throw refuse("its checksum does not match its contents (the file is damaged or was edited)");
  }
  return std::string(payload);
}

}  // namespace signrate
