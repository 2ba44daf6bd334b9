// The persisted per-file state as short-keyed JSON. It is written once per
// scanned file, so clarity beats a binary format here.
#include "codex_state.hpp"

#include <nlohmann/json.hpp>

namespace usage::plugins::codex {
namespace {

using nlohmann::json;

json usage_to_json(const Usage& u) {
    return json::array({u.input, u.cached, u.output, u.reasoning, u.total, u.cache_write});
}

Usage usage_from_json(const json& j) {
    Usage u;
    if (!j.is_array() || j.size() != 6) return u;
    u.input = j[0].get<std::int64_t>();
    u.cached = j[1].get<std::int64_t>();
    u.output = j[2].get<std::int64_t>();
    u.reasoning = j[3].get<std::int64_t>();
    u.total = j[4].get<std::int64_t>();
    u.cache_write = j[5].get<std::int64_t>();
    return u;
}

}  // namespace

std::string encode_state(const ThreadState& s) {
    json j{{"v", 1},
           {"meta", s.meta_seen},
           {"thread", s.thread_id},
           {"session", s.session_id},
           {"parent", s.parent_id},
           {"surface", s.surface},
           {"provider", s.provider},
           {"cwd", s.cwd},
           {"branch", s.git_branch},
           {"repository", s.repository},
           {"model", s.model}};
    if (s.model_guessed) j["guessed"] = true;
    if (s.in_replay) {
        j["replay"] = true;
        j["child_ms"] = s.child_ms;
        if (!s.task_turn_id.empty()) j["task_turn"] = s.task_turn_id;
        if (s.task_started >= 0) j["task_started"] = s.task_started;
    }
    if (!s.replayed.empty()) j["replayed"] = s.replayed;
    if (s.has_prev) j["prev"] = usage_to_json(s.prev);
    return j.dump();
}

ThreadState decode_state(std::string_view text) {
    ThreadState s;
    if (text.empty()) return s;
    try {
        const json j = json::parse(text);
        if (!j.is_object() || j.value("v", 0) != 1) return {};
        s.meta_seen = j.value("meta", false);
        s.thread_id = j.value("thread", "");
        s.session_id = j.value("session", "");
        s.parent_id = j.value("parent", "");
        s.surface = j.value("surface", "");
        s.provider = j.value("provider", "");
        s.cwd = j.value("cwd", "");
        s.git_branch = j.value("branch", "");
        s.repository = j.value("repository", "");
        s.model = j.value("model", "");
        s.model_guessed = j.value("guessed", false);
        s.in_replay = j.value("replay", false);
        s.child_ms = j.value("child_ms", std::int64_t{0});
        s.task_turn_id = j.value("task_turn", "");
        s.task_started = j.value("task_started", std::int64_t{-1});
        if (auto it = j.find("replayed"); it != j.end()) s.replayed = it->get<std::vector<std::uint64_t>>();
        if (auto it = j.find("prev"); it != j.end()) {
            s.has_prev = true;
            s.prev = usage_from_json(*it);
        }
    } catch (const json::exception&) {
        return {};  // a state from another version: the engine re-reads nothing, we start fresh
    }
    return s;
}

std::uint64_t vector_hash(const Usage& u) {
    std::uint64_t h = 1469598103934665603ull;
    for (std::int64_t v : {u.input, u.cached, u.output, u.reasoning, u.total, u.cache_write}) {
        auto x = static_cast<std::uint64_t>(v);
        for (int i = 0; i < 8; ++i, x >>= 8) {
            h ^= x & 0xff;
            h *= 1099511628211ull;
        }
    }
    return h;
}

}  // namespace usage::plugins::codex
