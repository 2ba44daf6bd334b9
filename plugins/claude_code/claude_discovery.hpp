// Where Claude Code keeps transcripts, and which files are transcripts.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::claude {

/// `projects/` folders: $CLAUDE_CONFIG_DIR (comma list; each entry is the
/// config dir or its projects/ child), else ~/.config/claude/projects and
/// ~/.claude/projects; plus extra paths from the config.
std::vector<std::filesystem::path> claude_roots(const DiscoveryContext& ctx);

/// Every transcript below the roots, each file once even when roots overlap
/// (symlinks). Classifies main files, flat `agent-*.jsonl` and nested
/// `<session>/subagents/**/agent-*.jsonl`; skips `journal.jsonl`.
std::vector<SourceFile> discover_claude_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::claude
