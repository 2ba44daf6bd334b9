// Protocol v1 JSON: encoding for the agent, strict decoding for the endpoint
// (every wrong field is a 400 with its name, never a crash or a guess). A
// plainly valid batch is read by batch_fast_decode.cpp first; everything
// else, and every message, comes from here.
#include "usage/sync/protocol.hpp"

#include <nlohmann/json.hpp>

#include "sync/batch_fast_decode.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/model/token_limits.hpp"

namespace usage::sync {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdLength = 1024;
constexpr std::size_t kMaxFailureLength = 64;

json optional_int(const std::optional<std::int64_t>& v) {
    return v ? json(*v) : json(nullptr);
}

json machine_json(const MachineInfo& m) {
    return {
        {"id", m.id}, {"name", m.name}, {"os", m.os}, {"time_zone", m.time_zone}, {"agent_version", m.agent_version}};
}

json session_cost_json(const SessionCost& c) {
    return {{"source", c.source}, {"session_id", c.session_id}, {"cost_micros", c.cost_micros},
            {"model", c.model},   {"version", c.version},       {"updated_ms", c.updated_ms}};
}

json event_json(const WireEvent& w) {
    const UsageEvent& e = w.event;
    json j = {{"id", e.id},
              {"source", e.source},
              {"session_id", e.session_id},
              {"parent_session_id", e.parent_session_id},
              {"model", e.model},
              {"pricing_model", e.pricing_model},
              {"model_guessed", e.model_guessed},
              {"provider", e.provider},
              {"project_name", e.project_name},
              {"project_path", e.project_path},
              {"git_branch", e.git_branch},
              {"repository", e.repository},
              {"surface", e.surface},
              {"machine_id", e.machine_id},
              {"timestamp", format_utc_ms(e.timestamp_ms)},
              {"timestamp_ms", e.timestamp_ms},
              {"tokens",
               {{"input", e.tokens.input},
                {"output", e.tokens.output},
                {"reasoning", e.tokens.reasoning},
                {"cache_read", e.tokens.cache_read},
                {"cache_write_5m", e.tokens.cache_write_5m},
                {"cache_write_1h", e.tokens.cache_write_1h}}},
              {"cost",
               {{"micros", optional_int(e.cost_micros)},
                {"origin", std::string(to_string(e.cost_origin))},
                {"reported_micros", optional_int(e.reported_cost_micros)}}},
              {"dedup_group", e.dedup_group},
              {"replay", e.replay},
              {"superseded", w.superseded},
              {"revision", w.revision}};
    // Only on failed calls: an answered call's event is what it always was.
    if (!e.failure.empty()) j["failure"] = e.failure;
    // Only on sums of calls, so a single call's event is byte for byte what
    // older agents send; an endpoint prices it at base rates (see event.hpp).
    if (e.aggregate) j["aggregate"] = true;
    return j;
}

// Field readers that name what is wrong.
class Reader {
public:
    Reader(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {
        if (!obj_.is_object()) fail("", "must be an object");
    }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        std::string name = key.empty() ? where_ : (where_.empty() ? key : where_ + "." + key);
        throw ProtocolError("'" + name + "' " + what);
    }
    [[nodiscard]] const json* find(const std::string& key) const {
        auto it = obj_.find(key);
        return it == obj_.end() || it->is_null() ? nullptr : &*it;
    }
    [[nodiscard]] std::string str(const std::string& key, bool required = false) const {
        const json* v = find(key);
        if (!v) {
            if (required) fail(key, "is required");
            return {};
        }
        if (!v->is_string()) fail(key, "must be a string");
        return v->get<std::string>();
    }
    [[nodiscard]] std::int64_t integer(const std::string& key, bool required = false, std::int64_t min = 0) const {
        const json* v = find(key);
        if (!v) {
            if (required) fail(key, "is required");
            return 0;
        }
        if (!v->is_number_integer()) fail(key, "must be an integer");
        auto n = v->get<std::int64_t>();
        if (n < min) fail(key, "must be at least " + std::to_string(min));
        return n;
    }
    [[nodiscard]] std::optional<std::int64_t> optional_integer(const std::string& key) const {
        if (!find(key)) return std::nullopt;
        return integer(key, false, std::numeric_limits<std::int64_t>::min());
    }
    /// An integer in min..max. The JSON text decides, not its conversion: a
    /// number written with a fraction or exponent is not an integer, and one
    /// beyond 64 bits is not in range.
    [[nodiscard]] std::int64_t bounded(const std::string& key, std::int64_t min, std::int64_t max) const {
        const json* v = find(key);
        if (!v) return 0;
        const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
        if (!v->is_number_integer()) fail(key, "must be an integer " + range);
        if (v->is_number_unsigned() ? v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)
                                    : v->get<std::int64_t>() < min || v->get<std::int64_t>() > max)
            fail(key, "must be an integer " + range);
        return v->get<std::int64_t>();
    }
    [[nodiscard]] std::optional<std::int64_t> optional_bounded(const std::string& key, std::int64_t min,
                                                               std::int64_t max) const {
        if (!find(key)) return std::nullopt;
        return bounded(key, min, max);
    }
    [[nodiscard]] bool boolean(const std::string& key) const {
        const json* v = find(key);
        if (!v) return false;
        if (!v->is_boolean()) fail(key, "must be true or false");
        return v->get<bool>();
    }
    [[nodiscard]] Reader object(const std::string& key) const {
        const json* v = find(key);
        if (!v) fail(key, "is required");
        return Reader(*v, where_.empty() ? key : where_ + "." + key);
    }
    [[nodiscard]] const std::string& where() const { return where_; }

private:
    const json& obj_;
    std::string where_;
};

