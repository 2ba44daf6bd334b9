// Where OpenCode keeps its data, and which files hold messages.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::opencode {

/// SourceFile kinds.
inline constexpr const char* kKindDatabase = "database";
inline constexpr const char* kKindLegacyMessage = "legacy-message";

/// OpenCode's data folder: $OPENCODE_DATA_DIR, else $XDG_DATA_HOME/opencode
/// (~/.local/share/opencode); plus extra paths from the config (each a data
/// folder, or its `storage/` child).
std::vector<std::filesystem::path> opencode_roots(const DiscoveryContext& ctx);

/// Every `opencode*.db` directly in a root (stat folds in its `-wal`) and
/// every legacy `storage/message/<session>/<message>.json` below it. Costs
/// directory listings and one stat per file: no file is opened. Each file
/// once even when roots overlap.
std::vector<SourceFile> discover_opencode_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::opencode
