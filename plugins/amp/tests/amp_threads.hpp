// Builders of Amp thread files in the shape ccusage's Amp loader reads
// (apps/amp/src/data-loader.ts) and ccusage#1138 quotes: one JSON object
// `{v, id, created, title, env.initial.trees[].uri, messages[], usageLedger?}`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace amp_test {

using nlohmann::json;

inline const std::string kThread = "T-7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8";

inline json usage_object(const std::string& model, long long in, long long out, long long cache_write,
                         long long cache_read, const std::string& ts) {
    json u = {{"model", model},
              {"inputTokens", in},
              {"outputTokens", out},
              {"cacheCreationInputTokens", cache_write},
              {"cacheReadInputTokens", cache_read},
              {"totalInputTokens", in + cache_write + cache_read}};
    if (!ts.empty()) u["timestamp"] = ts;
    return u;
}

inline json user_message(int id) {
    return {{"role", "user"}, {"messageId", id}, {"content", json::array({{{"type", "text"}, {"text", "fix it"}}})}};
}

inline json assistant_message(int id, const json& usage) {
    json m = {
        {"role", "assistant"}, {"messageId", id}, {"content", json::array({{{"type", "text"}, {"text", "Done."}}})}};
    if (!usage.is_null()) m["usage"] = usage;
    return m;
}

inline json ledger_event(const std::string& id, const std::string& model, long long in, long long out, int to,
                         const std::string& ts) {
    return {{"id", id},
            {"timestamp", ts},
            {"model", model},
            {"credits", 1.5},
            {"tokens", {{"input", in}, {"output", out}}},
            {"operationType", "inference"},
            {"fromMessageId", to - 1},
            {"toMessageId", to}};
}

inline json thread(const json& messages, const std::string& uri = "file:///home/ann/src/my%20shop") {
    return {{"v", 195},
            {"id", kThread},
            {"created", 1768822800000},  // 2026-01-19T11:40:00Z
            {"title", "Fix the shop"},
            {"env", {{"initial", {{"trees", json::array({{{"displayName", "shop"}, {"uri", uri}}})}}}}},
            {"messages", messages}};
}

}  // namespace amp_test
