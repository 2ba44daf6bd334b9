// One small sample of each of the nine newer sources (Amp, Cline, Copilot
// CLI, Factory Droid, Goose, Kilo CLI, Kilo Code, Qwen Code, Roo Code), written
// in the tools' own formats at their default places below a home, with what
// each must count. The mixed-home test puts them beside the five older
// sources' fixtures. The formats are the ones the plugins' own tests use
// (plugins/<source>/tests and docs/sources/<source>.md); each sample is one
// call of one session, so its figures are the tool's figures after the
// source's rule for what "input" means (written next to each).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/opencode_fixture.hpp"

namespace newer_sources {

namespace fs = std::filesystem;

/// What one source's sample must count (one session, one model).
struct Expected {
    std::string source;
    std::int64_t events = 1, sessions = 1, input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write_5m = 0;
    std::int64_t reported_micros = 0;
    std::int64_t estimated_micros = 0;
    std::string model;
    std::int64_t files = 1;
    [[nodiscard]] std::int64_t total() const { return input + output + cache_read + cache_write_5m; }
};

/// A Cline-family `api_req_started` record whose text is `usage` (a JSON
/// object, serialized into the string as the extensions do).
inline nlohmann::json request_record(std::int64_t ts, const nlohmann::json& usage) {
    return {{"ts", ts}, {"type", "say"}, {"say", "api_req_started"}, {"text", usage.dump()}};
}

inline std::string roo_request_text() {
    return "<task>fix it</task>\n<environment_details>\n# Current Workspace Directory (/home/ann/src/shop) Files\n"
           "<model>claude-sonnet-4-5</model>\n</environment_details>";
}

/// Write every sample below `home`; returns what each source must count.
inline std::vector<Expected> write_all(const fs::path& home) {
    using nlohmann::json;
    std::vector<Expected> out;

    // amp: one thread file, the per-message usage form (inputTokens uncached).
    // claude-sonnet-4-5: 100 x 3 + 50 x 15 + 1000 x 0.3 + 200 x 3.75.
    testing::write_file(
        home / ".local/share/amp/threads/T-0b6f6c1e-5a1d-4c8e-9f00-1a2b3c4d5e6f.json",
        json{{"v", 195},
             {"id", "T-0b6f6c1e-5a1d-4c8e-9f00-1a2b3c4d5e6f"},
             {"created", 1768822800000},
             {"title", "Fix the shop"},
             {"env",
              {{"initial",
                {{"trees", json::array({{{"displayName", "shop"}, {"uri", "file:///home/ann/src/shop"}}})}}}}},
             {"messages", json::array({{{"role", "user"},
                                        {"messageId", 0},
                                        {"content", json::array({{{"type", "text"}, {"text", "fix it"}}})}},
                                       {{"role", "assistant"},
                                        {"messageId", 1},
                                        {"content", json::array({{{"type", "text"}, {"text", "Done."}}})},
                                        {"usage",
                                         {{"model", "claude-sonnet-4-5-20250929"},
                                          {"inputTokens", 100},
                                          {"outputTokens", 50},
                                          {"cacheCreationInputTokens", 200},
                                          {"cacheReadInputTokens", 1000},
                                          {"totalInputTokens", 1300},
                                          {"timestamp", "2026-01-19T11:41:00.000Z"}}}}})}}
            .dump());
    out.push_back({.source = "amp",
                   .input = 100,
                   .output = 50,
                   .cache_read = 1000,
                   .cache_write_5m = 200,
                   .estimated_micros = 2100,
                   .model = "claude-sonnet-4-5-20250929"});

    // cline: Anthropic's tokensIn excludes the cache; the recorded cost is used.
    const std::string cline_tasks = ".config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks/1768900000000";
    json cline_call = request_record(1768900001000, {{"request", "fix it"},
                                                     {"tokensIn", 10},
                                                     {"tokensOut", 300},
                                                     {"cacheWrites", 500},
                                                     {"cacheReads", 4000},
                                                     {"cost", 0.012345}});
    cline_call["modelInfo"] = {{"providerId", "anthropic"}, {"modelId", "claude-sonnet-4-5-20250929"}, {"mode", "act"}};
    testing::write_file(
        home / cline_tasks / "ui_messages.json",
        json::array({{{"ts", 1768900000000}, {"type", "say"}, {"say", "task"}, {"text", "fix it"}}, cline_call})
            .dump());
    out.push_back({.source = "cline",
                   .input = 10,
                   .output = 300,
                   .cache_read = 4000,
                   .cache_write_5m = 500,
                   .reported_micros = 12345,
                   .model = "claude-sonnet-4-5-20250929"});

    // roo-code and kilo-code: tokensIn includes cache reads and writes (Roo
    // since 2025-10-31, Kilo with it); the model is the prompt's <model> tag.
    testing::write_file(
        home / ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/roo-task-1/ui_messages.json",
        json::array({request_record(1768900100000, {{"request", roo_request_text()},
                                                    {"apiProtocol", "anthropic"},
                                                    {"tokensIn", 20 + 500 + 4000},
                                                    {"tokensOut", 60},
                                                    {"cacheWrites", 500},
                                                    {"cacheReads", 4000},
                                                    {"cost", 0.0045}})})
            .dump());
    out.push_back({.source = "roo-code",
                   .input = 20,
                   .output = 60,
                   .cache_read = 4000,
                   .cache_write_5m = 500,
                   .reported_micros = 4500,
                   .model = "claude-sonnet-4-5"});
    testing::write_file(home / ".config/Code/User/globalStorage/kilocode.kilo-code/tasks/kilo-task-1/ui_messages.json",
                        json::array({request_record(1768900200000, {{"request", roo_request_text()},
                                                                    {"apiProtocol", "anthropic"},
                                                                    {"inferenceProvider", "Anthropic"},
                                                                    {"usageMissing", false},
                                                                    {"tokensIn", 5 + 700 + 9000},
                                                                    {"tokensOut", 40},
                                                                    {"cacheWrites", 700},
                                                                    {"cacheReads", 9000},
                                                                    {"cost", 0.03}})})
                            .dump());
    out.push_back({.source = "kilo-code",
                   .input = 5,
                   .output = 40,
                   .cache_read = 9000,
                   .cache_write_5m = 700,
                   .reported_micros = 30000,
                   .model = "claude-sonnet-4-5"});

    // copilot-cli: one session's shutdown totals (inputTokens includes the
    // cache); 7,958,150,000 nano-AIU recorded = 79,582 micro-USD.
    testing::write_file(
        home / ".copilot/session-state/cs-1/events.jsonl",
        std::string(
            R"({"type":"session.start","data":{"sessionId":"cs-1","version":1,"producer":"copilot-agent","copilotVersion":"1.0.81","startTime":"2026-01-21T10:00:00.000Z","selectedModel":"claude-sonnet-4.5","context":{"cwd":"/home/ann/src/shop","gitRoot":"/home/ann/src/shop","branch":"main","repository":"ann/shop"}},"id":"ev-start","timestamp":"2026-01-21T10:00:00.000Z","parentId":null})"
            "\n"
            R"({"type":"session.shutdown","data":{"shutdownType":"routine","totalPremiumRequests":2,"totalApiDurationMs":1200,"sessionStartTime":1768989600000,"modelMetrics":{"claude-sonnet-4.5":{"requests":{"count":2,"cost":1},"usage":{"inputTokens":23799,"outputTokens":127,"cacheReadTokens":13813,"cacheWriteTokens":9776,"reasoningTokens":13},"totalNanoAiu":7958150000}},"currentModel":"claude-sonnet-4.5"},"id":"cs-1-sd1","timestamp":"2026-01-21T10:30:00.000Z","parentId":"p"})"
            "\n"));
    out.push_back({.source = "copilot-cli",
                   .input = 23799 - 13813 - 9776,
                   .output = 127,
                   .reasoning = 13,
                   .cache_read = 13813,
                   .cache_write_5m = 9776,
                   .reported_micros = 79582,
                   .model = "claude-sonnet-4.5"});

    // droid: the cumulative tokenUsage of one session (thinking added to output).
    // claude-sonnet-4-5: 1000 x 3 + 250 x 15 + 5000 x 0.3 + 300 x 3.75.
    const fs::path droid = home / ".factory/sessions/-home-ann-src-shop";
    testing::write_file(
        droid / "d-1.settings.json",
        R"({"model":"claude-sonnet-4-5-20250929","reasoningEffort":"none","autonomyMode":"normal","providerLock":"anthropic","providerLockTimestamp":"2026-01-22T09:00:00.000Z","tokenUsage":{"inputTokens":1000,"outputTokens":200,"cacheCreationTokens":300,"cacheReadTokens":5000,"thinkingTokens":50}})");
    testing::write_file(
        droid / "d-1.jsonl",
        R"({"type":"session_start","id":"d-1","title":"Fix","sessionTitle":"Fix","owner":"u","version":2,"cwd":"/home/ann/src/shop"})"
        "\n");
    out.push_back({.source = "droid",
                   .input = 1000,
                   .output = 250,
                   .reasoning = 50,
                   .cache_read = 5000,
                   .cache_write_5m = 300,
                   .estimated_micros = 9375,
                   .model = "claude-sonnet-4-5-20250929"});

    // goose: one session's accumulated totals and cost (USD) in sessions.db.
    {
        fs::create_directories(home / ".local/share/goose/sessions");
        SQLite::Database db((home / ".local/share/goose/sessions/sessions.db").string(),
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL "
            "DEFAULT '', user_set_name BOOLEAN DEFAULT FALSE, session_type TEXT NOT NULL DEFAULT 'user', working_dir "
            "TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT "
            "CURRENT_TIMESTAMP, extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER, "
            "output_tokens INTEGER, accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, "
            "accumulated_output_tokens INTEGER, schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, "
            "provider_name TEXT, model_config_json TEXT, goose_mode TEXT NOT NULL DEFAULT 'auto', thread_id TEXT, "
            "archived_at TIMESTAMP, project_id TEXT, accumulated_cost REAL);"
            "INSERT INTO schema_version (version) VALUES (13);"
            "INSERT INTO sessions (id, working_dir, created_at, updated_at, accumulated_input_tokens, "
            "accumulated_output_tokens, accumulated_total_tokens, accumulated_cost, provider_name, model_config_json) "
            "VALUES ('20260120_1', '/home/ann/src/shop', '2026-01-20 09:00:00', '2026-01-20 10:00:00', 5000, 700, "
            "5700, 0.025, 'anthropic', '{\"model_name\":\"claude-sonnet-4-5\"}');");
    }
    out.push_back(
        {.source = "goose", .input = 5000, .output = 700, .reported_micros = 25000, .model = "claude-sonnet-4-5"});

    // kilo-cli: OpenCode's database layout in Kilo's data folder.
    {
        opencode_test::Db kilo(home / ".local/share/kilo/kilo.db");
        kilo.project("prj_k", "/home/ann/src/shop");
        kilo.session("ses_k1", "prj_k", "", "/home/ann/src/shop");
        kilo.assistant(opencode_test::assistant("msg_k1", "ses_k1", {300, 40, 0, 2000, 100}, 0.0031), 1768900300000);
    }
    out.push_back({.source = "kilo-cli",
                   .input = 300,
                   .output = 40,
                   .cache_read = 2000,
                   .cache_write_5m = 100,
                   .reported_micros = 3100,
                   .model = "claude-sonnet-4-5-20250929"});

    // qwen-code: the telemetry copy and the assistant record of one call
    // count once; promptTokenCount includes the cached tokens. qwen3-coder-plus
    // below 32k prompt tokens: 1000 x 1.0 + 200 x 0.1 + 80 x 5.
    const std::string session = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    auto base = [&](const std::string& uuid, const std::string& parent, const std::string& type) {
        return json{
            {"uuid", uuid},         {"parentUuid", parent.empty() ? json(nullptr) : json(parent)},
            {"sessionId", session}, {"timestamp", "2026-01-23T08:00:0" + uuid.substr(uuid.size() - 1) + ".000Z"},
            {"type", type},         {"cwd", "/home/ann/src/shop"},
            {"version", "0.18.1"},  {"gitBranch", "main"}};
    };
    json user = base("u-1", "", "user");
    user["message"] = {{"role", "user"}, {"parts", json::array({{{"text", "do it"}}})}};
    json telemetry = base("t-2", "u-1", "system");
    telemetry["subtype"] = "ui_telemetry";
    telemetry["systemPayload"] = {{"uiEvent",
                                   {{"event.name", "qwen-code.api_response"},
                                    {"event.timestamp", "2026-01-23T08:00:02.000Z"},
                                    {"response_id", "chatcmpl-9"},
                                    {"model", "qwen3-coder-plus"},
                                    {"status_code", 200},
                                    {"duration_ms", 40},
                                    {"input_token_count", 1200},
                                    {"output_token_count", 80},
                                    {"cached_content_token_count", 200},
                                    {"thoughts_token_count", 0},
                                    {"total_token_count", 1280},
                                    {"prompt_id", session + "########0"},
                                    {"auth_type", "openai"}}}};
    json answer = base("a-3", "t-2", "assistant");
    answer["model"] = "qwen3-coder-plus";
    answer["message"] = {{"role", "model"}, {"parts", json::array({{{"text", "done"}}})}};
    answer["usageMetadata"] = {{"promptTokenCount", 1200},
                               {"candidatesTokenCount", 80},
                               {"thoughtsTokenCount", 0},
                               {"totalTokenCount", 1280},
                               {"cachedContentTokenCount", 200}};
    testing::write_file(home / ".qwen/projects/-home-ann-src-shop/chats" / (session + ".jsonl"),
                        user.dump() + "\n" + telemetry.dump() + "\n" + answer.dump() + "\n");
    out.push_back({.source = "qwen-code",
                   .input = 1000,
                   .output = 80,
                   .cache_read = 200,
                   .estimated_micros = 1420,
                   .model = "qwen3-coder-plus"});
    return out;
}

}  // namespace newer_sources
