// usage/scan/scan_engine.hpp — one incremental scan of every enabled source into
// the store.
//
// For each plugin: discover files and skip those whose cursor says
// unchanged; then scan the rest of every source on one small worker pool and
// commit each file's events with its new cursor in one transaction. The
// engine is the only piece that knows both plugins and the store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "usage/config/config.hpp"
#include "usage/config/environment.hpp"
#include "usage/store/store.hpp"

namespace usage {

class SourcePlugin;

struct SourceScanStats {
    std::string source;
    std::uint64_t files_seen = 0;
    std::uint64_t files_read = 0;
    std::uint64_t events_read = 0;   ///< events in the lines read (after in-file dedup)
    std::uint64_t events_new = 0;    ///< events added to the store (new rows that are not superseded copies)
    std::uint64_t failures_new = 0;  ///< failed calls added to the store (UsageEvent::failure; not events)
    std::uint64_t events_updated = 0;
    /// Events stored before this scan that it found to be copies of another
    /// (superseded: they stop counting). Reports' events grow by new - superseded.
    std::uint64_t events_superseded = 0;
    std::uint64_t bytes_read = 0;
    std::uint64_t malformed_lines = 0;
    std::uint64_t events_invalid = 0;  ///< skipped: a count broke the rule of usage/model/token_limits.hpp
    /// Discovery plus the time parser threads spent reading this source's
    /// files. Sources are read together, so these add up to more than the
    /// scan's wall time.
    double seconds = 0;
    std::vector<std::string> errors;  ///< one line per file that could not be read
    /// One line per file with invalid events, naming the file, the line (or
    /// row) and the field of the first one (InvalidEvents::warning).
    std::vector<std::string> warnings;
};

struct ScanOptions {
    std::vector<std::string> only_sources;  ///< empty = every enabled source
    bool full_rescan = false;
    unsigned threads = 0;  ///< 0 = hardware concurrency
    /// Progress: bytes done, bytes total. Called from the engine's thread.
    std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

struct ImportStats {
    std::string source;  ///< the plugin that offered the importer
    std::uint64_t events_read = 0;
    std::uint64_t events_new = 0;
    std::uint64_t events_updated = 0;
    std::uint64_t events_unchanged = 0;
    std::uint64_t events_superseded = 0;  ///< as in SourceScanStats
    std::uint64_t malformed_lines = 0;
    std::uint64_t events_invalid = 0;  ///< rows skipped: a count broke the rule of usage/model/token_limits.hpp
    std::string warning;               ///< about the invalid rows; empty when there are none
};

/// Names of every importer any plugin offers (for --help and errors).
std::vector<std::string> importer_names();

/// Import a hand-exported file through the plugin that offers `importer`
/// (e.g. "cursor-csv"). Events are attributed to this machine and user and
/// upserted like scanned ones, so importing the same file twice is harmless.
/// Throws std::runtime_error for an unknown importer or unreadable file.
ImportStats import_exported_file(Store& store, const Config& config, const std::string& importer,
                                 const std::filesystem::path& file);

/// The folders a scan of one source looks in, existing or not: the tool's
/// own roots with `sources.<name>.paths`, and its Windows-side roots when the
/// WSL settings turn that scan on (their events belong to `<machine>/windows`).
struct SourceRoots {
    std::vector<std::filesystem::path> local;
    std::vector<std::filesystem::path> windows;
};
SourceRoots source_roots(const SourcePlugin& plugin, const Config& config, const Environment& env);

/// Scan every enabled source. Per-file read errors are reported in the stats
/// and never stop the scan; store errors throw.
std::vector<SourceScanStats> scan_sources(Store& store, const Config& config, const Environment& env,
                                          const ScanOptions& options);

}  // namespace usage
