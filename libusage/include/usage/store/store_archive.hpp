// usage/store/store_archive.hpp — a local store copied, moved and checked:
// what `usage-agent store backup|export|import|check` run.
//
// An export is JSON Lines: one header line (format, version, the machines),
// then one line per stored row — events, superseded copies and failed calls —
// each the protocol's event object (docs/sync-protocol.md) plus its `user`,
// then one `{"session_cost": {...}}` line per figure of the session cost
// ledger (the protocol's `session_costs` object), which the ledger cannot
// rebuild from transcripts: a tool reported it once, in a statusline.
// An import merges those rows by id exactly as a scan or an endpoint's
// ingest does (TokenCounts::merge_copy), so importing a file twice, or into a
// store that already holds some of its rows, changes nothing twice.
// A PostgreSQL team store is backed up with PostgreSQL's own tools instead.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "usage/store/store.hpp"
#include "usage/sync/outbox.hpp"

namespace usage {

/// The first line's `format` and the version this library writes and reads.
inline constexpr const char* kExportFormat = "usage-agent-export";
inline constexpr int kExportVersion = 1;

/// What an export wrote: its rows by kind, as the outbox counts them
/// (events, superseded copies, failed calls), and the machines.
struct ExportStats {
    sync::OutboxCount rows;
    std::uint64_t machines = 0;
    std::uint64_t session_costs = 0;  ///< figures of the session cost ledger
};

/// Write every row of `store` to `out` (the header first). `progress` is
/// called now and then with the rows written so far. Throws
/// std::runtime_error when `out` fails (e.g. the disk is full) or when the
/// store is not a local SQLite one.
ExportStats export_store(const Store& store, std::ostream& out,
                         const std::function<void(std::uint64_t rows)>& progress = {});

/// What an import did. Rows that are not valid are skipped and named in
/// `problems` (the first few, as "line N: reason"); every valid row is stored.
struct StoreImportStats {
    std::uint64_t rows_read = 0;  ///< valid rows
    std::uint64_t invalid = 0;    ///< rows refused (see problems)
    std::uint64_t machines = 0;
    std::uint64_t session_costs = 0;          ///< ledger figures read (valid ones)
    std::uint64_t session_costs_changed = 0;  ///< of them, larger than the store's (so kept)
    ApplyStats applied;  ///< new / updated / unchanged rows, as a scan counts them
    std::vector<std::string> problems;
};

/// Merge an export read from `in` into `store`, committing every few
/// thousand rows. `name` names the input in messages. Throws
/// std::runtime_error naming it (and the line) when it is not an export
/// this version reads; `progress` gets the bytes read so far.
StoreImportStats import_store(Store& store, std::istream& in, const std::string& name,
                              const std::function<void(std::uint64_t bytes)>& progress = {});

/// Copy the SQLite store `db_file` to `to` with SQLite's online backup API:
/// a consistent snapshot even while another process writes to the store.
/// The copy is written beside `to` and renamed into place once complete and
/// checked, so `to` is never half written; it is one self-contained file
/// (rollback journal, not WAL). Refuses an existing `to` unless `overwrite`.
/// Returns the copy's size in bytes; throws std::runtime_error naming the
/// file on any failure (a missing store, a full disk), leaving no partial file.
std::uint64_t backup_store_file(const std::filesystem::path& db_file, const std::filesystem::path& to,
                                bool overwrite = false);

/// The verdict on a SQLite store file, read without changing it (no
/// migration, read-only).
struct StoreCheck {
    std::filesystem::path file;
    int schema_version = 0;             ///< the file's; 0 when it could not be read
    int current_version = 0;            ///< what this library writes (Store::kSchemaVersion)
    std::int64_t rows = 0;              ///< rows of events
    std::int64_t events = 0;            ///< counted events (not superseded, not failed)
    std::vector<std::string> problems;  ///< empty: the store is sound
    std::vector<std::string> notes;     ///< facts that are not problems (e.g. "will be upgraded")
    [[nodiscard]] bool ok() const { return problems.empty(); }
};

/// SQLite's integrity and foreign-key checks, the schema version, and that
/// the hourly and daily rollups sum to exactly what the events do.
StoreCheck check_store_file(const std::filesystem::path& db_file);

}  // namespace usage
