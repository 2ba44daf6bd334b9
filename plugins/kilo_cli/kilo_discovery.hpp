// Where Kilo CLI (Kilo-Org's OpenCode fork) keeps its database.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::kilo {

/// Kilo's data folder, `$XDG_DATA_HOME/kilo` (~/.local/share/kilo: Kilo's
/// Global.Path.data, xdg-basedir + "kilo"), and the folder of `$KILO_DB` when
/// it names a database elsewhere (an absolute path; a relative one is below
/// the data folder, `:memory:` is nothing); plus extra paths from the config
/// (each a folder holding Kilo databases).
std::vector<std::filesystem::path> kilo_roots(const DiscoveryContext& ctx);

/// Every `*.db` file directly in a root: `kilo.db`, the channel databases
/// `kilo-<channel>.db` / `opencode-<channel>.db`, and a `$KILO_DB` of any
/// name. Their `-wal` is folded into the stat; read as ReadMode::snapshot.
/// Each file once even when roots overlap.
std::vector<SourceFile> discover_kilo_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::kilo