MachineInfo read_machine(const Reader& r) {
    MachineInfo m;
    m.id = r.str("id", true);
    if (m.id.empty()) r.fail("id", "must not be empty");
    m.name = r.str("name");
    m.os = r.str("os");
    m.time_zone = r.str("time_zone");
    m.agent_version = r.str("agent_version");
    return m;
}

CostOrigin read_origin(const Reader& r) {
    if (const auto origin = cost_origin_from_string(r.str("origin"))) return *origin;
    r.fail("origin", "must be unpriced, estimated, reported or override");
}

SessionCost read_session_cost(const Reader& r) {
    SessionCost c;
    c.source = r.str("source", true);
    if (c.source.empty()) r.fail("source", "must not be empty");
    c.session_id = r.str("session_id", true);
    if (c.session_id.empty() || c.session_id.size() > kMaxIdLength)
        r.fail("session_id", "must be 1 to 1024 characters");
    if (!r.find("cost_micros")) r.fail("cost_micros", "is required");
    c.cost_micros = r.bounded("cost_micros", 0, kMaxCostMicrosPerCall);
    c.model = r.str("model");
    c.version = r.str("version");
    c.updated_ms = r.integer("updated_ms");
    return c;
}

WireEvent read_event(const Reader& r) {
    WireEvent w;
    UsageEvent& e = w.event;
    e.id = r.str("id", true);
    if (e.id.empty() || e.id.size() > kMaxIdLength) r.fail("id", "must be 1 to 1024 characters");
    e.source = r.str("source", true);
    if (e.source.empty()) r.fail("source", "must not be empty");
    e.session_id = r.str("session_id");
    e.parent_session_id = r.str("parent_session_id");
    e.model = r.str("model");
    e.pricing_model = r.str("pricing_model");
    e.model_guessed = r.boolean("model_guessed");
    e.provider = r.str("provider");
    e.project_name = r.str("project_name");
    e.project_path = r.str("project_path");
    e.git_branch = r.str("git_branch");
    e.repository = r.str("repository");  // optional: agents before it send none
    e.surface = r.str("surface");
    e.machine_id = r.str("machine_id");
    e.timestamp_ms = r.integer("timestamp_ms", true);
    // The rule of usage/model/token_limits.hpp, as every plugin applies it.
    Reader t = r.object("tokens");
    e.tokens.input = t.bounded("input", 0, kMaxTokensPerCall);
    e.tokens.output = t.bounded("output", 0, kMaxTokensPerCall);
    e.tokens.reasoning = t.bounded("reasoning", 0, kMaxTokensPerCall);
    e.tokens.cache_read = t.bounded("cache_read", 0, kMaxTokensPerCall);
    e.tokens.cache_write_5m = t.bounded("cache_write_5m", 0, kMaxTokensPerCall);
    e.tokens.cache_write_1h = t.bounded("cache_write_1h", 0, kMaxTokensPerCall);
    if (r.find("cost")) {
        Reader c = r.object("cost");
        e.cost_micros = c.optional_bounded("micros", 0, kMaxCostMicrosPerCall);
        e.cost_origin = read_origin(c);
        e.reported_cost_micros = c.optional_bounded("reported_micros", 0, kMaxCostMicrosPerCall);
    }
    e.dedup_group = r.str("dedup_group");
    if (!e.id.starts_with(e.dedup_group)) r.fail("dedup_group", "must be a prefix of 'id'");
    e.replay = r.boolean("replay");
    e.aggregate = r.boolean("aggregate");  // optional: absent (older agents, single calls) = false
    e.failure = r.str("failure");          // optional: only failed calls have one
    if (e.failure.size() > kMaxFailureLength) r.fail("failure", "must be at most 64 characters");
    if (!e.failure.empty() && (e.tokens.total() != 0 || e.reported_cost_micros.value_or(0) != 0))
        r.fail("failure", "is set, but a failed call has no tokens and no reported cost");
    w.superseded = r.boolean("superseded");
    w.revision = r.find("revision") ? r.integer("revision", false, 1) : 1;
    return w;
}

