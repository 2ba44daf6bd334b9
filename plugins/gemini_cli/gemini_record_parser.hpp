// Reads Gemini CLI session records with simdjson on-demand.
//
// One visitor serves both formats because they share one shape: a legacy
// `session-*.json` file is a whole ConversationRecord
// `{sessionId, projectHash, startTime, lastUpdated, messages: [...]}`, and a
// `.jsonl` line is one of: the metadata record (same keys, no messages), a
// message record, `{"$set": {...}}` (which may carry a full `messages` array)
// or `{"$rewindTo": id}`.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "usage/model/event.hpp"
#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::gemini {

/// One MessageRecord as written. The views point into the parser's input or
/// string buffer and die with the next parse.
struct GeminiMessage {
    std::string_view id, type, model, timestamp;
    std::string_view content;  ///< an `error` record's text (read only after `type`); else empty
    bool has_tokens = false;   ///< `tokens` is an object (not absent or null)
    // TokensSummary: Gemini's usageMetadata copied field by field.
    std::int64_t input = 0;     ///< promptTokenCount: includes `cached`
    std::int64_t output = 0;    ///< candidatesTokenCount: excludes thoughts
    std::int64_t cached = 0;    ///< cachedContentTokenCount
    std::int64_t thoughts = 0;  ///< thoughtsTokenCount
    std::int64_t tool = 0;      ///< toolUsePromptTokenCount: NOT part of `input`
    std::int64_t total = 0;     ///< totalTokenCount = input + output + thoughts + tool
    /// The first count that broke the rule of usage/model/token_limits.hpp; the
    /// message is then not a call (a billable one is reported as invalid).
    detail::BadNumber bad;

    /// A model call: type `gemini` with a `tokens` object.
    [[nodiscard]] bool is_call() const { return type == "gemini" && has_tokens; }
    /// A model call that failed: an `error` record whose text is the API's
    /// error (`[API Error: ...]`); other error records are the CLI's own.
    [[nodiscard]] bool is_failed_call() const { return type == "error" && content.starts_with("[API Error:"); }
};

/// Session-level fields of a document (copied: they outlive the parse).
struct GeminiMeta {
    std::string session_id;
    std::string project_hash;
    std::string start_time;
    std::string kind;  ///< "main" / "subagent" (newer versions), else empty
};

using MessageSink = std::function<void(const GeminiMessage&)>;

/// Visit one JSON document: a whole legacy session file or one JSONL line.
/// `data` must be writable with at least `capacity - size` padding bytes
/// (simdjson). Fills `meta` with the session fields present and calls `sink`
/// for every complete message record (the record itself, `messages[]`,
/// `$set.messages[]`). Invalid UTF-8 is repaired in place and parsed again.
/// Returns the simdjson error of a malformed document; messages completed
/// before the error have been delivered.
simdjson::error_code visit_gemini_document(simdjson::ondemand::parser& parser, char* data, std::size_t size,
                                           std::size_t capacity, GeminiMeta& meta, const MessageSink& sink);

/// The normalised token classes of a message (see docs/sources/gemini-cli.md):
/// input = input - cached + tool, cache_read = cached,
/// output = output + thoughts, reasoning = thoughts.
TokenCounts normalised_tokens(const GeminiMessage& m);

}  // namespace usage::plugins::gemini
