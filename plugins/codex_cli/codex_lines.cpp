// simdjson on-demand parsing of the rollout lines that carry usage context.
// Fields are visited once in file order; large values (base instructions,
// sandbox policies) are skipped structurally without being materialised.
#include "codex_lines.hpp"

#include <algorithm>
#include <cmath>

#include "usage/scan/ondemand_values.hpp"
#include "usage/scan/utf8_repair.hpp"

namespace usage::plugins::codex {
namespace {

namespace od = simdjson::ondemand;

constexpr auto int_of = detail::ondemand_int;
constexpr auto str_of = detail::ondemand_str;

bool is_null(od::value v) {
    od::json_type type;
    return v.type().get(type) == simdjson::SUCCESS && type == od::json_type::null;
}

// Field paths for messages, for the running total and the per-call usage.
struct UsageFields {
    std::string_view input, cached, cache_read, output, reasoning, total, cache_write;
};
constexpr UsageFields kTotalFields{"payload.info.total_token_usage.input_tokens",
                                   "payload.info.total_token_usage.cached_input_tokens",
                                   "payload.info.total_token_usage.cache_read_input_tokens",
                                   "payload.info.total_token_usage.output_tokens",
                                   "payload.info.total_token_usage.reasoning_output_tokens",
                                   "payload.info.total_token_usage.total_tokens",
                                   "payload.info.total_token_usage.cache_write_input_tokens"};
constexpr UsageFields kLastFields{"payload.info.last_token_usage.input_tokens",
                                  "payload.info.last_token_usage.cached_input_tokens",
                                  "payload.info.last_token_usage.cache_read_input_tokens",
                                  "payload.info.last_token_usage.output_tokens",
                                  "payload.info.last_token_usage.reasoning_output_tokens",
                                  "payload.info.last_token_usage.total_tokens",
                                  "payload.info.last_token_usage.cache_write_input_tokens"};

// `running`: a cumulative total, whose fields may grow up to kMaxRunningTokens.
simdjson::error_code read_usage(od::object usage, Usage& out, bool running, detail::BadNumber& bad) {
    const UsageFields& f = running ? kTotalFields : kLastFields;
    const auto read = running ? detail::ondemand_running_total : detail::ondemand_token_count;
    auto count = [&](od::value v, std::int64_t& into, std::string_view field) { read(v, into, field, bad); };
    bool has_cached = false;
    for (auto field : usage) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "input_tokens")
            count(field.value(), out.input, f.input);
        else if (key == "cached_input_tokens")
            count(field.value(), out.cached, f.cached), has_cached = true;
        else if (key == "cache_read_input_tokens" && !has_cached)
            count(field.value(), out.cached, f.cache_read);  // spelling of some forks of Codex
        else if (key == "output_tokens")
            count(field.value(), out.output, f.output);
        else if (key == "reasoning_output_tokens")
            count(field.value(), out.reasoning, f.reasoning);
        else if (key == "total_tokens")
            count(field.value(), out.total, f.total);
        else if (key == "cache_write_input_tokens")
            count(field.value(), out.cache_write, f.cache_write);
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_info(od::value value, TurnLine& out) {
    if (is_null(value)) return simdjson::SUCCESS;
    od::object info;
    if (auto err = value.get_object().get(info)) return err;
    out.has_info = true;
    for (auto field : info) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        const bool total = key == "total_token_usage";
        if (!total && key != "last_token_usage") continue;
        od::value v = field.value();
        if (is_null(v)) continue;
        od::object usage;
        if (auto err = v.get_object().get(usage)) return err;
        if (auto err = read_usage(usage, total ? out.total : out.last, total, out.bad)) return err;
        (total ? out.has_total : out.has_last) = true;
    }
    return simdjson::SUCCESS;
}

// A number of either kind, or nullopt (null, a string, ...).
std::optional<double> number_of(od::value v) {
    od::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS || type != od::json_type::number) return std::nullopt;
    double d = 0;
    if (v.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d)) return std::nullopt;
    return d;
}

