// Builds Goose's `sessions/sessions.db` the way Goose writes it: the sessions
// table of goose's session storage (crates/goose/src/session: the base table
// plus migrations v2..v13), in WAL mode like sqlx's default for Goose. No real
// Goose database was available: the schema is taken from Goose's source.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace goose_test {

// Schema v13 (accumulated_cost added); the column order of a database created
// fresh by Goose 1.x.
inline constexpr const char* kSchemaV13 = R"sql(
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  user_set_name BOOLEAN DEFAULT FALSE, session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER,
  accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
  schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, provider_name TEXT, model_config_json TEXT,
  goose_mode TEXT NOT NULL DEFAULT 'auto', thread_id TEXT, archived_at TIMESTAMP, project_id TEXT,
  accumulated_cost REAL);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT, session_id TEXT NOT NULL REFERENCES sessions(id),
  role TEXT NOT NULL, content_json TEXT NOT NULL, created_timestamp INTEGER NOT NULL,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP, tokens INTEGER, metadata_json TEXT);
INSERT INTO schema_version (version) VALUES (13);
)sql";

// Schema v5 (before provider_name/model_config_json of v6 and accumulated_cost of v13).
inline constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', working_dir TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER,
  accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
  schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, name TEXT DEFAULT '',
  user_set_name BOOLEAN DEFAULT FALSE, session_type TEXT NOT NULL DEFAULT 'user');
INSERT INTO schema_version (version) VALUES (5);
)sql";

/// One session row's values (NULL where nullopt).
struct Row {
    std::string id;
    std::string working_dir = "/w/app";
    std::string created_at = "2026-01-01 09:00:00";
    std::string updated_at = "2026-01-01 10:00:00";
    std::optional<std::int64_t> input, output, total;
    std::optional<double> cost;
    std::string provider = "anthropic";
    std::string model_config = R"({"model_name":"claude-sonnet-4-5","context_limit":null,"temperature":null})";
};

/// A Goose database being written (WAL mode, connection kept open).
class Db {
public:
    explicit Db(const std::filesystem::path& path, bool v13 = true) : v13_(v13), db_(open(path)) {
        db_.exec("PRAGMA journal_mode = WAL");
        db_.exec(v13 ? kSchemaV13 : kSchemaV5);
    }
    SQLite::Database& conn() { return db_; }

    /// Insert or update a session row, as Goose's update builder does.
    void put(const Row& r) {
        std::string sql =
            "INSERT INTO sessions (id, working_dir, created_at, updated_at, accumulated_input_tokens, "
            "accumulated_output_tokens, accumulated_total_tokens";
        sql += v13_ ? ", accumulated_cost, provider_name, model_config_json) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
                    : ") VALUES (?1,?2,?3,?4,?5,?6,?7)";
        sql +=
            " ON CONFLICT (id) DO UPDATE SET working_dir = excluded.working_dir, created_at = excluded.created_at, "
            "updated_at = excluded.updated_at, accumulated_input_tokens = excluded.accumulated_input_tokens, "
            "accumulated_output_tokens = excluded.accumulated_output_tokens, "
            "accumulated_total_tokens = excluded.accumulated_total_tokens";
        if (v13_)
            sql +=
                ", accumulated_cost = excluded.accumulated_cost, provider_name = excluded.provider_name, "
                "model_config_json = excluded.model_config_json";
        SQLite::Statement st(db_, sql);
        st.bind(1, r.id);
        st.bind(2, r.working_dir);
        st.bind(3, r.created_at);
        st.bind(4, r.updated_at);
        bind(st, 5, r.input);
        bind(st, 6, r.output);
        bind(st, 7, r.total);
        if (v13_) {
            if (r.cost)
                st.bind(8, *r.cost);
            else
                st.bind(8);
            st.bind(9, r.provider);
            st.bind(10, r.model_config);
        }
        st.exec();
    }

private:
    static void bind(SQLite::Statement& st, int i, const std::optional<std::int64_t>& v) {
        if (v)
            st.bind(i, *v);
        else
            st.bind(i);
    }
    static SQLite::Database open(const std::filesystem::path& path) {
        std::filesystem::create_directories(path.parent_path());
        return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
    }
    bool v13_;
    SQLite::Database db_;
};

/// A session row with token totals (and a cost when given).
inline Row row(const std::string& id, std::int64_t input, std::int64_t output, std::int64_t total,
               std::optional<double> cost = std::nullopt) {
    Row r;
    r.id = id;
    r.input = input;
    r.output = output;
    r.total = total;
    r.cost = cost;
    return r;
}

}  // namespace goose_test
