// Turns one Claude Code transcript line into a usage event.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "usage/model/event.hpp"
#include "usage/scan/ondemand_values.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins::claude {

/// What one assistant line says about its call. The views point into the
/// line (or the parser's string buffer) and die with the next parse.
struct ClaudeCall {
    std::string_view msg_id, request_id, model, session_id, cwd, git_branch;
    bool sidechain = false;
    TokenCounts tokens;
    std::int64_t timestamp_ms = 0;
    double cost_usd = -1;  ///< < 0: not reported
    /// Not empty: the call failed (UsageEvent::failure); `model` is empty
    /// and the counts are zero.
    std::string failure;

    /// Append the event id (`claude-code:<message.id>:<requestId>`) to `out`.
    void append_id(std::string& out) const;
};

enum class LineOutcome {
    event,      ///< `out` holds a usage call
    failure,    ///< `out` holds a failed call (an `isApiErrorMessage` line)
    skipped,    ///< valid line without a billable call (user line, <synthetic>, zero usage)
    malformed,  ///< not valid JSON (counted and reported, never fatal)
    invalid,    ///< a call whose count or cost breaks the rule of usage/model/token_limits.hpp: `bad` says which
};

/// Parse `line` (writable, followed by simdjson padding). Lines with invalid
/// UTF-8 are repaired in place and parsed again.
LineOutcome parse_claude_line(simdjson::ondemand::parser& parser, char* line, std::size_t size, std::size_t capacity,
                              ClaudeCall& out, detail::BadNumber& bad);

/// The normalised event of a call found in `file`.
UsageEvent make_claude_event(const ClaudeCall& call, const SourceFile& file);

/// Merge another copy of the same call into `event` without building a new
/// event (streaming copies are most lines): the same rules as
/// UsageEvent::merge.
void merge_claude_copy(UsageEvent& event, const ClaudeCall& call);

}  // namespace usage::plugins::claude
