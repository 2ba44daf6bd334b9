// usage/scan/jsonl_reader.hpp — the streaming line reader behind every JSONL source.
//
// Transcripts are dominated by multi-megabyte lines that carry no usage. The
// reader streams the file through one buffer, looks for a byte-level needle
// (e.g. `"usage":`) across the whole buffer and only then finds the lines
// around the hits, so irrelevant lines cost a memmem pass and nothing else.
// Lines without a hit are never copied; a hit line longer than the buffer is
// assembled once (one copy). The reader never reports an incomplete last line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

namespace usage {

struct JsonlReadResult {
    std::uint64_t end_offset = 0;  ///< offset after the last complete line
    std::uint64_t bytes_read = 0;
};

/// Called for every complete line that contains the needle. The line excludes
/// the newline; at least kJsonlPadding readable bytes follow it (simdjson's
/// padding), and the callback may modify the line bytes in place.
using JsonlLineHandler = std::function<void(char* line, std::size_t size, std::uint64_t line_offset)>;

inline constexpr std::size_t kJsonlPadding = 64;

/// Stream `path` from `start_offset`. Throws std::runtime_error naming the
/// file when it cannot be opened or read.
JsonlReadResult read_jsonl_matches(const std::filesystem::path& path, std::uint64_t start_offset,
                                   std::string_view needle, const JsonlLineHandler& on_line);

}  // namespace usage
