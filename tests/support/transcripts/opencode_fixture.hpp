// Builds OpenCode data the way OpenCode writes it: a SQLite database with the
// schema of OpenCode's migrations (SQLite dialect) in WAL mode, and the
// legacy storage/ JSON tree. Message JSON follows MessageV2.Assistant/User.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace opencode_test {

// Migration 20260127222353 (the first SQLite schema), tables that matter.
inline constexpr const char* kSchema = R"sql(
CREATE TABLE project (
  id text PRIMARY KEY, worktree text NOT NULL, vcs text, name text, icon_url text, icon_color text,
  time_created integer NOT NULL, time_updated integer NOT NULL, time_initialized integer,
  sandboxes text NOT NULL);
CREATE TABLE session (
  id text PRIMARY KEY, project_id text NOT NULL, parent_id text, slug text NOT NULL,
  directory text NOT NULL, title text NOT NULL, version text NOT NULL, share_url text,
  summary_additions integer, summary_deletions integer, summary_files integer, summary_diffs text,
  revert text, permission text, time_created integer NOT NULL, time_updated integer NOT NULL,
  time_compacting integer, time_archived integer,
  FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE);
CREATE TABLE message (
  id text PRIMARY KEY, session_id text NOT NULL, time_created integer NOT NULL,
  time_updated integer NOT NULL, data text NOT NULL,
  FOREIGN KEY (session_id) REFERENCES session(id) ON DELETE CASCADE);
CREATE TABLE part (
  id text PRIMARY KEY, message_id text NOT NULL, session_id text NOT NULL,
  time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL,
  FOREIGN KEY (message_id) REFERENCES message(id) ON DELETE CASCADE);
CREATE INDEX message_session_idx ON message (session_id);
CREATE INDEX part_message_idx ON part (message_id);
CREATE INDEX session_project_idx ON session (project_id);
CREATE INDEX session_parent_idx ON session (parent_id);
)sql";

// Migration 20260510033149: per-session sums (aggregates of the messages).
inline constexpr const char* kSessionUsageColumns = R"sql(
ALTER TABLE session ADD cost real DEFAULT 0 NOT NULL;
ALTER TABLE session ADD tokens_input integer DEFAULT 0 NOT NULL;
ALTER TABLE session ADD tokens_output integer DEFAULT 0 NOT NULL;
ALTER TABLE session ADD tokens_reasoning integer DEFAULT 0 NOT NULL;
ALTER TABLE session ADD tokens_cache_read integer DEFAULT 0 NOT NULL;
ALTER TABLE session ADD tokens_cache_write integer DEFAULT 0 NOT NULL;
)sql";

struct Tokens {
    std::int64_t input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0;
};

/// An assistant message (MessageV2.Assistant).
struct Assistant {
    std::string id;
    std::string session;
    std::int64_t created_ms = 1767225600000;  // 2026-01-01T00:00:00Z
    Tokens tokens;
    double cost = 0;
    std::string model = "claude-sonnet-4-5-20250929";
    std::string provider = "anthropic";
    std::string cwd = "/w/app";
    std::string root = "/w/app";
    /// The `error` object of a message whose call failed or stopped, as
    /// OpenCode saves it (`{"name":"APIError","data":{...}}`); empty: none.
    std::string error;

    /// The `message.data` column: the message without id and sessionID.
    [[nodiscard]] std::string data() const { return "{" + body() + "}"; }
    /// A legacy storage/message file: id and sessionID first, as OpenCode wrote them.
    [[nodiscard]] std::string file() const {
        return R"({"id":")" + id + R"(","sessionID":")" + session + R"(",)" + body() + "}";
    }

private:
    [[nodiscard]] std::string body() const {
        auto n = [](std::int64_t v) { return std::to_string(v); };
        // JavaScript writes an integral number without a fraction.
        std::string cost_text = cost == 0 ? "0" : std::to_string(cost);
        return R"("role":"assistant","time":{"created":)" + n(created_ms) + R"(,"completed":)" + n(created_ms + 1500) +
               "}" + (error.empty() ? "" : R"(,"error":)" + error) + R"(,"parentID":"msg_user_)" + id +
               R"(","modelID":")" + model + R"(","providerID":")" + provider +
               R"(","mode":"build","agent":"build","path":{"cwd":")" + cwd + R"(","root":")" + root + R"("},"cost":)" +
               cost_text + R"(,"tokens":{"input":)" + n(tokens.input) + R"(,"output":)" + n(tokens.output) +
               R"(,"reasoning":)" + n(tokens.reasoning) + R"(,"cache":{"read":)" + n(tokens.cache_read) +
               R"(,"write":)" + n(tokens.cache_write) + R"(}},"finish":"stop")";
    }
};

/// A user message's `data` column (MessageV2.User).
inline std::string user_data(std::int64_t created_ms) {
    return R"({"role":"user","time":{"created":)" + std::to_string(created_ms) +
           R"(},"agent":"build","model":{"providerID":"anthropic","modelID":"claude-sonnet-4-5-20250929"}})";
}

