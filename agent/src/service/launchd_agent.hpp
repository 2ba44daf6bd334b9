// The launchd LaunchAgent that runs `usage-agent run`: its text, shared by
// `service install` and packaging/launchd/dev.usage-agent.plist (a test
// compares the two).
#pragma once

#include <string>
#include <vector>

namespace agent::service {

/// The job label; the plist is ~/Library/LaunchAgents/<label>.plist by launchd's convention.
inline constexpr const char* kLaunchdLabel = "dev.usage-agent";

/// The plist that runs `command` (absolute program path, then arguments)
/// and logs to `log_dir`/stdout.log and stderr.log. launchd expands neither
/// `~` nor `$HOME`, so `log_dir` must be absolute.
std::string launchd_plist_text(const std::vector<std::string>& command, const std::string& log_dir);

}  // namespace agent::service
