// `usage-agent import cursor-csv FILE`: Cursor's dashboard usage export.
//
// Columns are found by name (old exports have no Kind / Max Mode and add
// `Cost to you`; team exports add user columns). The four token columns are
// disjoint: `Input (w/ Cache Write)` -> cache_write_5m, `Input (w/o Cache
// Write)` -> input, `Cache Read` -> cache_read, `Output Tokens` -> output;
// `Total Tokens` must equal their sum. The export is the complete record of
// its span, which the result declares in `covers`.
#pragma once

#include <filesystem>

#include "usage/scan/source.hpp"

namespace usage::plugins::cursor {

/// Every usable row as an event. Throws std::runtime_error naming the file
/// when it cannot be read, has no header, or lacks a required column; a bad
/// row is counted in `malformed_lines` and skipped.
ScanResult import_cursor_csv(const std::filesystem::path& file);

}  // namespace usage::plugins::cursor
