// Where Goose keeps its sessions database.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::goose {

/// Goose's data folders: `$GOOSE_PATH_ROOT/data` when set (Goose then uses
/// nothing else), else `$XDG_DATA_HOME/goose` (~/.local/share/goose; Goose's
/// etcetera app strategy is XDG on macOS too) and the macOS folders peers
/// probe; plus extra paths from the config (a data folder or its
/// `sessions/` child).
std::vector<std::filesystem::path> goose_roots(const DiscoveryContext& ctx);

/// `sessions/sessions.db` below each root (or `sessions.db` in a root that is
/// the sessions folder), its `-wal` folded into the stat, read as
/// ReadMode::cumulative. Each database once even when roots overlap.
std::vector<SourceFile> discover_goose_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::goose
