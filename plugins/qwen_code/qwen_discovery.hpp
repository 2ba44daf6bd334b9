// Where Qwen Code keeps chat files, and which files are chat files.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::qwen {

/// Qwen base folders (each holds `projects/` and `tmp/`): $QWEN_DATA_DIR
/// (comma list, a peer convention) alone when set; else $QWEN_RUNTIME_DIR
/// (Qwen's runtime output dir) and $QWEN_HOME or ~/.qwen (its global dir,
/// the runtime dir's default); plus extra paths from the config.
std::vector<std::filesystem::path> qwen_roots(const DiscoveryContext& ctx);

/// Every `*.jsonl` below `projects/<sanitized cwd>/chats/` and
/// `tmp/<hash>/chats/` of each root (a root that has neither is taken as a
/// `projects/` folder itself), each file once even when roots overlap.
std::vector<SourceFile> discover_qwen_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::qwen
