#pragma once
namespace signrate {
inline constexpr const char* kVersion = "0.1.0";
}
