// Running systemctl/launchctl: found on PATH, started without a shell
// (posix_spawn), output captured so a failure can be reported in one line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace agent::service {

struct CommandResult {
    int exit_code = -1;  ///< 128 + signal when it was killed
    std::string output;  ///< stdout and stderr, interleaved as written
};

/// The executable `name` in $PATH, or nullopt (also when PATH is unset).
std::optional<std::filesystem::path> find_on_path(const std::string& name);

/// Runs `program` (an absolute path) with `argv` (argv[0] included), stdin
/// from /dev/null. Throws naming the command when it cannot be started.
CommandResult run_command(const std::filesystem::path& program, const std::vector<std::string>& argv);

/// `argv` as a line a user can paste into a POSIX shell (single quotes where needed).
std::string shell_line(const std::vector<std::string>& argv);

/// The first non-empty line of `text`, trimmed.
std::string first_line(const std::string& text);
/// The last non-empty line of `text`, trimmed (for one-line error messages).
std::string last_line(const std::string& text);

}  // namespace agent::service
