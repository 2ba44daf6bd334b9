// The counting rules of one rollout: turns one file's selected lines, in
// order, into per-call UsageEvents while keeping the ThreadState that lets
// the next scan continue from the cursor.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "codex_lines.hpp"
#include "codex_state.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins::codex {

/// Needle for usage::read_jsonl_matches: a JSON string value starting with
/// `t` (`"type":"token_count"`, `"turn_context"`, `"task_started"`). Inside
/// string content quotes are escaped (`\":\"t`), so large tool outputs and
/// messages almost never match.
inline constexpr std::string_view kLineNeedle = "\":\"t";
/// The same needle for a rollout rewritten with a space after each colon
/// (`"type": "token_count"`, as Python's json.dumps writes it): still valid
/// JSON, so it must count the same. Used when kLineNeedle finds nothing.
inline constexpr std::string_view kSpacedLineNeedle = "\": \"t";

/// Whether a line whose first bytes are `head` can matter to the counter
/// (used to skip irrelevant lines of a decompressed stream unassembled).
bool may_matter(std::string_view head, bool leading);

class RolloutCounter {
public:
    /// `state` is the state restored from the cursor (empty when reading from 0).
    RolloutCounter(const SourceFile& file, ThreadState& state, ScanResult& out);

    /// One of the rollout's first lines: its own session_meta and the
    /// replayed ancestors' metas right after it. Returns false (consuming
    /// nothing) at the first line that is not a session_meta.
    bool leading_line(char* line, std::size_t size, std::size_t capacity);
    /// The leading metas are over: apply them (or the file-name defaults).
    void end_leading();
    /// Any later line (the reader's needle or may_matter() selected it);
    /// `place` says where it is, should it hold an invalid count.
    void line(char* line, std::size_t size, std::size_t capacity, const RecordPlace& place);

private:
    void on_turn(const TurnLine& turn);
    void on_token_count(const TurnLine& tc, const RecordPlace& place);
    /// The line's `rate_limits` windows, as the file's latest readings.
    void on_rate_limits(const TurnLine& tc);
    [[nodiscard]] bool own_turn(std::string_view turn_id, std::int64_t started_at) const;
    void remember_replayed(const Usage& total);
    void fill_model();
    UsageEvent& emit(const TurnLine& tc, const Usage& total, const TokenCounts& tokens);

    const SourceFile& file_;
    ThreadState& state_;
    ScanResult& out_;
    simdjson::ondemand::parser parser_;
    std::optional<SessionMeta> own_;
    std::vector<SessionMeta> ancestors_;
    bool config_checked_ = false;
    std::string id_;  // scratch
};

/// Normalised token classes of one call from Codex's usage object.
TokenCounts tokens_of(const Usage& call);

}  // namespace usage::plugins::codex
