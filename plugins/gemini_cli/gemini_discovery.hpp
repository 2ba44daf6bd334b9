// Where Gemini CLI keeps its session files, and which files they are.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::gemini {

/// `tmp/` folders holding one folder per project: $GEMINI_DATA_DIR (a comma
/// list of `.gemini` dirs), else $GEMINI_CLI_HOME/.gemini (Gemini CLI's own
/// override of the home that holds `.gemini`), else ~/.gemini; plus extra
/// paths from the config. Each entry may also name the `tmp/` folder itself.
std::vector<std::filesystem::path> gemini_roots(const DiscoveryContext& ctx);

/// Every session file below the roots, each file once: main sessions
/// `<project>/chats/session-*.json` (snapshot: rewritten in place) and
/// `session-*.jsonl` (append-only), and subagent sessions
/// `<project>/chats/<parent session id>/*.json[l]`. A root may also be a
/// project folder itself (it has a `chats/` child).
std::vector<SourceFile> discover_gemini_files(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::gemini
