// The layout of a shared sync folder, written by folder_push.cpp and read by
// folder_import.cpp (docs/folder-sync.md): `<folder>/<machine id>/` holds one
// machine's segments, `<8-digit seq>-<16 hex>.jsonl.gz`; names starting with
// a dot are files still being written (or left by a crash) and never read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usage::sync {

inline constexpr std::string_view kSegmentSuffix = ".jsonl.gz";

/// Uncompressed bytes a segment may expand to when read: the writer closes a
/// segment after 64 MiB of JSON plus the line that crossed it (at most ~4 MiB).
inline constexpr std::size_t kMaxSegmentJsonBytes = 256u << 20;

/// "00000042-0123456789abcdef.jsonl.gz"
std::string segment_name(std::uint64_t seq, std::uint64_t nonce);

/// The sequence number of a segment's name; nullopt for anything else
/// (temporary files, files a sync tool added such as conflict copies keep
/// their digits but are still segments: their content is what counts).
std::optional<std::uint64_t> segment_seq(std::string_view name);

}  // namespace usage::sync
