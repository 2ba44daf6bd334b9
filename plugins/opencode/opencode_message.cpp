// simdjson on-demand parsing of an OpenCode message. Keys are visited once in
// document order (OpenCode's key order differs between versions and between
// the database and the legacy files), and nothing else is materialised.
#include "opencode_message.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "usage/model/failure_kind.hpp"

namespace usage::plugins::opencode {
namespace {

namespace od = simdjson::ondemand;

constexpr auto count_of = detail::ondemand_token_count;

// A time as a JSON number (milliseconds); null or anything else is 0.
std::int64_t read_time_ms(od::value v) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) == simdjson::SUCCESS) return n > 0 ? n : 0;
    double d = 0;
    if (v.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d > 0 && d < 9e18) return std::llround(d);
    return 0;
}

void read_string(od::value v, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) out.assign(s);
}

// `tokens`: {input, output, reasoning, cache: {read, write}} (plus `total` in
// newer versions, which is their sum and is ignored).
// Counts follow the rule of usage/model/token_limits.hpp (JavaScript writes NaN
// as null, which reads as 0); a count that breaks it is noted in `bad`.
// False when `tokens` is not an object of that shape.
bool read_tokens(od::value v, TokenCounts& t, detail::BadNumber& bad) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return false;
    std::int64_t output = 0;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        if (key == "input") {
            count_of(field.value(), t.input, "tokens.input", bad);
        } else if (key == "output") {
            count_of(field.value(), output, "tokens.output", bad);
        } else if (key == "reasoning") {
            count_of(field.value(), t.reasoning, "tokens.reasoning", bad);
        } else if (key == "cache") {
            od::object cache;
            if (field.value().get_object().get(cache) != simdjson::SUCCESS) return false;
            for (auto c : cache) {
                std::string_view k;
                if (c.unescaped_key().get(k) != simdjson::SUCCESS) return false;
                if (k == "read") count_of(c.value(), t.cache_read, "tokens.cache.read", bad);
                if (k == "write") count_of(c.value(), t.cache_write_5m, "tokens.cache.write", bad);
            }
        }
    }
    // OpenCode keeps reasoning apart from output; the normalised output
    // holds everything generated, with reasoning as its subset.
    t.output = output + t.reasoning;
    return true;
}

void read_path(od::value v, MessageUsage& m) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return;
        if (key == "root")
            read_string(field.value(), m.path_root);
        else if (key == "cwd")
            read_string(field.value(), m.path_cwd);
    }
}

void read_time(od::value v, MessageUsage& m) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return;
        if (key == "created") m.created_ms = read_time_ms(field.value());
    }
}

// `error`: {name, data: {...}}. A failed call is an error OpenCode saved
// because the provider call failed (APIError, with the HTTP status when there
// was one), threw (UnknownError) or could not be made (ProviderAuthError); a
// user's abort, an output cut at its limit or a structured output that did
// not parse are not failures of the call.
void read_error(od::value v, std::string& failure) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return;
    std::string_view name;
    std::int64_t status = 0;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return;
        if (key == "name") {
            if (field.value().get_string().get(name) != simdjson::SUCCESS) return;
        } else if (key == "data") {
            od::object data;
            if (field.value().get_object().get(data) != simdjson::SUCCESS) continue;
            for (auto d : data) {
                std::string_view k;
                if (d.unescaped_key().get(k) != simdjson::SUCCESS) return;
                if (k == "statusCode" && d.value().get_int64().get(status) != simdjson::SUCCESS) status = 0;
            }
        }
    }
    if (name == "APIError")
        failure = http_failure(status).value_or("api_error");
    else if (name == "UnknownError")
        failure = "unknown_error";
    else if (name == "ProviderAuthError")
        failure = "provider_auth_error";
}

}  // namespace

MessageOutcome parse_message(od::parser& parser, const char* json, std::size_t size, std::size_t capacity,
                             MessageUsage& out) {
    out = MessageUsage{};
    od::document doc;
    if (parser.iterate(json, size, capacity).get(doc) != simdjson::SUCCESS) return MessageOutcome::malformed;
    od::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) return MessageOutcome::malformed;
    bool assistant = false;
    bool has_tokens = false;
    bool bad_shape = false;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return MessageOutcome::malformed;
        od::value value;
        if (field.value().get(value) != simdjson::SUCCESS) return MessageOutcome::malformed;
        if (key == "role") {
            std::string_view role;
            assistant = value.get_string().get(role) == simdjson::SUCCESS && role == "assistant";
        } else if (key == "tokens") {
            has_tokens = true;
            bad_shape = bad_shape || !read_tokens(value, out.tokens, out.bad);
        } else if (key == "cost") {
            detail::ondemand_cost_usd(value, out.cost, "cost", out.bad);
        } else if (key == "modelID") {
            read_string(value, out.model);
        } else if (key == "providerID") {
            read_string(value, out.provider);
        } else if (key == "time") {
            read_time(value, out);
        } else if (key == "path") {
            read_path(value, out);
        } else if (key == "id") {
            read_string(value, out.id);
        } else if (key == "sessionID") {
            read_string(value, out.session_id);
        } else if (key == "error") {
            read_error(value, out.failure);
        }
    }
    if (!assistant) return MessageOutcome::skipped;
    if (bad_shape || !has_tokens) return MessageOutcome::malformed;
    if (out.bad.found()) return MessageOutcome::invalid;
    // A call still streaming (or aborted before any usage) carries zeros;
    // OpenCode rewrites the message when the step finishes. A failed call
    // carries zeros too, and its error. One that failed after using tokens
    // counts as the usage it had.
    if (out.tokens.total() == 0 && !(out.cost > 0))
        return out.failure.empty() ? MessageOutcome::skipped : MessageOutcome::usage;
    out.failure.clear();
    return MessageOutcome::usage;
}

std::string last_path_component(std::string_view path) {
    while (!path.empty() && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto cut = path.find_last_of("/\\");
    return std::string(cut == std::string_view::npos ? path : path.substr(cut + 1));
}

UsageEvent make_event(const MessageUsage& m, std::string_view message_id, const SessionPlace& place, Copy copy,
                      std::string_view source) {
    UsageEvent e;
    e.source.assign(source);
    // Both copies of a message share the group `<source>:<message id>:`; the
    // legacy copy is a replay, so the store supersedes it with the database
    // row whichever of the two it sees first, and counts it when the
    // database does not hold the message.
    e.dedup_group.reserve(source.size() + 2 + message_id.size());
    e.dedup_group.append(source).append(":").append(message_id).append(":");
    e.id = e.dedup_group + (copy == Copy::database ? "db" : "json");
    e.replay = copy == Copy::legacy_file;
    e.session_id = place.root;
    e.parent_session_id = place.parent;
    e.model = m.model;
    e.provider = m.provider;
    e.surface = "cli";
    e.timestamp_ms = m.created_ms;
    e.tokens = m.tokens;
    if (m.cost > 0) e.reported_cost_micros = std::llround(m.cost * 1e6);
    e.failure = m.failure;

    // The session's folder first, then the git worktree the message names
    // ("/" is OpenCode's placeholder outside git), then its working dir.
    std::string_view dir = place.directory;
    if (dir.empty() && !m.path_root.empty() && m.path_root != "/") dir = m.path_root;
    if (dir.empty()) dir = m.path_cwd;
    e.project_path.assign(dir);
    e.project_name = last_path_component(dir);
    return e;
}

}  // namespace usage::plugins::opencode
