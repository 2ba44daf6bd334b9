// This very binary's absolute path, for the commands other programs will run
// (a service unit, Claude Code's statusLine): a name looked up on their PATH
// could be another version, or nothing.
#pragma once

#include <filesystem>

namespace agent {

/// Throws std::runtime_error (one line) when the system cannot say.
std::filesystem::path self_executable();

}  // namespace agent
