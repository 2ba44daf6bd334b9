#include "copilot_events_reader.hpp"

#include <simdjson.h>

#include <cmath>

#include "copilot_json.hpp"
#include "usage/scan/iso_time.hpp"
#include "usage/scan/jsonl_reader.hpp"

namespace usage::plugins::copilot {
namespace {

// Lines are parsed in the reader's buffer without a copy.
static_assert(kJsonlPadding >= simdjson::SIMDJSON_PADDING, "the reader's padding must cover simdjson's");

void read_context(simdjson::dom::object data, EventsState& s) {
    simdjson::dom::object ctx;
    if (data.at_key("context").get_object().get(ctx) != simdjson::SUCCESS) return;
    // A resume may move the session: every context replaces the last one.
    s.place.cwd = str(ctx, "cwd");
    s.place.git_root = str(ctx, "gitRoot");
    s.place.branch = str(ctx, "branch");
    s.place.repository = str(ctx, "repository");
    s.place.repository_host = str(ctx, "repositoryHost");
}

// modelMetrics of one shutdown. The counters are running totals of the leg
// (or of the session), so they are bounded as running totals here; the
// share one event carries is checked against the per-call cap later.
bool read_leg(simdjson::dom::object metrics, LegTotals& leg, BadCount& bad) {
    for (auto [key, value] : metrics) {
        simdjson::dom::object m, usage, requests;
        if (value.get_object().get(m) != simdjson::SUCCESS) continue;
        ModelTotals t;
        if (m.at_key("usage").get_object().get(usage) == simdjson::SUCCESS) {
            bool ok = read_count(usage, "inputTokens", t.usage.input, bad, "modelMetrics.usage.inputTokens",
                                 kMaxRunningTokens, kRunningTotalRule);
            ok &= read_count(usage, "outputTokens", t.usage.output, bad, "modelMetrics.usage.outputTokens",
                             kMaxRunningTokens, kRunningTotalRule);
            ok &= read_count(usage, "cacheReadTokens", t.usage.cache_read, bad, "modelMetrics.usage.cacheReadTokens",
                             kMaxRunningTokens, kRunningTotalRule);
            ok &= read_count(usage, "cacheWriteTokens", t.usage.cache_write, bad, "modelMetrics.usage.cacheWriteTokens",
                             kMaxRunningTokens, kRunningTotalRule);
            ok &= read_count(usage, "reasoningTokens", t.usage.reasoning, bad, "modelMetrics.usage.reasoningTokens",
                             kMaxRunningTokens, kRunningTotalRule);
            if (!ok) return false;
        }
        if (m.at_key("requests").get_object().get(requests) == simdjson::SUCCESS) {
            double count = number(requests, "count", 0);
            t.requests = static_cast<std::int64_t>(std::llround(count));
        }
        if (const double nano = number(m, "totalNanoAiu"); nano >= 0) {
            t.nano_aiu = std::llround(nano);
            t.has_nano_aiu = true;
        }
        leg[std::string(key)] = t;
    }
    return true;
}

bool within_call_caps(const ModelTotals& t, BadCount& bad) {
    const std::pair<std::int64_t, const char*> figures[] = {
        {t.usage.input, "modelMetrics.usage.inputTokens"},
        {t.usage.output, "modelMetrics.usage.outputTokens"},
        {t.usage.cache_read, "modelMetrics.usage.cacheReadTokens"},
        {t.usage.cache_write, "modelMetrics.usage.cacheWriteTokens"},
        {t.usage.reasoning, "modelMetrics.usage.reasoningTokens"}};
    for (const auto& [n, field] : figures) {
        if (is_token_count(n)) continue;
        bad.field = field;
        bad.value = std::to_string(n);
        bad.rule = kTokenCountRule;
        return false;
    }
    return true;
}

class EventsLog {
public:
    EventsLog(const SourceFile& file, const ScanStart& start, ScanResult& out)
        : state_(EventsState::decode(start.state)), out_(out) {
        if (state_.session_id.empty()) state_.session_id = file.session_hint;
    }

