// simdjson on-demand parsing of one chat record. Fields are visited once in
// file order; `message` (the model-facing content, often large) is skipped
// structurally without being materialised.
#include "qwen_record_parser.hpp"

#include <algorithm>
#include <string_view>

#include "usage/scan/iso_time.hpp"
#include "usage/scan/utf8_repair.hpp"

namespace usage::plugins::qwen {
namespace {

namespace od = simdjson::ondemand;

constexpr auto str_of = detail::ondemand_str;
constexpr auto count_of = detail::ondemand_token_count;

constexpr std::string_view kApiResponse = "qwen-code.api_response";

// What a line says before we know which kind of record it is: `subtype` can
// follow `systemPayload`, so the telemetry figures are read first and kept
// only if the record turns out to be an api_response.
struct Raw {
    QwenRecord rec;
    std::string_view type, subtype, timestamp, event_name, event_timestamp, event_model;
    QwenUsage telemetry;
    detail::BadNumber telemetry_bad;
};

simdjson::error_code read_usage_metadata(od::object usage, Raw& r) {
    r.rec.has_usage = true;
    QwenUsage& u = r.rec.usage;
    detail::BadNumber& bad = r.rec.bad;
    for (auto field : usage) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "promptTokenCount")
            count_of(field.value(), u.prompt, "usageMetadata.promptTokenCount", bad);
        else if (key == "candidatesTokenCount")
            count_of(field.value(), u.candidates, "usageMetadata.candidatesTokenCount", bad);
        else if (key == "thoughtsTokenCount")
            count_of(field.value(), u.thoughts, "usageMetadata.thoughtsTokenCount", bad);
        else if (key == "cachedContentTokenCount")
            count_of(field.value(), u.cached, "usageMetadata.cachedContentTokenCount", bad);
        else if (key == "totalTokenCount")
            count_of(field.value(), u.total, "usageMetadata.totalTokenCount", bad);
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_ui_event(od::object event, Raw& r) {
    QwenUsage& u = r.telemetry;
    detail::BadNumber& bad = r.telemetry_bad;
    for (auto field : event) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "event.name")
            r.event_name = str_of(field.value());
        else if (key == "event.timestamp")
            r.event_timestamp = str_of(field.value());
        else if (key == "response_id")
            r.rec.response_id = str_of(field.value());
        else if (key == "model")
            r.event_model = str_of(field.value());
        else if (key == "auth_type")
            r.rec.auth_type = str_of(field.value());
        else if (key == "input_token_count")
            count_of(field.value(), u.prompt, "systemPayload.uiEvent.input_token_count", bad);
        else if (key == "output_token_count")
            count_of(field.value(), u.candidates, "systemPayload.uiEvent.output_token_count", bad);
        else if (key == "thoughts_token_count")
            count_of(field.value(), u.thoughts, "systemPayload.uiEvent.thoughts_token_count", bad);
        else if (key == "cached_content_token_count")
            count_of(field.value(), u.cached, "systemPayload.uiEvent.cached_content_token_count", bad);
        else if (key == "total_token_count")
            count_of(field.value(), u.total, "systemPayload.uiEvent.total_token_count", bad);
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_system_payload(od::object payload, Raw& r) {
    for (auto field : payload) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key != "uiEvent") continue;
        od::object event;
        if (field.value().get_object().get(event) == simdjson::SUCCESS)
            if (auto err = read_ui_event(event, r)) return err;
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_forked_from(od::object forked, Raw& r) {
    for (auto field : forked) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "sessionId")
            r.rec.forked_session = str_of(field.value());
        else if (key == "messageUuid")
            r.rec.forked_uuid = str_of(field.value());
    }
    return simdjson::SUCCESS;
}

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
        else if (key == "subtype")
            r.subtype = str_of(field.value());
        else if (key == "uuid")
            r.rec.uuid = str_of(field.value());
        else if (key == "parentUuid")
            r.rec.parent_uuid = str_of(field.value());  // null for the first record: empty
        else if (key == "sessionId")
            r.rec.session_id = str_of(field.value());
        else if (key == "timestamp")
            r.timestamp = str_of(field.value());
        else if (key == "cwd")
            r.rec.cwd = str_of(field.value());
        else if (key == "gitBranch")
            r.rec.git_branch = str_of(field.value());
        else if (key == "model")
            r.rec.model = str_of(field.value());
        else if (key == "isSidechain") {
            bool b = false;
            if (field.value().get_bool().get(b) == simdjson::SUCCESS) r.rec.sidechain = b;
        } else if (key == "usageMetadata") {
            od::object usage;
            if (field.value().get_object().get(usage) == simdjson::SUCCESS)
                if (auto err = read_usage_metadata(usage, r)) return err;
        } else if (key == "systemPayload") {
            od::object payload;
            if (field.value().get_object().get(payload) == simdjson::SUCCESS)
                if (auto err = read_system_payload(payload, r)) return err;
        } else if (key == "forkedFrom") {
            od::object forked;
            if (field.value().get_object().get(forked) == simdjson::SUCCESS)
                if (auto err = read_forked_from(forked, r)) return err;
        }
    }
    return simdjson::SUCCESS;
}

}  // namespace

TokenCounts QwenUsage::counts() const {
    TokenCounts t;
    t.cache_read = std::min(cached, prompt);
    t.input = prompt - t.cache_read;
    // Qwen's OpenAI-compatible converter writes completion_tokens (reasoning
    // included) as candidatesTokenCount and reasoning_tokens as
    // thoughtsTokenCount, so total = prompt + candidates. Gemini's own API
    // leaves thoughts out of the candidates: there total = prompt +
    // candidates + thoughts, and the thoughts are output too.
    const bool thoughts_apart = thoughts > 0 && total == prompt + candidates + thoughts;
    t.output = thoughts_apart ? candidates + thoughts : candidates;
    t.reasoning = std::min(thoughts, t.output);
    return t;
}

LineOutcome parse_qwen_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity, QwenRecord& out) {
    Raw r;
    auto err = read_line(parser, line, size, capacity, r);
    if (err == simdjson::UTF8_ERROR && detail::repair_utf8(line, size) > 0) {
        r = Raw{};
        err = read_line(parser, line, size, capacity, r);
    }
    if (err) return LineOutcome::malformed;
    out = r.rec;
    if (r.type == "assistant") {
        out.kind = RecordKind::assistant;
    } else if (r.type == "system" && r.subtype == "ui_telemetry" && r.event_name == kApiResponse) {
        out.kind = RecordKind::telemetry;
        out.has_usage = true;
        out.usage = r.telemetry;
        out.bad = r.telemetry_bad;
        out.model = r.event_model;
        if (r.timestamp.empty()) r.timestamp = r.event_timestamp;
    } else {
        out.kind = RecordKind::other;
        out.has_usage = false;
        out.bad = {};
        return LineOutcome::parsed;
    }
    if (auto ms = detail::parse_iso8601_ms(r.timestamp)) out.timestamp_ms = *ms;
    return LineOutcome::parsed;
}

}  // namespace usage::plugins::qwen
