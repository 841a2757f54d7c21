#pragma once
// A file whose contents are verified before use: a first line naming its format, a second line
// with the payload's length and CRC-64 (CRC-64/XZ, Boost.CRC), then the payload. A file cut short,
// grown, or with any bit changed (a single flip, any burst up to 64 bits, and all but 2^-64 of
// other damage) is refused before a byte of its payload is read as data. The train checkpoints
// (workloads/train.cpp) are such files around LibTorch's archive.
#include <cstdint>
#include <string>
#include <string_view>

namespace signrate {

// CRC-64/XZ of `bytes` (check value: "123456789" -> 0x995dc9bbdf1939fa).
std::uint64_t crc64(std::string_view bytes);

// "<format>\ncrc64 <16 hex digits> bytes <n>\n<payload>".
std::string checked_file(const std::string& format, std::string_view payload);

// The payload of a checked file of `format`. SpecError "<what>: <why>; allowed: ..." naming what
// is wrong otherwise: another format (its first line, printable), a damaged header, a length or
// checksum that does not match.
std::string checked_payload(std::string_view file, const std::string& format, const std::string& what);

}  // namespace signrate
