// What the scan of one rollout knows about its thread, persisted with the
// file's cursor so an appended rollout continues exactly where it stopped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codex_lines.hpp"

namespace usage::plugins::codex {

struct ThreadState {
    // Identity, from the rollout's own session_meta (or the file name).
    bool meta_seen = false;
    std::string thread_id;
    std::string session_id;  ///< the thread, or the top thread a subagent folds into
    std::string parent_id;   ///< direct parent of a subagent thread
    std::string surface, provider, cwd, git_branch;
    std::string repository;  ///< git.repository_url without credentials

    // Sticky model of the following calls.
    std::string model;
    bool model_guessed = false;

    // Fork replay window: open from the session_meta of a forked/subagent
    // rollout until its own first turn (see codex_counter.cpp).
    bool in_replay = false;
    std::int64_t child_ms = 0;       ///< when the thread was created (Unix ms)
    std::string task_turn_id;        ///< last task_started seen in the window ...
    std::int64_t task_started = -1;  ///< ... and its started_at (Unix s)
    /// Hashes of the latest cumulative vectors replayed from the parent:
    /// a copy of one of them after the window closed is still the parent's.
    std::vector<std::uint64_t> replayed;

    // Baseline: the previous cumulative usage of this file.
    bool has_prev = false;
    Usage prev;
};

/// Compact JSON; empty input or anything unreadable gives a fresh state.
std::string encode_state(const ThreadState& state);
ThreadState decode_state(std::string_view text);

/// Hash of a cumulative vector (FNV-1a over its fields).
std::uint64_t vector_hash(const Usage& usage);

}  // namespace usage::plugins::codex
