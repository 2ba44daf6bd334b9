// Recovery for legacy session files that do not parse.
//
// Old Gemini CLI versions rewrite `session-*.json` with a plain
// writeFileSync: a crash or a full disk mid-write leaves the file cut off,
// and simdjson rejects the whole document. Every message written before the
// cut is still whole, so instead of losing the session we find the complete
// elements of the top-level `messages` array and parse each on its own.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace usage::plugins::gemini {

struct SalvageMap {
    /// Offset of the `[` that opens the root's `messages` array, or npos.
    std::size_t messages_open = std::string_view::npos;
    /// [begin, end) of every element of that array that is a complete
    /// `{...}` (as far as brackets and strings go; the parser checks the rest).
    std::vector<std::pair<std::size_t, std::size_t>> messages;
};

/// Scan `doc` (bytes only, strings and escapes respected) for the pieces above.
SalvageMap map_salvageable(std::string_view doc);

}  // namespace usage::plugins::gemini
