// Writes Factory Droid session files the way Droid lays them out:
// `<sessions>/<cwd-slug>/<session>.settings.json` (rewritten as a new file and
// renamed into place) and the `<session>.jsonl` transcript whose first line
// is `session_start`. No real Droid files were available: the shapes come
// from peer readers (tokscale, codeburn) and the field names they parse.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace droid_test {

struct TokenUsage {
    std::int64_t input = 0, output = 0, cache_creation = 0, cache_read = 0, thinking = 0;
};

inline std::string settings_json(const std::string& model, const TokenUsage& u,
                                 const std::string& provider_lock = "anthropic") {
    auto n = [](std::int64_t v) { return std::to_string(v); };
    return R"({"model":")" + model + R"(","reasoningEffort":"none","autonomyMode":"normal","providerLock":")" +
           provider_lock + R"(","providerLockTimestamp":"2026-01-01T09:00:00.000Z","tokenUsage":{"inputTokens":)" +
           n(u.input) + R"(,"outputTokens":)" + n(u.output) + R"(,"cacheCreationTokens":)" + n(u.cache_creation) +
           R"(,"cacheReadTokens":)" + n(u.cache_read) + R"(,"thinkingTokens":)" + n(u.thinking) + "}}";
}

/// Replace `path` with `content` as Droid does: a new file renamed over it
/// (a new inode each time).
inline void replace_file(const std::filesystem::path& path, const std::string& content) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    testing::write_file(tmp, content);
    std::filesystem::rename(tmp, path);
}

inline void transcript(const std::filesystem::path& jsonl, const std::string& session, const std::string& cwd) {
    testing::write_file(
        jsonl,
        R"({"type":"session_start","id":")" + session +
            R"(","title":"Fix the build","sessionTitle":"Fix the build","owner":"u","version":2,"cwd":")" + cwd +
            "\"}\n" +
            R"({"type":"message","id":"m1","timestamp":"2026-01-01T09:00:01.000Z","message":{"role":"user","content":[{"type":"text","text":"hi"}]}})" +
            "\n");
}

}  // namespace droid_test
