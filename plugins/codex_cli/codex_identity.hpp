// Who made a rollout's calls: thread, session folding of subagents, client
// surface, and the model default of the Codex home it lives in.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codex_lines.hpp"
#include "codex_state.hpp"

namespace usage::plugins::codex {

/// Fill the identity part of `state` from the rollout's own session_meta and
/// the ancestors' session_meta lines replayed right after it (which let a
/// nested subagent fold into the top thread's session).
void apply_session_meta(ThreadState& state, const SessionMeta& own, const std::vector<SessionMeta>& ancestors);

/// cli / ide / desktop / exec / mcp from `originator` (the client) and
/// `source`; an unknown third-party client keeps its own name.
std::string surface_of(std::string_view originator, std::string_view source);

/// `model = "..."` at the top level of a config.toml text (before any table).
std::optional<std::string> toml_top_level_model(std::string_view text);

/// The Codex home a rollout belongs to: the folder holding the nearest
/// `sessions`/`archived_sessions` ancestor, else the rollout's own folder.
std::filesystem::path codex_home_of(const std::filesystem::path& rollout);

/// The default model of the rollout's Codex home (`config.toml`), if any.
std::optional<std::string> config_model_for(const std::filesystem::path& rollout);

}  // namespace usage::plugins::codex
