// Line readers besides usage::read_jsonl_matches: the first lines of a plain
// rollout (its session_meta run), and every line of a `.jsonl.zst` rollout
// decompressed as a stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

namespace usage::plugins::codex {

/// Called with a complete line (no newline) followed by at least
/// usage::kJsonlPadding readable bytes; the line may be modified in place.
/// `capacity` is the line size plus those bytes; `number` is its 1-based
/// line number in the (decompressed) text.
using LineSink = std::function<bool(char* line, std::size_t size, std::size_t capacity, std::uint64_t number)>;

/// Feed the lines of `path` from its start to `sink` while it returns true.
/// Returns the offset after the last line the sink accepted. Stops at the
/// first line whose first bytes (up to 256) `wanted` rejects, without reading
/// the rest of it, at the first incomplete line, and after `max_bytes`.
std::uint64_t read_leading_lines(const std::filesystem::path& path, std::uint64_t max_bytes,
                                 const std::function<bool(std::string_view head)>& wanted, const LineSink& sink);

struct ZstdLines {
    std::uint64_t compressed_bytes = 0;
    bool complete = true;  ///< false when the stream ended inside a frame
};

/// Decompress `path` (zstd, any number of frames) chunk by chunk and feed
/// each complete line to `sink` (its return value is ignored). `wanted` sees
/// the first bytes of each line (up to 256) and may drop the line: dropped
/// lines are never assembled, so memory stays at a chunk plus the longest
/// wanted line. Throws std::runtime_error naming the file on I/O or data
/// errors; a truncated last frame only ends the stream (`complete` false).
ZstdLines read_zstd_lines(const std::filesystem::path& path, const std::function<bool(std::string_view head)>& wanted,
                          const LineSink& sink);

}  // namespace usage::plugins::codex
