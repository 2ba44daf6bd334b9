// simdjson on-demand parsing of an assistant line. Fields are visited once
// in file order (no unordered lookups), and the large `content` array is
// skipped structurally without being materialised.
#include "claude_line_parser.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "usage/model/failure_kind.hpp"
#include "usage/scan/iso_time.hpp"
#include "usage/scan/ondemand_values.hpp"
#include "usage/scan/utf8_repair.hpp"

namespace usage::plugins::claude {
namespace {

namespace od = simdjson::ondemand;

struct Raw {
    std::string_view type, timestamp, session_id, cwd, git_branch, request_id, msg_id, model, uuid;
    bool sidechain = false;
    bool api_error = false;       ///< `isApiErrorMessage`: the tool wrote an error instead of an answer
    std::string_view error;       ///< its `error` (`rate_limit`, ...) when a string
    std::int64_t api_status = 0;  ///< its `apiErrorStatus`
    bool has_usage = false;
    double cost_usd = -1;
    TokenCounts tokens;
    std::int64_t cache_creation_total = 0;
    std::int64_t split_5m = 0, split_1h = 0;
    bool has_split = false;
    detail::BadNumber bad;  ///< the first count (or cost) that broke the rule
};

constexpr auto str_of = detail::ondemand_str;
constexpr auto count_of = detail::ondemand_token_count;

simdjson::error_code read_usage(od::object usage, Raw& r) {
    r.has_usage = true;
    for (auto field : usage) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "input_tokens")
            count_of(field.value(), r.tokens.input, "message.usage.input_tokens", r.bad);
        else if (key == "output_tokens")
            count_of(field.value(), r.tokens.output, "message.usage.output_tokens", r.bad);
        else if (key == "cache_read_input_tokens")
            count_of(field.value(), r.tokens.cache_read, "message.usage.cache_read_input_tokens", r.bad);
        else if (key == "cache_creation_input_tokens")
            count_of(field.value(), r.cache_creation_total, "message.usage.cache_creation_input_tokens", r.bad);
        else if (key == "cache_creation") {
            od::object split;
            if (field.value().get_object().get(split) != simdjson::SUCCESS) continue;
            for (auto f : split) {
                std::string_view k;
                if (auto err = f.unescaped_key().get(k)) return err;
                if (k == "ephemeral_5m_input_tokens")
                    count_of(f.value(), r.split_5m, "message.usage.cache_creation.ephemeral_5m_input_tokens", r.bad),
                        r.has_split = true;
                else if (k == "ephemeral_1h_input_tokens")
                    count_of(f.value(), r.split_1h, "message.usage.cache_creation.ephemeral_1h_input_tokens", r.bad),
                        r.has_split = true;
            }
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_message(od::object message, Raw& r) {
    for (auto field : message) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "id")
            r.msg_id = str_of(field.value());
        else if (key == "model")
            r.model = str_of(field.value());
        else if (key == "usage") {
            od::object usage;
            if (field.value().get_object().get(usage) == simdjson::SUCCESS)
                if (auto err = read_usage(usage, r)) return err;
        }
    }
    return simdjson::SUCCESS;
}

// Strings are views into the parser's buffer: copy out before the next
// iterate(). Returns an error for malformed JSON.
simdjson::error_code read_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity, Raw& r) {
    od::document doc;
    if (auto err = parser.iterate(simdjson::padded_string_view(line, size, capacity)).get(doc)) return err;
    od::object obj;
    if (auto err = doc.get_object().get(obj)) return err;
    for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "type")
            r.type = str_of(field.value());
        else if (key == "timestamp")
            r.timestamp = str_of(field.value());
        else if (key == "sessionId")
            r.session_id = str_of(field.value());
        else if (key == "cwd")
            r.cwd = str_of(field.value());
        else if (key == "gitBranch")
            r.git_branch = str_of(field.value());
        else if (key == "requestId")
            r.request_id = str_of(field.value());
        else if (key == "uuid")
            r.uuid = str_of(field.value());
        else if (key == "isApiErrorMessage") {
            bool b = false;
            if (field.value().get_bool().get(b) == simdjson::SUCCESS) r.api_error = b;
        } else if (key == "error")
            r.error = str_of(field.value());
        else if (key == "apiErrorStatus") {
            std::int64_t status = 0;
            if (field.value().get_int64().get(status) == simdjson::SUCCESS) r.api_status = status;
        } else if (key == "isSidechain") {
            bool b = false;
            if (field.value().get_bool().get(b) == simdjson::SUCCESS) r.sidechain = b;
        } else if (key == "costUSD") {
            detail::ondemand_cost_usd(field.value(), r.cost_usd, "costUSD", r.bad);
        } else if (key == "message") {
            od::object message;
            if (field.value().get_object().get(message) == simdjson::SUCCESS)
                if (auto err = read_message(message, r)) return err;
        }
    }
    return simdjson::SUCCESS;
}

std::string provider_of(std::string_view msg_id, std::string_view model) {
    if (msg_id.starts_with("msg_bdrk_") || model.find("anthropic.") != std::string_view::npos) return "bedrock";
    if (msg_id.starts_with("msg_vrtx_") || model.find('@') != std::string_view::npos) return "vertex";
    return "anthropic";
}

