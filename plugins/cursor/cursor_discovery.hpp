// Where Cursor keeps its global state database.
#pragma once

#include <filesystem>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::cursor {

/// `Cursor/User/globalStorage` folders: $XDG_CONFIG_HOME (default ~/.config)
/// on Linux, ~/Library/Application Support on macOS, plus extra paths from
/// the config (a globalStorage folder, or the Cursor / Cursor/User folder
/// above it).
std::vector<std::filesystem::path> cursor_roots(const DiscoveryContext& ctx);

/// The same folder below a Windows user's home (%APPDATA%\Cursor\User\globalStorage).
std::vector<std::filesystem::path> cursor_windows_roots(const std::filesystem::path& windows_home);

/// Each root's `state.vscdb` (once per file when roots overlap), read as a
/// snapshot whose stat folds in the `-wal` file: a database unchanged since
/// the last scan is skipped by the engine without being opened.
std::vector<SourceFile> discover_cursor_dbs(const std::vector<std::filesystem::path>& roots);

}  // namespace usage::plugins::cursor
