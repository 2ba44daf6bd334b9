// Terminal facts and number formatting shared by the report renderers.
#pragma once

#include <cstdint>
#include <string>

namespace agent {

/// True when stdout is a terminal and NO_COLOR is not set.
bool colour_enabled();
bool stderr_is_tty();

/// 1234567 -> "1,234,567".
std::string with_commas(std::int64_t n);
/// 1234 -> "1,234", 1234567 -> "1.23M" (for 80-column tables).
std::string compact(std::int64_t n);
/// Micro-dollars -> "$4,284.06" (tables) or "4284.060000" (machine formats).
std::string dollars(std::int64_t micros);
std::string decimal_usd(std::int64_t micros);
/// A span for people, its two largest units: "2 h 13 min", "3 d 4 h",
/// "45 min", "20 s" (negative spans as 0 s).
std::string duration_words(std::int64_t seconds);
/// Bytes -> "1.2 GB".
std::string human_bytes(std::uint64_t bytes);

}  // namespace agent
