// Where Amp keeps thread files, and which files are threads.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::amp {

/// Amp data folders (each holds `threads/`): $AMP_DATA_DIR (comma list; the
/// variable ccusage reads, not one Amp itself documents) alone when set; else
/// $XDG_DATA_HOME/amp and ~/.local/share/amp; plus extra paths from the config.
std::vector<std::filesystem::path> amp_roots(const DiscoveryContext& ctx);

/// Every `threads/T-*.json` of each root (a root without `threads/` is taken
/// as the threads folder itself), each file once even when roots overlap.
/// Amp rewrites a thread file whole: ReadMode::snapshot.
std::vector<SourceFile> discover_amp_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::amp
