// Reads one line of a Qwen Code chat file (`<sessionId>.jsonl`) into what the
// usage rules need: the record's place in the uuid chain and, for the two
// records that carry a model call's usage, its token figures.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "usage/model/event.hpp"
#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::qwen {

/// The usage of one call as Qwen Code writes it (Gemini's usageMetadata
/// names). `prompt` includes the cached tokens.
struct QwenUsage {
    std::int64_t prompt = 0, candidates = 0, thoughts = 0, cached = 0, total = 0;

    /// Disjoint classes: input = prompt - cached; output = candidates, or
    /// candidates + thoughts when the total says thoughts were not part of
    /// the candidates (Gemini's own API); reasoning = thoughts (capped).
    [[nodiscard]] TokenCounts counts() const;
    bool operator==(const QwenUsage&) const = default;
};

enum class RecordKind {
    other,      ///< a line without a model call (user, tool result, other telemetry)
    assistant,  ///< `type:"assistant"`, with or without usageMetadata
    telemetry,  ///< `type:"system", subtype:"ui_telemetry"` for `qwen-code.api_response`
};

/// One parsed line. The views point into the line (or the parser's string
/// buffer) and die with the next parse.
struct QwenRecord {
    RecordKind kind = RecordKind::other;
    std::string_view uuid, parent_uuid, session_id, cwd, git_branch, model, response_id, auth_type;
    /// A `/branch` copy names the record it copies: its session and uuid.
    std::string_view forked_session, forked_uuid;
    std::int64_t timestamp_ms = 0;
    bool sidechain = false;
    bool has_usage = false;  ///< assistant: usageMetadata present; telemetry: always
    QwenUsage usage;
    detail::BadNumber bad;  ///< the first count that broke the rule of usage/model/token_limits.hpp
};

enum class LineOutcome { parsed, malformed };

/// Parse `line` (writable, followed by simdjson padding). Lines with invalid
/// UTF-8 are repaired in place and parsed again.
LineOutcome parse_qwen_line(simdjson::ondemand::parser& parser, char* line, std::size_t size, std::size_t capacity,
                            QwenRecord& out);

}  // namespace usage::plugins::qwen