/// An OpenCode database being written, in WAL mode like OpenCode's.
class Db {
public:
    explicit Db(const std::filesystem::path& path, bool session_usage_columns = true) : path_(path), db_(open(path)) {
        db_.exec("PRAGMA journal_mode = WAL");
        db_.exec("PRAGMA synchronous = NORMAL");
        db_.exec(kSchema);
        if (session_usage_columns) db_.exec(kSessionUsageColumns);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    SQLite::Database& conn() { return db_; }

    void project(const std::string& id, const std::string& worktree) {
        SQLite::Statement st(db_,
                             "INSERT INTO project (id, worktree, vcs, time_created, time_updated, sandboxes) "
                             "VALUES (?, ?, 'git', 1, 1, '[]')");
        st.bind(1, id);
        st.bind(2, worktree);
        st.exec();
    }
    void session(const std::string& id, const std::string& project, const std::string& parent,
                 const std::string& directory) {
        SQLite::Statement st(db_,
                             "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, "
                             "time_created, time_updated) VALUES (?, ?, ?, 'slug', ?, 'title', '1.1.0', 1, 1)");
        st.bind(1, id);
        st.bind(2, project);
        if (parent.empty())
            st.bind(3);
        else
            st.bind(3, parent);
        st.bind(4, directory);
        st.exec();
    }
    /// Insert or rewrite a message row (OpenCode upserts as a call streams).
    void message(const std::string& id, const std::string& session, std::int64_t time_updated,
                 const std::string& data) {
        SQLite::Statement st(db_,
                             "INSERT INTO message (id, session_id, time_created, time_updated, data) "
                             "VALUES (?1, ?2, ?3, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
                             "time_updated = excluded.time_updated, data = excluded.data");
        st.bind(1, id);
        st.bind(2, session);
        st.bind(3, time_updated);
        st.bind(4, data);
        st.exec();
    }
    void assistant(const Assistant& a, std::int64_t time_updated) { message(a.id, a.session, time_updated, a.data()); }

private:
    static SQLite::Database open(const std::filesystem::path& path) {
        std::filesystem::create_directories(path.parent_path());
        return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
    }
    std::filesystem::path path_;
    SQLite::Database db_;
};

/// storage/session/<project>/<id>.json
inline void legacy_session(const std::filesystem::path& storage, const std::string& project, const std::string& id,
                           const std::string& parent, const std::string& directory) {
    std::string json = R"({"id":")" + id + R"(","version":"0.15.0","projectID":")" + project + R"(","directory":")" +
                       directory + R"(",)";
    if (!parent.empty()) json += R"("parentID":")" + parent + R"(",)";
    json += R"("title":"t","time":{"created":1750000000000,"updated":1750000000000}})";
    testing::write_file(storage / "session" / project / (id + ".json"), json);
}

/// storage/project/<id>.json
inline void legacy_project(const std::filesystem::path& storage, const std::string& id, const std::string& worktree) {
    testing::write_file(storage / "project" / (id + ".json"), R"({"id":")" + id + R"(","worktree":")" + worktree +
                                                                  R"(","vcs":"git","time":{"created":1750000000000}})");
}

/// storage/message/<session>/<id>.json
inline void legacy_message(const std::filesystem::path& storage, const Assistant& a) {
    testing::write_file(storage / "message" / a.session / (a.id + ".json"), a.file());
}

/// An assistant message with the defaults above.
inline Assistant assistant(const std::string& id, const std::string& session, Tokens t, double cost = 0) {
    Assistant a;
    a.id = id;
    a.session = session;
    a.tokens = t;
    a.cost = cost;
    return a;
}

/// The hand-made sample data folder the e2e tests start from: one project
/// with a main session and a subagent session in the database (whose session
/// sums are wrong on purpose: they must not be read), a legacy tree holding a
/// mid-stream copy of a database message (the row wins), an older session
/// only found there, and a truncated legacy file (1 malformed).
///
/// Counted: a1 {input 1000, output 200 + reasoning 50, cache 10000 / 2000},
/// a2 {500, 100} reported 0.0042 USD, l1 {10, 10}: 3 events, 2 sessions
/// (ses_sub folds into ses_main), input 1510, output 360 (reasoning 50
/// included), cache_read 10000, cache_write 2000,
/// total 13870. Estimated as claude-sonnet-4-5 (3 / 15 / 0.30 / 3.75 USD per
/// million): a1 1000*3 + 250*15 + 10000*0.3 + 2000*3.75 = 17250 micro-USD,
/// l1 10*3 + 10*15 = 180; 4 files (the database and 3 legacy messages).
inline void write_sample(Db& db, const std::filesystem::path& storage) {
    constexpr std::int64_t t0 = 1767225600000;  // 2026-01-01T00:00:00Z
    db.project("prj_app", "/w/app");
    db.session("ses_main", "prj_app", "", "/w/app");
    db.session("ses_sub", "prj_app", "ses_main", "/w/app");
    db.conn().exec("UPDATE session SET cost = 50, tokens_input = 999999, tokens_output = 999999");
    db.message("msg_u1", "ses_main", t0, user_data(t0));
    db.assistant(assistant("msg_a1", "ses_main", {1000, 200, 50, 10000, 2000}), t0 + 1);
    db.assistant(assistant("msg_a2", "ses_sub", {500, 100, 0, 0, 0}, 0.0042), t0 + 2);
    legacy_session(storage, "prj_app", "ses_main", "", "/w/app");
    legacy_session(storage, "prj_old", "ses_old", "", "/w/old");
    legacy_message(storage, assistant("msg_a1", "ses_main", {9999, 1, 0, 0, 0}));
    legacy_message(storage, assistant("msg_l1", "ses_old", {10, 10, 0, 0, 0}));
    testing::write_file(storage / "message/ses_old/msg_bad.json", "{\"id\":\"msg_bad\",");
}

}  // namespace opencode_test
