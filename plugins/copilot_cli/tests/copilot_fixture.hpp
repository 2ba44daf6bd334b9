// Builders of Copilot CLI records for the tests, in the shapes of the SDK
// schema (github/copilot-sdk nodejs/src/generated/session-events.ts) and of
// the 1.0.78 OpenTelemetry file export.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "usage/scan/source.hpp"

namespace copilot_test {

struct Tokens {
    std::int64_t input = 0;  ///< as Copilot writes it: cache included
    std::int64_t output = 0;
    std::int64_t cache_read = 0;
    std::int64_t cache_write = 0;
    std::int64_t reasoning = 0;
};

/// One `chat <model>` span line (with its newline).
inline std::string chat_span(const std::string& trace, const std::string& span, const std::string& session,
                             const std::string& model, const Tokens& t, double nano_aiu,
                             std::int64_t end_sec = 1785773061) {
    return R"({"type":"span","traceId":")" + trace + R"(","spanId":")" + span +
           R"(","parentSpanId":"7f8cbdc58b4c02d7","name":"chat )" + model + R"(","kind":2,"startTime":[)" +
           std::to_string(end_sec - 3) + R"(,791000000],"endTime":[)" + std::to_string(end_sec) +
           R"(,496000000],"attributes":{"gen_ai.operation.name":"chat","gen_ai.provider.name":"github","gen_ai.request.model":")" +
           model + R"(","gen_ai.conversation.id":")" + session + R"(","gen_ai.usage.input_tokens":)" +
           std::to_string(t.input) + R"(,"gen_ai.usage.output_tokens":)" + std::to_string(t.output) +
           R"(,"gen_ai.usage.cache_read.input_tokens":)" + std::to_string(t.cache_read) +
           R"(,"gen_ai.usage.cache_creation.input_tokens":)" + std::to_string(t.cache_write) +
           R"(,"gen_ai.usage.reasoning.output_tokens":)" + std::to_string(t.reasoning) +
           R"(,"gen_ai.response.model":")" + model + R"(","github.copilot.nano_aiu":)" + std::to_string(nano_aiu) +
           R"(},"status":{"code":0},"events":[],"resource":{"attributes":{"service.name":"github-copilot"}}})" + "\n";
}

/// The `invoke_agent` span that sums its chats (never counted).
inline std::string invoke_agent_span(const std::string& trace, const std::string& session, std::int64_t input) {
    return R"({"type":"span","traceId":")" + trace +
           R"(","spanId":"7f8cbdc58b4c02d7","name":"invoke_agent","kind":1,"attributes":{"gen_ai.operation.name":"invoke_agent","gen_ai.conversation.id":")" +
           session + R"(","gen_ai.usage.input_tokens":)" + std::to_string(input) +
           R"(,"gen_ai.usage.output_tokens":5}})" + "\n";
}

/// A token-usage metric record (never counted).
inline std::string usage_metric() {
    return R"({"type":"metric","name":"gen_ai.client.token.usage","descriptor":{"name":"chat claude-opus-4.6"},"dataPoints":[{"value":{"sum":999}}]})"
           "\n";
}

inline std::string start_line(const std::string& session, const std::string& cwd, const std::string& model,
                              const std::string& branch = "main", const std::string& repository = "acme/widgets") {
    return R"({"type":"session.start","data":{"sessionId":")" + session +
           R"(","version":1,"producer":"copilot-agent","copilotVersion":"1.0.81","startTime":"2026-08-01T10:00:00.000Z","selectedModel":")" +
           model + R"(","context":{"cwd":")" + cwd + R"(","gitRoot":")" + cwd + R"(","branch":")" + branch +
           R"(","repository":")" + repository +
           R"("}},"id":"ev-start","timestamp":"2026-08-01T10:00:00.000Z","parentId":null})" + "\n";
}

struct Metric {
    std::string model;
    std::int64_t requests = 0;
    Tokens tokens;
    std::int64_t nano_aiu = -1;  ///< -1: not written
};

