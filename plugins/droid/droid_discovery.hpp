// Where Factory Droid keeps its sessions.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::droid {

/// The sessions folder: `$DROID_SESSIONS_DIR`, else `$FACTORY_DIR/sessions`,
/// else `~/.factory/sessions` (both variables are conventions of peer
/// readers, not of Droid itself); plus extra paths from the config (each a
/// sessions folder).
std::vector<std::filesystem::path> droid_roots(const DiscoveryContext& ctx);

/// Every `<session>.settings.json` in a root or one folder below it
/// (`<cwd-slug>/`), read as ReadMode::cumulative; the slug is the project
/// hint. Each file once even when roots overlap.
std::vector<SourceFile> discover_droid_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::droid
