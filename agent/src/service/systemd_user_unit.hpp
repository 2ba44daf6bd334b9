// The systemd user unit that runs `usage-agent run`: its text, shared by
// `service install` and packaging/systemd/usage-agent.service (a test
// compares the two), so the packaged and the generated unit cannot drift.
#pragma once

#include <string>
#include <vector>

namespace agent::service {

inline constexpr const char* kSystemdUnitName = "usage-agent.service";

/// The unit file whose ExecStart runs `command` (an absolute program path,
/// then its arguments). Throws when an argument cannot be written in a
/// unit (a newline or a control character).
std::string systemd_unit_text(const std::vector<std::string>& command);

/// One ExecStart argument as systemd parses it back: `%` and `$` doubled
/// (specifiers and variables), quoted when it holds spaces, quotes,
/// backslashes or `;`.
std::string systemd_exec_word(const std::string& arg);

}  // namespace agent::service
