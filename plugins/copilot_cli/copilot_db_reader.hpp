// `session-store.db`: Copilot's SQLite store of all sessions (WAL mode;
// rows often only in the -wal). Table `assistant_usage_events` holds one row
// per API request, the most trusted of Copilot's three records.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "usage/scan/source.hpp"

namespace usage::plugins::copilot {

/// The last row read (the table's autoincrement `id`); rows above it are new.
struct DbMark {
    std::int64_t last_id = -1;
    static DbMark from_state(std::string_view state);
    [[nodiscard]] std::string to_state() const;
};

/// Read the rows after the mark in `state`: one event per row, id
/// `copilot-cli:<session_id>:db:<id>` (not a replay: it supersedes the
/// session's OTel spans and shutdown totals). Throws std::runtime_error
/// naming the file when it cannot be opened or read.
ScanResult scan_session_store(const std::filesystem::path& db, const std::string& state);

}  // namespace usage::plugins::copilot