    void line(const char* text, std::size_t size, std::uint64_t at) {
        simdjson::dom::element doc;
        simdjson::dom::object env, data;
        if (parser_.parse(text, size, false).get(doc) != simdjson::SUCCESS ||
            doc.get_object().get(env) != simdjson::SUCCESS) {
            ++out_.malformed_lines;
            return;
        }
        const std::string_view type = str(env, "type");
        if (!type.starts_with("session.")) return;
        if (env.at_key("data").get_object().get(data) != simdjson::SUCCESS) {
            if (type == "session.shutdown") ++out_.malformed_lines;
            return;
        }
        if (type == "session.start") {
            if (auto id = str(data, "sessionId"); !id.empty()) state_.session_id = id;
            if (auto m = str(data, "selectedModel"); !m.empty()) state_.model = m;
            read_context(data, state_);
        } else if (type == "session.resume") {
            if (auto m = str(data, "selectedModel"); !m.empty()) state_.model = m;
            read_context(data, state_);
        } else if (type == "session.model_change") {
            if (auto m = str(data, "newModel"); !m.empty()) state_.model = m;
        } else if (type == "session.compaction_complete") {
            bool success = false;
            if (data.at_key("success").get_bool().get(success) == simdjson::SUCCESS && success) state_.legs.reset();
        } else if (type == "session.shutdown") {
            shutdown(env, data, at);
        }
    }

    void finish() { out_.state = state_.encode(); }

private:
    void shutdown(simdjson::dom::object env, simdjson::dom::object data, std::uint64_t at) {
        const std::string_view envelope_id = str(env, "id");
        simdjson::dom::object metrics;
        if (envelope_id.empty() || data.at_key("modelMetrics").get_object().get(metrics) != simdjson::SUCCESS) {
            ++out_.malformed_lines;
            return;
        }
        LegTotals leg;
        BadCount bad;
        if (!read_leg(metrics, leg, bad)) {
            // The leg is skipped whole and the history kept: the next leg is
            // compared with the last good one.
            out_.invalid.add(RecordPlace::at_offset(at), bad.field, bad.value, bad.rule);
            return;
        }
        const std::int64_t ts = detail::parse_iso8601_ms(str(env, "timestamp")).value_or(0);
        const std::string group = session_group(state_.session_id);
        for (auto& share : state_.legs.take(leg)) {
            BadCount over;
            if (!within_call_caps(share.totals, over)) {
                out_.invalid.add(RecordPlace::at_offset(at), over.field, over.value, over.rule);
                continue;
            }
            std::string model = share.model.empty() ? state_.model : share.model;
            UsageEvent e = base_event(state_.session_id, model, state_.place, ts);
            e.model_guessed = share.model.empty();
            e.tokens = split_usage(share.totals.usage);
            // A leg's totals sum every call of the leg: no per-call tier applies.
            e.aggregate = true;
            if (share.totals.has_nano_aiu)
                e.reported_cost_micros = nano_aiu_to_micros(static_cast<double>(share.totals.nano_aiu));
            e.dedup_group = group;
            e.id = group + "shutdown:" + std::string(envelope_id) + ":" + share.model;
            e.replay = true;  // a session-store.db row of the session wins
            out_.events.push_back(std::move(e));
        }
    }

    EventsState state_;
    ScanResult& out_;
    simdjson::dom::parser parser_;
};

}  // namespace

ScanResult scan_events_log(const SourceFile& file, const ScanStart& start) {
    ScanResult result;
    EventsLog log(file, start, result);
    // Only the envelope types this reader uses start with `session.`; the
    // multi-MB tool output lines are rejected by the byte search.
    const auto read =
        read_jsonl_matches(file.path, start.offset, "\"session.",
                           [&](char* line, std::size_t size, std::uint64_t at) { log.line(line, size, at); });
    log.finish();
    result.offset = read.end_offset;
    result.bytes_read = read.bytes_read;
    return result;
}

}  // namespace usage::plugins::copilot
