// simdjson on-demand visit of Gemini CLI records. Fields are read once in
// file order; the large `content`, `toolCalls` and `thoughts` values are
// skipped structurally without being materialised.
#include "gemini_record_parser.hpp"

#include <algorithm>

#include "usage/scan/ondemand_values.hpp"
#include "usage/scan/utf8_repair.hpp"

namespace usage::plugins::gemini {
namespace {

namespace od = simdjson::ondemand;

constexpr auto str_of = detail::ondemand_str;
constexpr auto count_of = detail::ondemand_token_count;

simdjson::error_code read_tokens(od::value v, GeminiMessage& m) {
    od::object tokens;
    if (v.get_object().get(tokens) != simdjson::SUCCESS) return simdjson::SUCCESS;  // null: no usage yet
    m.has_tokens = true;
    for (auto field : tokens) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "input")
            count_of(field.value(), m.input, "tokens.input", m.bad);
        else if (key == "output")
            count_of(field.value(), m.output, "tokens.output", m.bad);
        else if (key == "cached")
            count_of(field.value(), m.cached, "tokens.cached", m.bad);
        else if (key == "thoughts")
            count_of(field.value(), m.thoughts, "tokens.thoughts", m.bad);
        else if (key == "tool")
            count_of(field.value(), m.tool, "tokens.tool", m.bad);
        else if (key == "total")
            count_of(field.value(), m.total, "tokens.total", m.bad);
    }
    return simdjson::SUCCESS;
}

simdjson::error_code visit_record(od::object record, bool top, GeminiMeta& meta, const MessageSink& sink);

simdjson::error_code visit_messages(od::value v, GeminiMeta& meta, const MessageSink& sink) {
    od::array messages;
    if (v.get_array().get(messages) != simdjson::SUCCESS) return simdjson::SUCCESS;
    for (auto element : messages) {
        od::object message;
        if (auto err = element.get_object().get(message)) {
            if (err == simdjson::INCORRECT_TYPE) continue;  // not a message: ignore
            return err;
        }
        if (auto err = visit_record(message, false, meta, sink)) return err;
    }
    return simdjson::SUCCESS;
}

// A record holds session fields, message fields, or both (never in practice,
// but reading both keeps one visitor for every record kind). Only the top
// level may hold `$set`; `messages` arrays are read at the top and in `$set`.
simdjson::error_code visit_record(od::object record, bool top, GeminiMeta& meta, const MessageSink& sink) {
    GeminiMessage m;
    for (auto field : record) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "id")
            m.id = str_of(field.value());
        else if (key == "type")
            m.type = str_of(field.value());
        else if (key == "model")
            m.model = str_of(field.value());
        else if (key == "timestamp")
            m.timestamp = str_of(field.value());
        else if (key == "content" && m.type == "error")
            // Only an error's text is wanted: a model's answer (also a
            // string) is not unescaped for nothing. The recorder writes
            // `type` before `content`.
            m.content = str_of(field.value());
        else if (key == "tokens") {
            if (auto err = read_tokens(field.value(), m)) return err;
        } else if (key == "messages") {
            if (auto err = visit_messages(field.value(), meta, sink)) return err;
        } else if (key == "sessionId") {
            meta.session_id.assign(str_of(field.value()));
        } else if (key == "projectHash") {
            meta.project_hash.assign(str_of(field.value()));
        } else if (key == "startTime") {
            meta.start_time.assign(str_of(field.value()));
        } else if (key == "kind") {
            meta.kind.assign(str_of(field.value()));
        } else if (key == "$set" && top) {
            od::object set;
            if (field.value().get_object().get(set) == simdjson::SUCCESS)
                if (auto err = visit_record(set, false, meta, sink)) return err;
        }
    }
    if (!m.id.empty() && !m.type.empty()) sink(m);
    return simdjson::SUCCESS;
}

simdjson::error_code visit_once(od::parser& parser, char* data, std::size_t size, std::size_t capacity,
                                GeminiMeta& meta, const MessageSink& sink) {
    od::document doc;
    if (auto err = parser.iterate(simdjson::padded_string_view(data, size, capacity)).get(doc)) return err;
    od::object root;
    if (auto err = doc.get_object().get(root)) return err;
    return visit_record(root, true, meta, sink);
}

}  // namespace

simdjson::error_code visit_gemini_document(od::parser& parser, char* data, std::size_t size, std::size_t capacity,
                                           GeminiMeta& meta, const MessageSink& sink) {
    auto err = visit_once(parser, data, size, capacity, meta, sink);
    // simdjson validates UTF-8 before delivering anything, so a second pass
    // over the repaired bytes never repeats a message.
    if (err == simdjson::UTF8_ERROR && detail::repair_utf8(data, size) > 0) {
        meta = GeminiMeta{};
        err = visit_once(parser, data, size, capacity, meta, sink);
    }
    return err;
}

TokenCounts normalised_tokens(const GeminiMessage& m) {
    TokenCounts t;
    // promptTokenCount includes the cached prefix; the tool-use prompt is
    // counted beside it (totalTokenCount adds it separately) and billed as input.
    t.input = std::max<std::int64_t>(0, m.input - m.cached) + m.tool;
    t.cache_read = m.cached;
    // candidatesTokenCount excludes the thinking tokens, which are billed as output.
    t.output = m.output + m.thoughts;
    t.reasoning = m.thoughts;
    return t;
}

}  // namespace usage::plugins::gemini
