// usage/scan/file_cursor.hpp — how far a file has been read, and whether it is
// still the same file.
//
// A cursor remembers identity (device, inode), size, mtime, the read offset
// (always after a complete line), a hash of the file's head and of the bytes
// just before the offset. If any identity check fails the file is read again
// from the start; the store's upsert-by-id absorbs the overlap.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace usage {

struct FileStat {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
};

struct FileCursor {
    FileStat stat;
    std::uint64_t offset = 0;
    std::uint64_t head_hash = 0;  ///< hash of the first kFingerprintBytes
    std::uint64_t tail_hash = 0;  ///< hash of the kFingerprintBytes before offset
    std::string state;            ///< plugin state (opaque)
};

inline constexpr std::uint64_t kFingerprintBytes = 4096;

/// stat(2) of `path`, or nullopt when it does not exist.
std::optional<FileStat> stat_file(const std::filesystem::path& path);

/// Hash of up to kFingerprintBytes of `path` ending at `end` (head: end = min(size, 4096)).
std::uint64_t hash_file_range(const std::filesystem::path& path, std::uint64_t begin, std::uint64_t end);

/// What to do with a file given its saved cursor.
enum class CursorVerdict {
    unchanged,  ///< same file, nothing new: skip without opening it
    append,     ///< same file, grown: continue from the cursor
    restart,    ///< new, rewritten, truncated or replaced: read from 0
};

CursorVerdict judge_cursor(const std::filesystem::path& path, const FileStat& now,
                           const std::optional<FileCursor>& saved);

/// The same decision for a file read as a whole (ReadMode::snapshot):
/// unchanged when `now` equals the saved stat, restart (no state) when the
/// inode changed, else append (= scan again from the saved state).
CursorVerdict judge_snapshot(const FileStat& now, const std::optional<FileCursor>& saved);

/// The same for ReadMode::cumulative: unchanged when `now` equals the saved
/// stat, else append (= scan again from the saved state) even when the inode
/// changed; restart only when nothing was saved.
CursorVerdict judge_cumulative(const FileStat& now, const std::optional<FileCursor>& saved);

/// stat of `path` with its companion files folded in (size summed, newest
/// mtime), so a change to e.g. a SQLite `-wal` counts as a change of the
/// database. Missing companions are ignored; nullopt when `path` is missing.
std::optional<FileStat> stat_with_companions(const std::filesystem::path& path,
                                             const std::vector<std::filesystem::path>& companions);

/// stat of a SQLite database with its write-ahead log (`<path>-wal`) folded
/// in when the log holds anything: rows that only reached the log are a
/// change of the database, while the empty log a reader (this one included)
/// creates when it opens a cleanly closed database is not. nullopt when
/// `path` is missing.
std::optional<FileStat> stat_sqlite_database(const std::filesystem::path& path);

/// The cursor to save after reading `path` up to `offset`.
FileCursor make_cursor(const std::filesystem::path& path, const FileStat& at_read, std::uint64_t offset,
                       std::string state);

}  // namespace usage