// How a call failed, in the tool's words when they are a plain name
// (`rate_limit`, `authentication_failed`), else by its HTTP status.
std::string failure_of(const Raw& r) {
    if (auto name = failure_name(r.error)) return *name;
    return http_failure(r.api_status).value_or("error");
}

std::string last_component(std::string_view path) {
    while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

void ClaudeCall::append_id(std::string& out) const {
    out.append("claude-code:").append(msg_id).append(":").append(request_id);
}

LineOutcome parse_claude_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity, ClaudeCall& out,
                              detail::BadNumber& bad) {
    Raw r;
    auto err = read_line(parser, line, size, capacity, r);
    if (err == simdjson::UTF8_ERROR && detail::repair_utf8(line, size) > 0) {
        r = Raw{};
        err = read_line(parser, line, size, capacity, r);
    }
    if (err) return LineOutcome::malformed;
    if (r.type == "assistant" && r.api_error) {
        // A call that failed: its error message carries no usage, and its
        // model is `<synthetic>` (the caller knows the session's last one).
        out = ClaudeCall{r.msg_id.empty() ? r.uuid : r.msg_id,
                         r.request_id,
                         {},
                         r.session_id,
                         r.cwd,
                         r.git_branch,
                         r.sidechain,
                         TokenCounts{},
                         0,
                         -1,
                         {}};
        if (out.msg_id.empty()) return LineOutcome::skipped;
        out.failure = failure_of(r);
        if (auto ms = detail::parse_iso8601_ms(r.timestamp)) out.timestamp_ms = *ms;
        return LineOutcome::failure;
    }
    if (r.type != "assistant" || !r.has_usage || r.msg_id.empty()) return LineOutcome::skipped;
    if (r.model == "<synthetic>") return LineOutcome::skipped;  // local abort, no API call
    if (r.bad.found()) {
        bad = r.bad;
        return LineOutcome::invalid;
    }

    TokenCounts t = r.tokens;
    if (r.has_split && r.split_5m + r.split_1h > 0) {
        t.cache_write_5m = r.split_5m;
        t.cache_write_1h = r.split_1h;
    } else {
        t.cache_write_5m = r.cache_creation_total;  // no split: all writes are 5-minute writes
    }
    if (t.total() == 0 && r.cost_usd <= 0) return LineOutcome::skipped;

    out = ClaudeCall{r.msg_id, r.request_id, r.model, r.session_id, r.cwd, r.git_branch, r.sidechain, t,
                     0,        r.cost_usd,   {}};
    if (auto ms = detail::parse_iso8601_ms(r.timestamp)) out.timestamp_ms = *ms;
    return LineOutcome::event;
}

UsageEvent make_claude_event(const ClaudeCall& c, const SourceFile& file) {
    UsageEvent out;
    out.source = "claude-code";
    out.dedup_group.reserve(14 + c.msg_id.size());
    out.dedup_group.append("claude-code:").append(c.msg_id).append(":");
    out.id.reserve(out.dedup_group.size() + c.request_id.size());
    out.id.append(out.dedup_group).append(c.request_id);
    out.replay = c.sidechain;
    if (!c.failure.empty()) {
        // Copies of a failure have one id (dedup by it is all they need).
        out.failure = c.failure;
        out.dedup_group.clear();
        out.replay = false;
    }
    out.tokens = c.tokens;
    out.model.assign(c.model);
    out.provider = provider_of(c.msg_id, c.model);
    out.session_id = c.session_id.empty() ? file.session_hint : std::string(c.session_id);
    if (file.kind == "subagent") out.parent_session_id = out.session_id;
    out.surface = "cli";
    out.git_branch.assign(c.git_branch);
    if (!c.cwd.empty()) {
        out.project_path.assign(c.cwd);
        out.project_name = last_component(c.cwd);
    } else {
        out.project_name = file.project_hint;
    }
    out.timestamp_ms = c.timestamp_ms;
    if (c.cost_usd >= 0) out.reported_cost_micros = std::llround(c.cost_usd * 1e6);
    return out;
}

void merge_claude_copy(UsageEvent& e, const ClaudeCall& c) {
    e.tokens.merge_copy(c.tokens);
    if (c.timestamp_ms != 0 && (e.timestamp_ms == 0 || c.timestamp_ms < e.timestamp_ms))
        e.timestamp_ms = c.timestamp_ms;
    if (c.cost_usd >= 0) {
        auto micros = std::llround(c.cost_usd * 1e6);
        if (!e.reported_cost_micros || micros > *e.reported_cost_micros) e.reported_cost_micros = micros;
    }
    e.replay = e.replay && c.sidechain;
    // Descriptive fields: first non-empty value wins (the first copy almost
    // always has them all, so these are rarely taken).
    if (e.model.empty() && !c.model.empty()) {
        e.model.assign(c.model);
        e.provider = provider_of(c.msg_id, c.model);
    }
    if (e.git_branch.empty()) e.git_branch.assign(c.git_branch);
    if (e.project_path.empty() && !c.cwd.empty()) {
        e.project_path.assign(c.cwd);
        e.project_name = last_component(c.cwd);
    }
    if (!c.session_id.empty() && e.session_id.empty()) e.session_id.assign(c.session_id);
}

}  // namespace usage::plugins::claude
