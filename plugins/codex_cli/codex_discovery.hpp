// Where Codex keeps rollouts, and which copy of a rollout to read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::codex {

/// Codex homes: $CODEX_HOME (comma list, entries trimmed) else ~/.codex,
/// plus extra paths from the config.
std::vector<std::filesystem::path> codex_roots(const DiscoveryContext& ctx);

/// Every rollout below the homes' `sessions/` and `archived_sessions/` (a
/// root with neither is searched as a folder of rollouts), as
/// `rollout-*.jsonl` or `rollout-*.jsonl.zst`. One rollout kept in several
/// copies is listed once: the `sessions/` copy over the archived one, then
/// the plain file over the `.zst`. `.zst` files are ReadMode::snapshot.
std::vector<SourceFile> discover_rollouts(const std::vector<std::filesystem::path>& roots);

/// The thread id at the end of a rollout file name, or "" when it has none.
std::string thread_id_from_name(const std::string& file_name);

}  // namespace usage::plugins::codex
