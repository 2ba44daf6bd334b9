// Reads the few Codex rollout lines that matter for usage: the thread's
// `session_meta`, each turn's `turn_context` / `task_started`, and the
// `token_count` events. Every other line kind is recognised from its first
// bytes and never parsed.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::codex {

/// One token usage object as Codex writes it. `cached` and `cache_write` are
/// part of `input`; `reasoning` is part of `output`.
struct Usage {
    std::int64_t input = 0, cached = 0, output = 0, reasoning = 0, total = 0, cache_write = 0;

    bool operator==(const Usage&) const = default;
    /// Every field at least the other's (a cumulative vector that only grew).
    [[nodiscard]] bool covers(const Usage& earlier) const;
    [[nodiscard]] Usage minus(const Usage& earlier) const;
    [[nodiscard]] Usage plus(const Usage& other) const;
};

enum class LineKind { other, session_meta, turn_context, task_started, token_count };

/// The kind of a line from its first bytes (`{"timestamp":"...","type":"KIND",
/// "payload":{"type":...`), without parsing it; nullopt when the line has
/// another shape (classify_line() then parses it).
std::optional<LineKind> classify_prefix(std::string_view line);

/// The kind of any line, parsing it when the prefix has an unusual shape.
/// Returns nullopt when the line is not valid JSON.
std::optional<LineKind> classify_line(simdjson::ondemand::parser& parser, char* line, std::size_t size,
                                      std::size_t capacity);

/// One window of a token_count's `rate_limits` (codex-rs/protocol
/// RateLimitWindow): `resets_in_seconds` in Codex before 0.48, `resets_at`
/// (Unix seconds) since. A field of the wrong type counts as absent.
struct RateWindow {
    bool present = false;  ///< an object with a numeric used_percent
    double used_percent = 0;
    std::int64_t window_minutes = 0;      ///< 0 when absent
    std::int64_t resets_at = -1;          ///< Unix seconds; -1 when absent
    std::int64_t resets_in_seconds = -1;  ///< -1 when absent
};

/// A turn_context, task_started or token_count line. Views point into the
/// line or the parser and die with the next parse.
struct TurnLine {
    LineKind kind = LineKind::other;
    std::string_view timestamp;
    // turn_context / task_started
    std::string_view turn_id, model, cwd;
    std::int64_t started_at = -1;  ///< task_started: Unix seconds, -1 when absent
    // token_count
    bool has_info = false;  ///< false for `"info": null` (a rate-limit refresh)
    bool has_total = false, has_last = false;
    Usage total, last;
    /// The first count that broke the rule of usage/model/token_limits.hpp: the
    /// line is then not a call (RolloutCounter skips it and reports it).
    detail::BadNumber bad;
    // token_count: `rate_limits` (null or absent in older rollouts)
    RateWindow primary, secondary;
    std::string_view plan_type;  ///< rate_limits.plan_type
    std::string_view limit_id;   ///< rate_limits.limit_id: "codex" or another metered limit
};

enum class ParseOutcome { ok, malformed };

/// Parse a line of `kind` (from classify_prefix/classify_line). Lines with
/// invalid UTF-8 are repaired in place and parsed again.
ParseOutcome parse_turn_line(simdjson::ondemand::parser& parser, char* line, std::size_t size, std::size_t capacity,
                             LineKind kind, TurnLine& out);

/// What a `session_meta` line says about its thread.
struct SessionMeta {
    std::string id, timestamp, cwd, originator, source, model_provider, git_branch;
    std::string repository_url;   ///< git.repository_url, as Codex recorded it
    std::string forked_from_id;   ///< set on forks (human or subagent)
    std::string spawn_parent_id;  ///< source.subagent.thread_spawn.parent_thread_id
    std::string subagent;         ///< review / compact / thread_spawn / other / ...; empty for a top-level thread
    /// `parent_thread_id` of the payload: the thread that started this one
    /// (Codex >= 0.146). Unlike the fields above it does not mean the rollout
    /// replays that thread's history first.
    std::string control_parent_id;
    std::string root_session_id;  ///< `session_id` of the payload: the top thread
    std::string thread_source;    ///< `thread_source`: user, subagent, guardian_review, ...
    std::string line_timestamp;

    /// An Auto-review thread: the read-only reviewer Codex runs when
    /// Auto-review judges an approval (`source.subagent.other: "guardian"`,
    /// `thread_source: "guardian_review"`, or a `codex-auto-review` client).
    [[nodiscard]] bool auto_review() const {
        return subagent == "guardian" || thread_source == "guardian_review" || originator == "codex-auto-review" ||
               source == "codex-auto-review";
    }

    /// The thread whose history this rollout replays first, if any.
    [[nodiscard]] const std::string& replayed_parent() const {
        return spawn_parent_id.empty() ? forked_from_id : spawn_parent_id;
    }
};

/// Parse a `session_meta` line; nullopt when it is malformed or another kind.
std::optional<SessionMeta> parse_session_meta(simdjson::ondemand::parser& parser, char* line, std::size_t size,
                                              std::size_t capacity);

/// The millisecond timestamp of a UUID v7 (Codex thread and turn ids), or
/// nullopt for any other id.
std::optional<std::int64_t> uuid_v7_ms(std::string_view id);

}  // namespace usage::plugins::codex