// Valid JSON can still fail to parse here: a number beyond a double's range
// (`1e400`) has no value to check. Say so rather than "not JSON".
std::string why_not_json(std::string_view text, const char* what = "body") {
    try {
        const json doc = json::parse(text.begin(), text.end());
    } catch (const json::out_of_range& e) {
        const std::string message = e.what();
        if (auto at = message.find("number overflow parsing "); at != std::string::npos)
            return std::string(what) + " holds a number out of range: " + message.substr(at + 24);
    } catch (const json::exception&) {
    }
    return std::string(what) + " is not valid JSON";
}

// A stored name that is not UTF-8 (written before the scan repaired them)
// goes out with U+FFFD instead of making its batch impossible to send.
std::string wire_text(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string encode_event(const WireEvent& event) {
    return wire_text(event_json(event));
}

std::string encode_batch(const IngestBatch& batch) {
    json events = json::array();
    for (const auto& w : batch.events) events.push_back(event_json(w));
    json variants = json::array();
    for (const auto& m : batch.machine_variants) variants.push_back(machine_json(m));
    json body{{"protocol", batch.protocol},
              {"machine", machine_json(batch.machine)},
              {"machine_variants", std::move(variants)},
              {"events", std::move(events)}};
    // Only when there are some: a batch without is what older agents send.
    if (!batch.session_costs.empty()) {
        json costs = json::array();
        for (const auto& c : batch.session_costs) costs.push_back(session_cost_json(c));
        body["session_costs"] = std::move(costs);
    }
    return wire_text(body);
}

IngestBatch decode_batch(std::string_view text) {
    if (auto plain = detail::decode_batch_fast(text)) return std::move(*plain);
    return detail::decode_batch_strict(text);
}

IngestBatch detail::decode_batch_strict(std::string_view text) {
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw ProtocolError(why_not_json(text));
    Reader r(doc, "");
    IngestBatch b;
    if (!r.find("protocol")) r.fail("protocol", "is required");
    b.protocol = static_cast<int>(r.integer("protocol", true, 1));
    if (b.protocol != kProtocolVersion)
        throw ProtocolError("protocol version " + std::to_string(b.protocol) +
                            " is not supported (this endpoint speaks " + std::to_string(kProtocolVersion) + ")");
    b.machine = read_machine(r.object("machine"));
    if (const json* vs = r.find("machine_variants")) {
        if (!vs->is_array()) r.fail("machine_variants", "must be an array");
        for (std::size_t i = 0; i < vs->size(); ++i) {
            MachineInfo m = read_machine(Reader((*vs)[i], "machine_variants[" + std::to_string(i) + "]"));
            if (!m.id.starts_with(b.machine.id + "/"))
                throw ProtocolError("'machine_variants[" + std::to_string(i) + "].id' must start with the machine id");
            b.machine_variants.push_back(std::move(m));
        }
    }
    const json* events = r.find("events");
    if (!events || !events->is_array()) r.fail("events", "must be an array");
    b.events.reserve(events->size());
    for (std::size_t i = 0; i < events->size(); ++i) {
        WireEvent w = read_event(Reader((*events)[i], "events[" + std::to_string(i) + "]"));
        std::string& mid = w.event.machine_id;
        if (mid.empty()) mid = b.machine.id;
        bool known = mid == b.machine.id;
        for (const auto& v : b.machine_variants) known = known || mid == v.id;
        if (!known)
            throw ProtocolError("'events[" + std::to_string(i) +
                                "].machine_id' must be the machine's id or one of its variants");
        b.events.push_back(std::move(w));
    }
    if (const json* costs = r.find("session_costs")) {
        if (!costs->is_array()) r.fail("session_costs", "must be an array");
        for (std::size_t i = 0; i < costs->size(); ++i)
            b.session_costs.push_back(
                read_session_cost(Reader((*costs)[i], "session_costs[" + std::to_string(i) + "]")));
    }
    return b;
}

std::string encode_stored_event(const WireEvent& event) {
    json j = event_json(event);
    if (!event.event.user.empty()) j["user"] = event.event.user;
    return wire_text(j);
}

WireEvent decode_stored_event(std::string_view text) {
    const json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw ProtocolError(why_not_json(text, "line"));
    const Reader r(doc, "");
    WireEvent w = read_event(r);
    w.event.user = r.str("user");
    return w;
}

std::string encode_machine(const MachineInfo& machine) {
    return wire_text(machine_json(machine));
}

std::string encode_session_cost(const SessionCost& cost) {
    return wire_text(session_cost_json(cost));
}

SessionCost decode_session_cost(std::string_view text) {
    const json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw ProtocolError(why_not_json(text, "session cost"));
    return read_session_cost(Reader(doc, ""));
}

MachineInfo decode_machine(std::string_view text) {
    const json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw ProtocolError(why_not_json(text, "machine"));
    return read_machine(Reader(doc, ""));
}

std::string error_reason(std::string_view body) {
    json doc = json::parse(body.begin(), body.end(), nullptr, false);
    if (doc.is_object()) {
        auto it = doc.find("error");
        if (it != doc.end() && it->is_string()) return it->get<std::string>();
    }
    std::string s(body.substr(0, 200));
    for (char& ch : s)
        if (ch == '\n' || ch == '\r') ch = ' ';
    return s;
}

std::optional<std::size_t> refused_event_index(std::string_view reason) {
    constexpr std::string_view prefix = "'events[";
    if (!reason.starts_with(prefix)) return std::nullopt;
    reason.remove_prefix(prefix.size());
    std::size_t index = 0;
    std::size_t digits = 0;
    for (; digits < reason.size() && digits < 9 && reason[digits] >= '0' && reason[digits] <= '9'; ++digits)
        index = index * 10 + static_cast<std::size_t>(reason[digits] - '0');
    if (digits == 0 || digits >= reason.size() || reason[digits] != ']') return std::nullopt;
    return index;
}

std::string encode_result(const IngestResult& r) {
    return json{{"protocol", kProtocolVersion},
                {"received", r.received},
                {"new", r.new_events},
                {"updated", r.updated},
                {"unchanged", r.unchanged}}
        .dump();
}

IngestResult decode_result(std::string_view text) {
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw ProtocolError("response is not valid JSON");
    Reader r(doc, "");
    IngestResult out;
    out.received = static_cast<std::uint64_t>(r.integer("received", true));
    out.new_events = static_cast<std::uint64_t>(r.integer("new", true));
    out.updated = static_cast<std::uint64_t>(r.integer("updated", true));
    out.unchanged = static_cast<std::uint64_t>(r.integer("unchanged", true));
    return out;
}

}  // namespace usage::sync
