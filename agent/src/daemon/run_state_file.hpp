// What `usage-agent run` last did, for `status`: `<state>/run-state.json`,
// replaced atomically after each scan. The store keeps the push's own record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "usage/scan/scan_engine.hpp"

namespace agent {

struct LastScan {
    std::int64_t at_ms = 0;  ///< UTC, milliseconds since the epoch
    std::uint64_t files_read = 0;
    std::uint64_t events_new = 0;
    std::uint64_t events_updated = 0;
    double seconds = 0;
};

/// The totals of one scan, stamped now.
LastScan summarize_scan(const std::vector<usage::SourceScanStats>& stats);

void save_last_scan(const std::filesystem::path& state_dir, const LastScan& scan);
/// nullopt when `run` never scanned here (or the file is unreadable).
std::optional<LastScan> load_last_scan(const std::filesystem::path& state_dir);

}  // namespace agent
