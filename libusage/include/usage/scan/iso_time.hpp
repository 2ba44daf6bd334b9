// ISO-8601 timestamps as the tools write them, to UTC milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace usage::detail {

/// Parse `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (no zone = UTC).
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace usage::detail