std::int64_t whole_or(od::value v, std::int64_t fallback) {
    auto d = number_of(v);
    // Beyond +-2^53 s (or minutes) is no time: keep the conversion defined.
    return d && std::fabs(*d) < 9e15 ? static_cast<std::int64_t>(*d) : fallback;
}

simdjson::error_code read_rate_window(od::value value, RateWindow& out) {
    od::object window;
    if (value.get_object().get(window) != simdjson::SUCCESS) return simdjson::SUCCESS;  // null: no window
    for (auto field : window) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "used_percent") {
            if (auto d = number_of(field.value())) out.used_percent = *d, out.present = true;
        } else if (key == "window_minutes") {
            out.window_minutes = std::max<std::int64_t>(0, whole_or(field.value(), 0));
        } else if (key == "resets_at") {
            out.resets_at = whole_or(field.value(), -1);
        } else if (key == "resets_in_seconds") {
            out.resets_in_seconds = whole_or(field.value(), -1);
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_rate_limits(od::value value, TurnLine& out) {
    od::object limits;
    if (value.get_object().get(limits) != simdjson::SUCCESS) return simdjson::SUCCESS;  // null
    for (auto field : limits) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "primary") {
            if (auto err = read_rate_window(field.value(), out.primary)) return err;
        } else if (key == "secondary") {
            if (auto err = read_rate_window(field.value(), out.secondary)) return err;
        } else if (key == "plan_type") {
            out.plan_type = str_of(field.value());
        } else if (key == "limit_id") {
            out.limit_id = str_of(field.value());
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_turn_payload(od::object payload, TurnLine& out) {
    for (auto field : payload) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "info") {
            if (auto err = read_info(field.value(), out)) return err;
        } else if (key == "rate_limits") {
            if (auto err = read_rate_limits(field.value(), out)) return err;
        } else if (key == "turn_id") {
            out.turn_id = str_of(field.value());
        } else if (key == "model") {
            out.model = str_of(field.value());
        } else if (key == "cwd") {
            out.cwd = str_of(field.value());
        } else if (key == "started_at") {
            od::value v = field.value();
            if (!is_null(v)) out.started_at = int_of(v);
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_turn_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity,
                                    TurnLine& out) {
    od::document doc;
    if (auto err = parser.iterate(simdjson::padded_string_view(line, size, capacity)).get(doc)) return err;
    od::object obj;
    if (auto err = doc.get_object().get(obj)) return err;
    for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "timestamp") {
            out.timestamp = str_of(field.value());
        } else if (key == "payload") {
            od::object payload;
            if (auto err = field.value().get_object().get(payload)) return err;
            if (auto err = read_turn_payload(payload, out)) return err;
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_source(od::value value, SessionMeta& meta) {
    od::json_type type;
    if (auto err = value.type().get(type)) return err;
    if (type == od::json_type::string) {
        meta.source = std::string(str_of(value));
        return simdjson::SUCCESS;
    }
    if (type != od::json_type::object) return simdjson::SUCCESS;
    od::object source;
    if (auto err = value.get_object().get(source)) return err;
    for (auto field : source) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        od::value v = field.value();
        if (key != "subagent") {  // e.g. {"custom": "name"}
            std::string_view s = str_of(v);
            meta.source = std::string(s.empty() ? key : s);
            continue;
        }
        meta.source = "subagent";
        od::json_type sub_type;
        if (auto err = v.type().get(sub_type)) return err;
        if (sub_type == od::json_type::string) {
            meta.subagent = std::string(str_of(v));  // "review", "compact", ...
            continue;
        }
        od::object sub;
        if (v.get_object().get(sub) != simdjson::SUCCESS) continue;
        for (auto kind : sub) {
            std::string_view k;
            if (auto err = kind.unescaped_key().get(k)) return err;
            meta.subagent = std::string(k);
            od::value kv = kind.value();
            if (k == "other") {
                if (std::string_view s = str_of(kv); !s.empty()) meta.subagent = std::string(s);
            } else if (k == "thread_spawn") {
                od::object spawn;
                if (kv.get_object().get(spawn) != simdjson::SUCCESS) continue;
                for (auto f : spawn) {
                    std::string_view fk;
                    if (auto err = f.unescaped_key().get(fk)) return err;
                    if (fk == "parent_thread_id") meta.spawn_parent_id = std::string(str_of(f.value()));
                }
            }
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_meta_payload(od::object payload, SessionMeta& meta) {
    for (auto field : payload) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "id")
            meta.id = std::string(str_of(field.value()));
        else if (key == "timestamp")
            meta.timestamp = std::string(str_of(field.value()));
        else if (key == "cwd")
            meta.cwd = std::string(str_of(field.value()));
        else if (key == "originator")
            meta.originator = std::string(str_of(field.value()));
        else if (key == "model_provider")
            meta.model_provider = std::string(str_of(field.value()));
        else if (key == "forked_from_id")
            meta.forked_from_id = std::string(str_of(field.value()));
        else if (key == "parent_thread_id")
            meta.control_parent_id = std::string(str_of(field.value()));
        else if (key == "session_id")
            meta.root_session_id = std::string(str_of(field.value()));
        else if (key == "thread_source")
            meta.thread_source = std::string(str_of(field.value()));
        else if (key == "source") {
            if (auto err = read_source(field.value(), meta)) return err;
        } else if (key == "git") {
            od::object git;
            if (field.value().get_object().get(git) != simdjson::SUCCESS) continue;
            for (auto g : git) {
                std::string_view gk;
                if (auto err = g.unescaped_key().get(gk)) return err;
                if (gk == "branch") meta.git_branch = std::string(str_of(g.value()));
                if (gk == "repository_url") meta.repository_url = std::string(str_of(g.value()));
            }
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_meta_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity,
                                    SessionMeta& meta, bool& is_meta) {
    od::document doc;
    if (auto err = parser.iterate(simdjson::padded_string_view(line, size, capacity)).get(doc)) return err;
    od::object obj;
    if (auto err = doc.get_object().get(obj)) return err;
    for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "timestamp") {
            meta.line_timestamp = std::string(str_of(field.value()));
        } else if (key == "type") {
            is_meta = str_of(field.value()) == "session_meta";
        } else if (key == "payload") {
            od::object payload;
            if (field.value().get_object().get(payload) != simdjson::SUCCESS) continue;
            if (auto err = read_meta_payload(payload, meta)) return err;
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_kinds(od::parser& parser, char* line, std::size_t size, std::size_t capacity,
                                std::string& type, std::string& payload_type) {
    od::document doc;
    if (auto err = parser.iterate(simdjson::padded_string_view(line, size, capacity)).get(doc)) return err;
    od::object obj;
    if (auto err = doc.get_object().get(obj)) return err;
    for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "type") {
            type = std::string(str_of(field.value()));
        } else if (key == "payload") {
            od::object payload;
            if (field.value().get_object().get(payload) != simdjson::SUCCESS) continue;
            for (auto f : payload) {
                std::string_view k;
                if (auto err = f.unescaped_key().get(k)) return err;
                if (k == "type") payload_type = std::string(str_of(f.value()));
            }
        }
    }
    return simdjson::SUCCESS;
}

LineKind kind_of(std::string_view type, std::string_view payload_type) {
    if (type == "session_meta") return LineKind::session_meta;
    if (type == "turn_context") return LineKind::turn_context;
    if (type != "event_msg") return LineKind::other;
    if (payload_type == "token_count") return LineKind::token_count;
    if (payload_type == "task_started") return LineKind::task_started;
    return LineKind::other;
}

// Parse, and on invalid UTF-8 repair the line in place and parse once more.
template <typename Read>
simdjson::error_code with_utf8_repair(char* line, std::size_t size, Read&& read) {
    auto err = read();
    if (err == simdjson::UTF8_ERROR && detail::repair_utf8(line, size) > 0) err = read();
    return err;
}

}  // namespace

bool Usage::covers(const Usage& e) const {
    return input >= e.input && cached >= e.cached && output >= e.output && reasoning >= e.reasoning &&
           total >= e.total && cache_write >= e.cache_write;
}

Usage Usage::minus(const Usage& e) const {
    return {input - e.input,         cached - e.cached, output - e.output,
            reasoning - e.reasoning, total - e.total,   cache_write - e.cache_write};
}

Usage Usage::plus(const Usage& o) const {
    return {input + o.input,         cached + o.cached, output + o.output,
            reasoning + o.reasoning, total + o.total,   cache_write + o.cache_write};
}

std::optional<LineKind> classify_prefix(std::string_view line) {
    // serde writes RolloutLine as {"timestamp":..,"type":KIND,"payload":{..}}
    // and an event_msg payload starts with its own "type".
    const std::string_view head = line.substr(0, 192);
    if (!head.starts_with(R"({"timestamp":")")) return std::nullopt;
    const auto at = head.find(R"(","type":")");
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = head.substr(at + 10);
    if (rest.starts_with(R"(session_meta")")) return LineKind::session_meta;
    if (rest.starts_with(R"(turn_context")")) return LineKind::turn_context;
    constexpr std::string_view kEvent = R"(event_msg","payload":{"type":")";
    if (rest.starts_with(kEvent)) {
        rest.remove_prefix(kEvent.size());
        if (rest.starts_with(R"(token_count")")) return LineKind::token_count;
        if (rest.starts_with(R"(task_started")")) return LineKind::task_started;
        return LineKind::other;
    }
    if (rest.starts_with(R"(event_msg")")) return std::nullopt;  // payload in an unusual order
    return rest.find('"') == std::string_view::npos ? std::nullopt : std::optional(LineKind::other);
}

std::optional<LineKind> classify_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity) {
    if (auto kind = classify_prefix(std::string_view(line, size))) return kind;
    std::string type, payload_type;
    auto err = with_utf8_repair(line, size, [&] {
        type.clear();
        payload_type.clear();
        return read_kinds(parser, line, size, capacity, type, payload_type);
    });
    if (err) return std::nullopt;
    return kind_of(type, payload_type);
}

ParseOutcome parse_turn_line(od::parser& parser, char* line, std::size_t size, std::size_t capacity, LineKind kind,
                             TurnLine& out) {
    auto err = with_utf8_repair(line, size, [&] {
        out = TurnLine{};
        return read_turn_line(parser, line, size, capacity, out);
    });
    out.kind = kind;
    return err ? ParseOutcome::malformed : ParseOutcome::ok;
}

std::optional<SessionMeta> parse_session_meta(od::parser& parser, char* line, std::size_t size, std::size_t capacity) {
    SessionMeta meta;
    bool is_meta = false;
    auto err = with_utf8_repair(line, size, [&] {
        meta = SessionMeta{};
        is_meta = false;
        return read_meta_line(parser, line, size, capacity, meta, is_meta);
    });
    if (err || !is_meta) return std::nullopt;
    return meta;
}

std::optional<std::int64_t> uuid_v7_ms(std::string_view id) {
    // xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx: the first 48 bits are Unix ms.
    if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || id[14] != '7')
        return std::nullopt;
    std::int64_t ms = 0;
    for (std::size_t i = 0; i < 13; ++i) {
        if (i == 8) continue;
        const char c = id[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return std::nullopt;
        ms = ms * 16 + digit;
    }
    return ms;
}

}  // namespace usage::plugins::codex
