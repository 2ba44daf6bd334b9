// Goose's `sessions/sessions.db`, read while Goose may be writing it: a
// read-only connection and one read transaction. Every schema version Goose
// has shipped is read: columns a version lacks (accumulated_cost before v13,
// provider_name and model_config_json before v6) read as NULL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "usage/scan/source.hpp"

namespace usage::plugins::goose {

/// The events of every session whose totals grew since the counts kept in
/// `state` (see goose_totals.hpp), and the new state. `fallback_ms` dates a
/// change whose row has no readable updated_at/created_at. Throws
/// std::runtime_error naming the file when it cannot be opened or read.
ScanResult scan_sessions_db(const std::filesystem::path& db, const std::string& state, std::int64_t fallback_ms);

}  // namespace usage::plugins::goose