inline std::string metric_json(const Metric& m) {
    std::string s = "\"" + m.model + R"(":{"requests":{"count":)" + std::to_string(m.requests) +
                    R"(,"cost":1},"usage":{"inputTokens":)" + std::to_string(m.tokens.input) + R"(,"outputTokens":)" +
                    std::to_string(m.tokens.output) + R"(,"cacheReadTokens":)" + std::to_string(m.tokens.cache_read) +
                    R"(,"cacheWriteTokens":)" + std::to_string(m.tokens.cache_write) + R"(,"reasoningTokens":)" +
                    std::to_string(m.tokens.reasoning) + "}";
    if (m.nano_aiu >= 0) s += R"(,"totalNanoAiu":)" + std::to_string(m.nano_aiu);
    return s + "}";
}

/// A `session.shutdown` line with `metrics` (envelope id `id`).
inline std::string shutdown_line(const std::string& id, const std::string& timestamp,
                                 const std::vector<Metric>& metrics) {
    std::string mm;
    for (const auto& m : metrics) mm += (mm.empty() ? "" : ",") + metric_json(m);
    return R"({"type":"session.shutdown","data":{"shutdownType":"routine","totalPremiumRequests":3,"totalApiDurationMs":1200,"sessionStartTime":1785578400000,"codeChanges":{"linesAdded":0,"linesRemoved":0,"filesModified":[]},"modelMetrics":{)" +
           mm + R"(},"currentModel":"claude-sonnet-4.5"},"id":")" + id + R"(","timestamp":")" + timestamp +
           R"(","parentId":"p"})" + "\n";
}

inline std::string compaction_line(bool success) {
    return std::string(R"({"type":"session.compaction_complete","data":{"success":)") + (success ? "true" : "false") +
           R"(,"preCompactionTokens":150000},"id":"ev-compact","timestamp":"2026-08-01T11:00:00.000Z","parentId":"p"})" +
           "\n";
}

inline std::string assistant_line(const std::string& text) {
    return R"({"type":"assistant.message","data":{"messageId":"m1","content":")" + text +
           R"(","outputTokens":40,"model":"claude-sonnet-4.5"},"id":"ev-a","timestamp":"2026-08-01T10:01:00.000Z","parentId":"p"})" +
           "\n";
}

/// A session-store.db with the schema-8 columns this reader uses, in WAL
/// mode with checkpoints off (the rows stay in the -wal, as Copilot's do).
class SessionStore {
public:
    explicit SessionStore(const std::filesystem::path& path) : db_(open(path)) {
        db_.exec("PRAGMA journal_mode = WAL");
        db_.exec("PRAGMA wal_autocheckpoint = 0");
        db_.exec(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, cwd TEXT, repository TEXT, branch TEXT, summary TEXT, "
            "created_at TEXT, updated_at TEXT)");
        db_.exec(
            "CREATE TABLE assistant_usage_events (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, "
            "turn_index INTEGER, model TEXT, copilot_usage_model TEXT, input_tokens INTEGER, output_tokens INTEGER, "
            "cache_read_tokens INTEGER, cache_write_tokens INTEGER, reasoning_tokens INTEGER, total_nano_aiu "
            "INTEGER, request_multiplier REAL, initiator TEXT, duration_ms REAL, created_at TEXT)");
    }
    SQLite::Database& conn() { return db_; }
    void session(const std::string& id, const std::string& cwd, const std::string& repository,
                 const std::string& branch) {
        SQLite::Statement st(db_, "INSERT INTO sessions (id, cwd, repository, branch, created_at) VALUES (?,?,?,?,?)");
        st.bind(1, id);
        st.bind(2, cwd);
        st.bind(3, repository);
        st.bind(4, branch);
        st.bind(5, "2026-08-01T10:00:00.000Z");
        st.exec();
    }
    void row(const std::string& session, const std::string& model, const Tokens& t, std::int64_t nano_aiu,
             const std::string& created_at, const std::string& initiator = "user") {
        SQLite::Statement st(db_,
                             "INSERT INTO assistant_usage_events (session_id, turn_index, model, copilot_usage_model, "
                             "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
                             "total_nano_aiu, request_multiplier, initiator, duration_ms, created_at) VALUES "
                             "(?,0,?,?,?,?,?,?,?,?,1.0,?,1000.0,?)");
        st.bind(1, session);
        st.bind(2, model);
        st.bind(3, model);
        st.bind(4, t.input);
        st.bind(5, t.output);
        st.bind(6, t.cache_read);
        st.bind(7, t.cache_write);
        st.bind(8, t.reasoning);
        st.bind(9, nano_aiu);
        st.bind(10, initiator);
        st.bind(11, created_at);
        st.exec();
    }

private:
    static SQLite::Database open(const std::filesystem::path& path) {
        std::filesystem::create_directories(path.parent_path());
        return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
    }
    SQLite::Database db_;
};

inline usage::SourceFile file_of(const std::filesystem::path& p, std::string_view kind, std::string session = {}) {
    usage::SourceFile f;
    f.path = p;
    f.kind = kind;
    f.session_hint = std::move(session);
    return f;
}

}  // namespace copilot_test
