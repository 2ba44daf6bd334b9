// `usage-agent statusline install`: set this program as Claude Code's
// statusLine command in its settings.json, keeping everything else the file holds.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "usage/config/environment.hpp"

namespace agent {

/// Claude Code's user settings: $CLAUDE_CONFIG_DIR/settings.json (its first
/// folder, when a list), else ~/.claude/settings.json.
std::filesystem::path claude_settings_path(const usage::Environment& env);

/// `word` quoted for a POSIX shell when it needs to be (Claude Code runs the
/// statusLine command through one).
std::string shell_word(const std::string& word);

struct StatuslinePlan {
    enum class Action { add, replace, unchanged };
    Action action = Action::add;
    std::string before;  ///< the current statusLine value as JSON ("" when none)
    std::string after;   ///< the statusLine value installed, as JSON
    std::string text;    ///< the whole new settings.json
};

/// What installing `command` into settings `current` (the file's text; nullopt
/// when there is no file) does. Every other key keeps its value and place.
/// Throws std::runtime_error when the text is not a JSON object, and when
/// another statusLine is set and `force` is false.
StatuslinePlan plan_statusline(const std::optional<std::string>& current, const std::string& command, bool force,
                               const std::string& where);

}  // namespace agent
