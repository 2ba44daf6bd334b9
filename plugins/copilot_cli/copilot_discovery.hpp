// Where Copilot CLI keeps its files, and which of them hold usage.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::copilot {

/// $COPILOT_HOME (comma list) or ~/.copilot, $XDG_CONFIG_HOME/.copilot
/// (versions up to 0.0.421), the folder of $COPILOT_OTEL_FILE_EXPORTER_PATH,
/// and the configured paths.
std::vector<std::filesystem::path> copilot_roots(const DiscoveryContext& ctx);

/// Below each root: `session-store.db` (snapshot, its -wal folded into the
/// stat), `session-state/<id>/events.jsonl`, `otel/*.jsonl`, and top-level
/// `*.jsonl` files whose first bytes are an OpenTelemetry file-export record
/// (how the file named by COPILOT_OTEL_FILE_EXPORTER_PATH is found without
/// reading every JSONL file of its folder).
std::vector<SourceFile> discover_copilot_files(const std::vector<std::filesystem::path>& roots);

/// Whether `path` starts like an OpenTelemetry file export (`{"type":"span"`,
/// `"metric"` or `"log"`). False for anything that is not a regular file.
bool looks_like_otel_export(const std::filesystem::path& path);

}  // namespace usage::plugins::copilot
