#include "sync/batch_fast_decode.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "usage/model/token_limits.hpp"

namespace usage::sync::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Any of these makes the strict decoder look at the batch.
struct NotPlain {};

constexpr std::size_t kMaxIdLength = 1024;
constexpr std::size_t kMaxFailureLength = 64;

// Known keys of one object, each allowed once: with a key twice the strict
// decoder's DOM keeps the last, which this single pass would not mirror.
template <std::size_t N>
class Fields {
public:
    explicit Fields(const std::array<std::string_view, N>& names) : names_(names) {}
    /// The key's index among the names, N for a key nobody reads.
    std::size_t index(std::string_view key) {
        for (std::size_t i = 0; i < N; ++i) {
            if (names_[i] != key) continue;
            if (seen_[i]) throw NotPlain{};
            seen_[i] = true;
            return i;
        }
        return N;
    }

private:
    const std::array<std::string_view, N>& names_;
    std::array<bool, N> seen_{};
};

object as_object(element v) {
    object o;
    if (v.get_object().get(o)) throw NotPlain{};
    return o;
}

// A string (null reads as absent: ''), as the strict Reader::str.
std::string text(element v) {
    if (v.is_null()) return {};
    std::string_view s;
    if (v.get_string().get(s)) throw NotPlain{};
    return std::string(s);
}

// An integer within [min, max]; null reads as 0 (absent). simdjson keeps a
// non-negative integer as int64 whenever it fits; anything else (uint64
// beyond it, a double) is the strict decoder's to judge.
std::int64_t integer(element v, std::int64_t min, std::int64_t max) {
    if (v.is_null()) return 0;
    if (v.type() != element_type::INT64) throw NotPlain{};
    std::int64_t n = 0;
    if (v.get_int64().get(n) || n < min || n > max) throw NotPlain{};
    return n;
}

bool flag(element v) {
    if (v.is_null()) return false;
    bool b = false;
    if (v.get_bool().get(b)) throw NotPlain{};
    return b;
}

MachineInfo machine(element v) {
    static constexpr std::array<std::string_view, 5> kNames{"id", "name", "os", "time_zone", "agent_version"};
    Fields fields(kNames);
    MachineInfo m;
    for (auto [key, value] : as_object(v)) {
        switch (fields.index(key)) {
            case 0: m.id = text(value); break;
            case 1: m.name = text(value); break;
            case 2: m.os = text(value); break;
            case 3: m.time_zone = text(value); break;
            case 4: m.agent_version = text(value); break;
            default: break;
        }
    }
    if (m.id.empty()) throw NotPlain{};
    return m;
}

CostOrigin origin(element v) {
    if (const auto o = cost_origin_from_string(text(v))) return *o;
    throw NotPlain{};
}

void tokens(element v, TokenCounts& t) {
    static constexpr std::array<std::string_view, 6> kNames{"input",      "output",         "reasoning",
                                                            "cache_read", "cache_write_5m", "cache_write_1h"};
    Fields fields(kNames);
    for (auto [key, value] : as_object(v)) {
        const std::size_t i = fields.index(key);
        if (i == kNames.size()) continue;
        const std::array<std::int64_t*, 6> slots{&t.input,      &t.output,         &t.reasoning,
                                                 &t.cache_read, &t.cache_write_5m, &t.cache_write_1h};
        *slots[i] = integer(value, 0, kMaxTokensPerCall);
    }
}

std::optional<std::int64_t> optional_cost(element v) {
    if (v.is_null()) return std::nullopt;
    return integer(v, 0, kMaxCostMicrosPerCall);
}

void cost(element v, UsageEvent& e) {
    static constexpr std::array<std::string_view, 3> kNames{"micros", "origin", "reported_micros"};
    Fields fields(kNames);
    for (auto [key, value] : as_object(v)) {
        switch (fields.index(key)) {
            case 0: e.cost_micros = optional_cost(value); break;
            case 1: e.cost_origin = origin(value); break;
            case 2: e.reported_cost_micros = optional_cost(value); break;
            default: break;
        }
    }
}

