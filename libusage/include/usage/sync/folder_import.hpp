// usage/sync/folder_import.hpp — merge a shared sync folder (docs/folder-sync.md)
// into a store: every machine's segments, through the endpoint's ingest, so
// events merge by id exactly as if each machine had pushed them to a server.
//
// A sync tool may deliver a segment partially or damaged: such a segment is
// skipped with a warning naming it (and read again next time, when it may be
// whole), never aborting the rest. A line or an event the endpoint would
// refuse is skipped and counted with a warning naming the file and line. A
// segment read whole is remembered in the store's meta (by machine, name and
// size), so importing again reads only new segments.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "usage/store/store.hpp"

namespace usage::sync {

struct FolderImportStats {
    std::uint64_t machines = 0;         ///< machine subfolders seen
    std::uint64_t segments_seen = 0;    ///< segment files seen (temporary files not counted)
    std::uint64_t segments_read = 0;    ///< read and ingested now
    std::uint64_t segments_known = 0;   ///< imported before, not read again
    std::uint64_t segments_broken = 0;  ///< skipped: truncated, not gzip, unreadable
    std::uint64_t lines_refused = 0;    ///< batch lines refused whole (not JSON, wrong envelope)
    std::uint64_t events_read = 0;      ///< rows ingested (events, superseded copies, failed calls)
    std::uint64_t events_new = 0;
    std::uint64_t events_updated = 0;
    std::uint64_t events_unchanged = 0;
    std::uint64_t events_refused = 0;  ///< rows the endpoint would refuse by name, skipped
    std::uint64_t session_costs = 0;   ///< session cost ledger figures read
    std::vector<std::string> warnings;
};

/// Import every `<folder>/<machine>/<segment>.jsonl.gz` not imported before.
/// Throws std::runtime_error "FOLDER: ..." when the folder cannot be listed.
FolderImportStats import_folder(Store& store, const std::filesystem::path& folder);

}  // namespace usage::sync
