// Where Cline, Roo Code and Kilo Code keep their task folders, and which
// files of a folder are read. The three extensions share one layout:
// `<VS Code user dir>/globalStorage/<extension id>/tasks/<taskId>/ui_messages.json`.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage::plugins::vscode_tasks {

/// The `User` folders of every VS Code build that can host the extensions
/// (Code, Code - Insiders, VSCodium, Cursor, Windsurf) on Linux
/// ($XDG_CONFIG_HOME and ~/.config) and macOS (~/Library/Application
/// Support), VS Code Server's (~/.vscode-server/data/User, remote and WSL),
/// and the ones VS Code itself moves: $VSCODE_PORTABLE/user-data/User and
/// $VSCODE_APPDATA/<app>/User.
std::vector<std::filesystem::path> vscode_user_dirs(const Environment& env);

/// `<user dir>/globalStorage/<extension_id>/tasks` for every user dir, then
/// the configured extra paths (`sources.<name>.paths`).
std::vector<std::filesystem::path> extension_task_roots(const DiscoveryContext& ctx, std::string_view extension_id);

/// The same below one Windows user's home (%APPDATA% is AppData/Roaming).
std::vector<std::filesystem::path> windows_extension_task_roots(const std::filesystem::path& windows_home,
                                                                std::string_view extension_id);

/// Every task folder's ui_messages.json below the roots, each folder once. A
/// root may be a `tasks` folder, its parent (the extension's storage) or one
/// task folder. Each file is a snapshot (rewritten whole on every message);
/// its stat carries the task FOLDER's identity and the summed sizes and
/// latest mtime of the task's files, because Roo and Kilo replace the file
/// by rename on every save (a new inode each time) and a change of the
/// conversation history or metadata (model fallbacks) must count too.
std::vector<SourceFile> discover_task_files(const std::vector<std::filesystem::path>& roots);

/// The files of a task folder besides ui_messages.json that the scan reads.
inline constexpr std::string_view kHistoryFile = "api_conversation_history.json";
inline constexpr std::string_view kMetadataFile = "task_metadata.json";
inline constexpr std::string_view kHistoryItemFile = "history_item.json";
inline constexpr std::string_view kMessagesFile = "ui_messages.json";

}  // namespace usage::plugins::vscode_tasks
