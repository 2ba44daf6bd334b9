// The part of `usage-agent status` about the agent: whether `run` holds this
// state dir (pid, since when) and what the last scan found. Read from files,
// so it works whether or not the agent runs.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace agent {

/// {"agent": {...}, "last_scan": {...} | null} for `status --json`.
nlohmann::json run_status_json(const std::filesystem::path& state_dir);
/// The "agent:" and "last scan:" lines of `status`.
std::string run_status_text(const std::filesystem::path& state_dir);

}  // namespace agent
