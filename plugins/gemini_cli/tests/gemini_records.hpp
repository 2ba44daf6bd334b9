// Builders for Gemini CLI session records in the real shape (key order of
// Gemini CLI's ChatRecordingService), shared by the plugin's tests. Legacy
// session files are `JSON.stringify(record, null, 2)`; JSONL lines are
// compact `JSON.stringify(record)` lines.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gemini_test {

using nlohmann::ordered_json;

/// TokensSummary with `total` computed the way Gemini's API reports it.
inline ordered_json tokens(std::int64_t input, std::int64_t output, std::int64_t cached, std::int64_t thoughts,
                           std::int64_t tool = 0) {
    return {{"input", input},       {"output", output}, {"cached", cached},
            {"thoughts", thoughts}, {"tool", tool},     {"total", input + output + thoughts + tool}};
}

inline ordered_json user(const std::string& id, const std::string& ts, const std::string& text) {
    return {{"id", id}, {"timestamp", ts}, {"type", "user"}, {"content", {{{"text", text}}}}};
}

/// A `gemini` message; `tok` null = tokens not recorded (yet); empty model = key absent.
inline ordered_json gemini(const std::string& id, const std::string& ts, const std::string& model,
                           const ordered_json& tok, const std::string& content = "") {
    ordered_json m{{"id", id}, {"timestamp", ts}, {"type", "gemini"}, {"content", content}};
    m["thoughts"] = ordered_json::array();
    m["tokens"] = tok;
    if (!model.empty()) m["model"] = model;
    return m;
}

inline ordered_json note(const std::string& id, const std::string& ts, const std::string& type,
                         const std::string& text) {
    return {{"id", id}, {"timestamp", ts}, {"type", type}, {"content", text}};
}

/// A whole legacy session file (`session-*.json`).
inline std::string legacy_file(const std::string& session_id, const std::string& project_hash,
                               const std::vector<ordered_json>& messages) {
    ordered_json doc{{"sessionId", session_id},
                     {"projectHash", project_hash},
                     {"startTime", "2026-03-01T10:00:00.000Z"},
                     {"lastUpdated", "2026-03-01T10:30:00.000Z"},
                     {"messages", messages}};
    return doc.dump(2);
}

/// The metadata record that opens a `.jsonl` session file.
inline std::string meta_line(const std::string& session_id, const std::string& project_hash,
                             const std::string& kind = "main") {
    ordered_json m{{"sessionId", session_id},
                   {"projectHash", project_hash},
                   {"startTime", "2026-03-01T10:00:00.000Z"},
                   {"lastUpdated", "2026-03-01T10:00:00.000Z"},
                   {"kind", kind}};
    return m.dump() + "\n";
}

inline std::string line(const ordered_json& record) {
    return record.dump() + "\n";
}

}  // namespace gemini_test
