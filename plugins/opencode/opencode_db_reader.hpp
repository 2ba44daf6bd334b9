// OpenCode's SQLite database (`opencode.db`, `opencode-<channel>.db`), read
// while OpenCode may be writing it: a read-only connection, one short read
// transaction, and an incremental mark kept in the cursor state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>

#include "opencode_message.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins::opencode {

/// How long after its `time_updated` a message row is taken as settled.
/// OpenCode stamps `time_updated` before its write commits, so with several
/// OpenCode processes (or a writer waiting on a lock) a row may become
/// visible after a row with a later stamp. The mark therefore only moves over
/// rows older than this; younger rows are read again by the next scans (the
/// store's upsert by id makes that harmless).
inline constexpr std::int64_t kSettleMs = 10 * 60 * 1000;

/// The last settled message row read: rows after it in (time_updated, id)
/// order are new or changed.
struct DbMark {
    std::int64_t time_updated = std::numeric_limits<std::int64_t>::min();
    std::string id;

    /// The mark saved in `state`; no mark (read everything) for an empty or
    /// unrecognised state.
    static DbMark from_state(std::string_view state);
    [[nodiscard]] std::string to_state() const;
    bool operator==(const DbMark&) const = default;
};

struct DbScan {
    ScanResult result;
    std::uint64_t rows_read = 0;  ///< message rows the query returned
};

/// Read the message rows after the mark in `state`. `now_ms` (wall clock)
/// decides which rows are settled; the events are of `source` (see
/// make_event). Throws std::runtime_error naming the file when the database
/// cannot be opened or read.
DbScan scan_database(const std::filesystem::path& db, const std::string& state, std::int64_t now_ms,
                     std::string_view source = kSourceName);

}  // namespace usage::plugins::opencode