WireEvent event(element v) {
    static constexpr std::array<std::string_view, 23> kNames{
        "id",           "source",        "session_id",    "parent_session_id",
        "model",        "pricing_model", "model_guessed", "provider",
        "project_name", "project_path",  "git_branch",    "repository",
        "surface",      "machine_id",    "timestamp_ms",  "tokens",
        "cost",         "dedup_group",   "replay",        "aggregate",
        "failure",      "superseded",    "revision"};
    Fields fields(kNames);
    WireEvent w;
    UsageEvent& e = w.event;
    bool has_timestamp = false, has_tokens = false;
    for (auto [key, value] : as_object(v)) {
        switch (fields.index(key)) {
            case 0: e.id = text(value); break;
            case 1: e.source = text(value); break;
            case 2: e.session_id = text(value); break;
            case 3: e.parent_session_id = text(value); break;
            case 4: e.model = text(value); break;
            case 5: e.pricing_model = text(value); break;
            case 6: e.model_guessed = flag(value); break;
            case 7: e.provider = text(value); break;
            case 8: e.project_name = text(value); break;
            case 9: e.project_path = text(value); break;
            case 10: e.git_branch = text(value); break;
            case 11: e.repository = text(value); break;
            case 12: e.surface = text(value); break;
            case 13: e.machine_id = text(value); break;
            case 14:
                has_timestamp = !value.is_null();
                e.timestamp_ms = integer(value, 0, INT64_MAX);
                break;
            case 15:
                has_tokens = !value.is_null();
                if (has_tokens) tokens(value, e.tokens);
                break;
            case 16:
                if (!value.is_null()) cost(value, e);
                break;
            case 17: e.dedup_group = text(value); break;
            case 18: e.replay = flag(value); break;
            case 19: e.aggregate = flag(value); break;
            case 20: e.failure = text(value); break;
            case 21: w.superseded = flag(value); break;
            case 22:
                if (!value.is_null()) w.revision = integer(value, 1, INT64_MAX);
                break;
            default: break;  // "timestamp" (for people) and keys of later versions
        }
    }
    if (e.id.empty() || e.id.size() > kMaxIdLength || e.source.empty() || !has_timestamp || !has_tokens ||
        !e.id.starts_with(e.dedup_group) || e.failure.size() > kMaxFailureLength ||
        (!e.failure.empty() && (e.tokens.total() != 0 || e.reported_cost_micros.value_or(0) != 0)))
        throw NotPlain{};
    return w;
}

SessionCost session_cost(element v) {
    static constexpr std::array<std::string_view, 6> kNames{"source", "session_id", "cost_micros",
                                                            "model",  "version",    "updated_ms"};
    Fields fields(kNames);
    SessionCost c;
    bool has_cost = false;
    for (auto [key, value] : as_object(v)) {
        switch (fields.index(key)) {
            case 0: c.source = text(value); break;
            case 1: c.session_id = text(value); break;
            case 2:
                has_cost = !value.is_null();
                c.cost_micros = integer(value, 0, kMaxCostMicrosPerCall);
                break;
            case 3: c.model = text(value); break;
            case 4: c.version = text(value); break;
            case 5: c.updated_ms = integer(value, 0, INT64_MAX); break;
            default: break;
        }
    }
    if (c.source.empty() || c.session_id.empty() || c.session_id.size() > kMaxIdLength || !has_cost) throw NotPlain{};
    return c;
}

template <typename Read>
void each(element v, Read&& read) {
    simdjson::dom::array items;
    if (v.get_array().get(items)) throw NotPlain{};
    for (element item : items) read(item);
}

IngestBatch batch(element doc) {
    static constexpr std::array<std::string_view, 5> kNames{"protocol", "machine", "machine_variants", "events",
                                                            "session_costs"};
    Fields fields(kNames);
    IngestBatch b;
    bool has_protocol = false, has_machine = false, has_events = false;
    element events;
    for (auto [key, value] : as_object(doc)) {
        switch (fields.index(key)) {
            case 0:
                has_protocol = true;
                if (value.is_null() || integer(value, kProtocolVersion, kProtocolVersion) != kProtocolVersion)
                    throw NotPlain{};
                break;
            case 1:
                has_machine = true;
                b.machine = machine(value);
                break;
            case 2:
                if (!value.is_null()) each(value, [&](element m) { b.machine_variants.push_back(machine(m)); });
                break;
            case 3:
                has_events = true;
                events = value;  // read last: its machine ids are checked against the machines
                break;
            case 4:
                if (!value.is_null()) each(value, [&](element c) { b.session_costs.push_back(session_cost(c)); });
                break;
            default: break;
        }
    }
    if (!has_protocol || !has_machine || !has_events) throw NotPlain{};
    for (const auto& m : b.machine_variants)
        if (!m.id.starts_with(b.machine.id + "/")) throw NotPlain{};
    each(events, [&](element v) {
        WireEvent w = event(v);
        std::string& mid = w.event.machine_id;
        if (mid.empty()) mid = b.machine.id;
        bool known = mid == b.machine.id;
        for (const auto& m : b.machine_variants) known = known || mid == m.id;
        if (!known) throw NotPlain{};
        b.events.push_back(std::move(w));
    });
    return b;
}

// A batch of a few hundred events is a few hundred KB: each thread keeps
// one parser's buffers for those, and a large body gets a parser of its own.
constexpr std::size_t kKeptParserBytes = 4u << 20;

}  // namespace

std::optional<IngestBatch> decode_batch_fast(std::string_view json) {
    // simdjson lets a raw control byte through inside a string, which JSON
    // (and the strict decoder) refuses; a compact batch has none anywhere.
    if (std::any_of(json.begin(), json.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return std::nullopt;
    thread_local simdjson::dom::parser kept;
    std::unique_ptr<simdjson::dom::parser> own;
    simdjson::dom::parser* parser = &kept;
    if (json.size() > kKeptParserBytes) parser = (own = std::make_unique<simdjson::dom::parser>()).get();
    element doc;
    if (parser->parse(json.data(), json.size()).get(doc)) return std::nullopt;
    try {
        return batch(doc);
    } catch (const NotPlain&) {
        return std::nullopt;
    }
}

}  // namespace usage::sync::detail
