// The per-file state of an events.jsonl as short-keyed JSON: written once
// per scanned file, so clarity beats a binary format.
#include <nlohmann/json.hpp>

#include "copilot_events_reader.hpp"

namespace usage::plugins::copilot {
namespace {

using nlohmann::json;

json totals_to_json(const ModelTotals& t) {
    return json::array({t.requests, t.usage.input, t.usage.output, t.usage.cache_read, t.usage.cache_write,
                        t.usage.reasoning, t.nano_aiu, t.has_nano_aiu ? 1 : 0});
}

ModelTotals totals_from_json(const json& j) {
    ModelTotals t;
    if (!j.is_array() || j.size() != 8) return t;
    t.requests = j[0].get<std::int64_t>();
    t.usage.input = j[1].get<std::int64_t>();
    t.usage.output = j[2].get<std::int64_t>();
    t.usage.cache_read = j[3].get<std::int64_t>();
    t.usage.cache_write = j[4].get<std::int64_t>();
    t.usage.reasoning = j[5].get<std::int64_t>();
    t.nano_aiu = j[6].get<std::int64_t>();
    t.has_nano_aiu = j[7].get<int>() != 0;
    return t;
}

}  // namespace

std::string EventsState::encode() const {
    json prev = json::object();
    for (const auto& [name, t] : legs.previous) prev[name] = totals_to_json(t);
    json j{{"v", 1},
           {"session", session_id},
           {"cwd", place.cwd},
           {"root", place.git_root},
           {"branch", place.branch},
           {"repo", place.repository},
           {"host", place.repository_host},
           {"model", model},
           {"prev", prev}};
    return j.dump();
}

EventsState EventsState::decode(std::string_view text) {
    EventsState s;
    if (text.empty()) return s;
    try {
        const json j = json::parse(text);
        if (!j.is_object() || j.value("v", 0) != 1) return {};
        s.session_id = j.value("session", "");
        s.place.cwd = j.value("cwd", "");
        s.place.git_root = j.value("root", "");
        s.place.branch = j.value("branch", "");
        s.place.repository = j.value("repo", "");
        s.place.repository_host = j.value("host", "");
        s.model = j.value("model", "");
        if (auto it = j.find("prev"); it != j.end() && it->is_object())
            for (const auto& [name, t] : it->items()) s.legs.previous[name] = totals_from_json(t);
    } catch (const json::exception&) {
        return {};  // a state of another version: start fresh
    }
    return s;
}

}  // namespace usage::plugins::copilot
