// Builders of Qwen Code chat records in the shape the recorder writes
// (packages/core/src/services/chatRecordingService.ts: one JSON object per
// line, uuid/parentUuid chain, usageMetadata on assistant records,
// `ui_telemetry` system records for `qwen-code.api_response`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace qwen_test {

using nlohmann::json;

inline const std::string kSession = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
inline const std::string kCwd = "/home/ann/src/shop";

struct Usage {
    long long prompt = 0, candidates = 0, thoughts = 0, cached = 0, total = -1;  ///< total -1: prompt + candidates
    [[nodiscard]] long long sum() const { return total >= 0 ? total : prompt + candidates; }
};

inline json base(const std::string& uuid, const std::string& parent, const std::string& type, const std::string& ts) {
    return {{"uuid", uuid},          {"parentUuid", parent.empty() ? json(nullptr) : json(parent)},
            {"sessionId", kSession}, {"timestamp", ts},
            {"type", type},          {"cwd", kCwd},
            {"version", "0.18.1"},   {"gitBranch", "main"}};
}

inline std::string user(const std::string& uuid, const std::string& parent, const std::string& ts) {
    json j = base(uuid, parent, "user", ts);
    j["message"] = {{"role", "user"}, {"parts", json::array({{{"text", "do it"}}})}};
    return j.dump() + "\n";
}

/// An assistant record; `with_usage` false: a build that leaves usageMetadata out.
inline std::string assistant(const std::string& uuid, const std::string& parent, const std::string& ts, const Usage& u,
                             bool with_usage = true, const std::string& model = "qwen3-coder-plus") {
    json j = base(uuid, parent, "assistant", ts);
    j["model"] = model;
    j["message"] = {{"role", "model"}, {"parts", json::array({{{"text", "done"}}})}};
    if (with_usage)
        j["usageMetadata"] = {{"promptTokenCount", u.prompt},
                              {"candidatesTokenCount", u.candidates},
                              {"thoughtsTokenCount", u.thoughts},
                              {"totalTokenCount", u.sum()},
                              {"cachedContentTokenCount", u.cached}};
    return j.dump() + "\n";
}

inline std::string api_response(const std::string& uuid, const std::string& parent, const std::string& ts,
                                const std::string& response_id, const Usage& u,
                                const std::string& model = "qwen3-coder-plus", const std::string& auth = "openai") {
    json j = base(uuid, parent, "system", ts);
    j["subtype"] = "ui_telemetry";
    j["systemPayload"] = {{"uiEvent",
                           {{"event.name", "qwen-code.api_response"},
                            {"event.timestamp", ts},
                            {"response_id", response_id},
                            {"model", model},
                            {"status_code", 200},
                            {"duration_ms", 40},
                            {"input_token_count", u.prompt},
                            {"output_token_count", u.candidates},
                            {"cached_content_token_count", u.cached},
                            {"thoughts_token_count", u.thoughts},
                            {"total_token_count", u.sum()},
                            {"prompt_id", kSession + "########0"},
                            {"auth_type", auth}}}};
    return j.dump() + "\n";
}

inline std::string tool_call_telemetry(const std::string& uuid, const std::string& parent, const std::string& ts) {
    json j = base(uuid, parent, "system", ts);
    j["subtype"] = "ui_telemetry";
    j["systemPayload"] = {{"uiEvent",
                           {{"event.name", "qwen-code.tool_call"},
                            {"event.timestamp", ts},
                            {"function_name", "read_file"},
                            {"response_id", "chatcmpl-1"},
                            {"success", true}}}};
    return j.dump() + "\n";
}

}  // namespace qwen_test
