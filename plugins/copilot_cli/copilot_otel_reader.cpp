#include "copilot_otel_reader.hpp"

#include <simdjson.h>

#include <string>
#include <unordered_set>

#include "copilot_event.hpp"
#include "copilot_json.hpp"
#include "usage/scan/jsonl_reader.hpp"

namespace usage::plugins::copilot {
namespace {

// Lines are parsed in the reader's buffer without a copy.
static_assert(kJsonlPadding >= simdjson::SIMDJSON_PADDING, "the reader's padding must cover simdjson's");

enum class SpanOutcome { skipped, malformed, invalid, event };

// `[seconds, nanoseconds]` in milliseconds, or 0.
std::int64_t otel_time_ms(simdjson::dom::object span, std::string_view key) {
    simdjson::dom::array a;
    if (span.at_key(key).get_array().get(a) != simdjson::SUCCESS || a.size() != 2) return 0;
    std::int64_t sec = 0, ns = 0;
    if (a.at(0).get_int64().get(sec) != simdjson::SUCCESS || a.at(1).get_int64().get(ns) != simdjson::SUCCESS) return 0;
    return sec * 1000 + ns / 1'000'000;
}

// The usage attributes of one chat span. A cache write may be written as
// `cache_creation` (the 1.0.78 files) or `cache_write`.
bool read_usage(simdjson::dom::object attrs, CopilotUsage& u, BadCount& bad) {
    bool ok = read_count(attrs, "gen_ai.usage.input_tokens", u.input, bad, "gen_ai.usage.input_tokens");
    ok &= read_count(attrs, "gen_ai.usage.output_tokens", u.output, bad, "gen_ai.usage.output_tokens");
    ok &= read_count(attrs, "gen_ai.usage.cache_read.input_tokens", u.cache_read, bad,
                     "gen_ai.usage.cache_read.input_tokens");
    std::int64_t creation = 0, write = 0;
    ok &= read_count(attrs, "gen_ai.usage.cache_creation.input_tokens", creation, bad,
                     "gen_ai.usage.cache_creation.input_tokens");
    ok &=
        read_count(attrs, "gen_ai.usage.cache_write.input_tokens", write, bad, "gen_ai.usage.cache_write.input_tokens");
    u.cache_write = creation > 0 ? creation : write;
    ok &= read_count(attrs, "gen_ai.usage.reasoning.output_tokens", u.reasoning, bad,
                     "gen_ai.usage.reasoning.output_tokens");
    return ok;
}

SpanOutcome parse_span(simdjson::dom::parser& parser, const char* line, std::size_t size, UsageEvent& out,
                       BadCount& bad) {
    simdjson::dom::element doc;
    if (parser.parse(line, size, false).get(doc) != simdjson::SUCCESS) return SpanOutcome::malformed;
    simdjson::dom::object span;
    if (doc.get_object().get(span) != simdjson::SUCCESS) return SpanOutcome::malformed;
    if (str(span, "type") != "span") return SpanOutcome::skipped;
    const std::string_view name = str(span, "name");
    if (!name.starts_with("chat ")) return SpanOutcome::skipped;
    simdjson::dom::object attrs;
    if (span.at_key("attributes").get_object().get(attrs) != simdjson::SUCCESS) return SpanOutcome::malformed;
    const std::string_view trace = str(span, "traceId");
    const std::string_view span_id = str(span, "spanId");
    if (trace.empty() || span_id.empty()) return SpanOutcome::malformed;

    CopilotUsage u;
    if (!read_usage(attrs, u, bad)) return SpanOutcome::invalid;

    std::string_view model = str(attrs, "gen_ai.response.model");
    if (model.empty()) model = str(attrs, "gen_ai.request.model");
    if (model.empty()) model = name.substr(5);
    const std::string_view session = str(attrs, "gen_ai.conversation.id");
    std::int64_t ts = otel_time_ms(span, "endTime");
    if (ts == 0) ts = otel_time_ms(span, "startTime");

    out = base_event(session, model, SessionPlace{}, ts);
    out.tokens = split_usage(u);
    if (const double nano = number(attrs, "github.copilot.nano_aiu"); nano >= 0)
        out.reported_cost_micros = nano_aiu_to_micros(nano);
    std::string key = "otel:";
    key += trace;
    key += ':';
    key += span_id;
    if (session.empty()) {
        // No session: nothing can supersede it, and it supersedes nothing.
        out.id = std::string(kSource) + ":" + key;
    } else {
        out.dedup_group = session_group(session);
        out.id = out.dedup_group + key;
        out.replay = true;  // a session-store.db row of the session wins
    }
    return SpanOutcome::event;
}

}  // namespace

ScanResult scan_otel_export(const SourceFile& file, const ScanStart& start) {
    ScanResult result;
    simdjson::dom::parser parser;
    std::unordered_set<std::string> seen;
    UsageEvent e;
    // Every chat span's name starts with `chat `; other records are
    // rejected by the byte search before any parsing.
    const auto read =
        read_jsonl_matches(file.path, start.offset, "\"chat ", [&](char* line, std::size_t size, std::uint64_t at) {
            BadCount bad;
            switch (parse_span(parser, line, size, e, bad)) {
                case SpanOutcome::skipped: return;
                case SpanOutcome::malformed: ++result.malformed_lines; return;
                case SpanOutcome::invalid:
                    result.invalid.add(RecordPlace::at_offset(at), bad.field, bad.value, bad.rule);
                    return;
                case SpanOutcome::event: break;
            }
            if (!seen.insert(e.id).second) return;  // the same span exported twice
            result.events.push_back(std::move(e));
        });
    result.offset = read.end_offset;
    result.bytes_read = read.bytes_read;
    return result;
}

}  // namespace usage::plugins::copilot
