// The usage records of a task's ui_messages.json: a JSON array of
// `{ts, type:"say"|"ask", say|ask, text, modelInfo?, ...}` whose usage sits in
// the `text` (itself a JSON document) of a few `say` kinds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace usage::plugins::vscode_tasks {

enum class RecordKind {
    request,          ///< `api_req_started`: one model call (counted once it carries usage)
    legacy_finished,  ///< `api_req_finished`: old versions' usage half of a started/finished pair
    deleted,          ///< `deleted_api_reqs` (Cline) / `api_req_deleted` (Roo, Kilo): usage of removed calls
    subagent,         ///< `subagent_usage` (Cline): the summed usage of one batch of subagents
};

/// The first number of a record that broke the rule of usage/model/token_limits.hpp.
struct BadField {
    std::string field;  ///< e.g. `text.tokensIn`
    std::string value;  ///< as written (quoted_value)
    std::string rule;
};

struct UsageRecord {
    RecordKind kind = RecordKind::request;
    std::int64_t ts = 0;
    std::uint64_t offset = 0;  ///< of the record's text in the file (for warnings)
    /// Any of tokensIn/tokensOut/cacheWrites/cacheReads/cost present: the call
    /// finished (or failed after usage arrived). An `api_req_started` without
    /// them is still in flight.
    bool has_usage = false;
    std::int64_t tokens_in = 0;
    std::int64_t tokens_out = 0;
    std::int64_t cache_writes = 0;
    std::int64_t cache_reads = 0;
    std::optional<double> cost;  ///< USD as the tool recorded it
    bool usage_missing = false;  ///< Kilo: the provider reported no usage
    std::string cancel_reason;   ///< `streaming_failed`, `user_cancelled`
    std::string api_protocol;    ///< Roo/Kilo: `anthropic`, `openai` (or nested like `bedrock/anthropic`)
    std::string provider_id;     ///< Cline: the record's modelInfo.providerId
    std::string model_id;        ///< Cline: the record's modelInfo.modelId
    std::string request_model;   ///< `<model>` of the request text (older versions embed the prompt)
    std::string request_cwd;     ///< workspace of the request text
    std::optional<BadField> bad;
};

struct TaskMessages {
    std::vector<UsageRecord> records;  ///< in file order
    /// The array did not parse to its end (cut off mid-write): the records
    /// before the break are kept.
    bool malformed = false;
    /// `text` documents of usage records that did not parse.
    std::uint64_t malformed_records = 0;
    std::uint64_t bytes = 0;
};

/// Read `file` (ui_messages.json) whole. Throws std::runtime_error naming the
/// file when it cannot be read.
TaskMessages read_task_messages(const std::filesystem::path& file);

}  // namespace usage::plugins::vscode_tasks
