// Invalid UTF-8 in a transcript line (a truncated multi-byte character in a
// tool result, say) must not cost the usage on that line: simdjson rejects
// such input, so the line is repaired in place and parsed again.
#pragma once

#include <cstddef>

namespace usage::detail {

/// Replace every byte that is not part of a valid UTF-8 sequence with '?'.
/// Returns the number of bytes replaced. Length is unchanged.
std::size_t repair_utf8(char* data, std::size_t size);

}  // namespace usage::detail
