// gen_goose.cpp — bench_gen_goose: writes a synthetic Goose data folder,
// OUT/.local/share/goose/sessions/sessions.db (schema v13 of Goose's session
// storage, WAL mode), of about N bytes (mostly `messages.content_json`), and
// prints on stdout the exact totals the first sync must report (rules:
// docs/sources/goose.md). The totals are tracked while writing.
//
//   bench_gen_goose --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps: the last-turn columns total/input/output_tokens hold other numbers
// (never read); sessions without usage (zero or NULL totals: no event);
// Gemini sessions whose accumulated_total is above input + output (the
// thinking tokens: counted as output); sessions without accumulated_cost
// (NULL); sessions whose model_config_json is not JSON (counted, one
// malformed each); sub-agent and scheduled sessions (counted like any).
// Same seed and size: the same database content.
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "gen_json_text.hpp"
#include "gen_options.hpp"

namespace fs = std::filesystem;
using bench::Rng;

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
INSERT INTO schema_version (version) VALUES (13);
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
CREATE INDEX idx_messages_session ON messages(session_id);
)sql";

struct Model {
    const char* provider;
    const char* name;
    bool thinks;  // Google: the total holds thinking tokens beyond input + output
};
constexpr Model kModels[] = {
    {"anthropic", "claude-sonnet-4-5", false}, {"openai", "gpt-5", false},
    {"google", "gemini-2.5-pro", true},        {"databricks", "goose-claude-4-sonnet", false},
    {"ollama", "qwen3-coder:30b", false},
};
constexpr const char* kTypes[] = {"user", "user", "user", "sub_agent", "scheduled", "acp"};

struct Totals {
    long long events = 0, sessions = 0, input = 0, output = 0, reasoning = 0, malformed = 0, bytes = 0;
};

class Db {
public:
    explicit Db(const fs::path& path) {
        fs::create_directories(path.parent_path());
        fs::remove(path);
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot create " + path.string());
        exec(kSchema);
        exec("BEGIN");
    }
    ~Db() {
        sqlite3_finalize(session_);
        sqlite3_finalize(message_);
        sqlite3_close(db_);
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    void exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string what = err ? err : "?";
            sqlite3_free(err);
            throw std::runtime_error(what);
        }
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
        return st;
    }
    void step(sqlite3_stmt* st) {
        if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        sqlite3_reset(st);
    }
    sqlite3_stmt* session_ = nullptr;
    sqlite3_stmt* message_ = nullptr;

private:
    sqlite3* db_ = nullptr;
};

void bind_text(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

std::string two(long long v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02lld", v % 100);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    const bench::GenOptions o = bench::parse_gen_options("bench_gen_goose", argc, argv);
    try {
        Rng rng(o.seed);
        Db db(o.out / ".local/share/goose/sessions/sessions.db");
        db.session_ = db.prepare(
            "INSERT INTO sessions (id, name, session_type, working_dir, created_at, updated_at, total_tokens, "
            "input_tokens, output_tokens, accumulated_total_tokens, accumulated_input_tokens, "
            "accumulated_output_tokens, provider_name, model_config_json, accumulated_cost) "
            "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
        db.message_ = db.prepare(
            "INSERT INTO messages (message_id, session_id, role, content_json, created_timestamp, tokens) "
            "VALUES (?1,?2,?3,?4,?5,?6)");
        std::string filler;
        while (filler.size() < (1u << 16)) filler += "Let me look at src/main.rs and run cargo test again. ";
        Totals t;
        long long n = 0;
        while (static_cast<std::uint64_t>(t.bytes) < o.bytes) {
            ++n;
            const long long day = 1 + n / 40 % 28, hour = n % 24;
            const std::string id = "202601" + two(day) + "_" + std::to_string(n);
            const Model& m = kModels[rng.range(0, std::size(kModels) - 1)];
            const long long turns = rng.range(1, 60);
            long long in = 0, out = 0, extra = 0;
            for (long long i = 0; i < turns; ++i) {
                in += rng.range(2000, 120000);
                out += rng.range(20, 6000);
                if (m.thinks) extra += rng.range(0, 3000);
            }
            const int kind = static_cast<int>(rng.range(0, 99));
            sqlite3_stmt* st = db.session_;
            bind_text(st, 1, id);
            bind_text(st, 2, "session " + std::to_string(n));
            bind_text(st, 3, kTypes[rng.range(0, std::size(kTypes) - 1)]);
            bind_text(st, 4, "/home/dev/src/project-" + std::to_string(n % 17));
            bind_text(st, 5, "2026-01-" + two(day) + " " + two(hour) + ":00:00");
            bind_text(st, 6, "2026-01-" + two(day) + "T" + two(hour) + ":42:07.123456+00:00");
            // Last turn only: must never be read.
            sqlite3_bind_int64(st, 7, 999'999);
            sqlite3_bind_int64(st, 8, 888'888);
            sqlite3_bind_int64(st, 9, 111'111);
            const bool unused = kind < 5;       // a session opened and never used
            const bool null_totals = kind < 2;  // never updated at all
            if (null_totals) {
                for (int i : {10, 11, 12}) sqlite3_bind_null(st, i);
            } else {
                sqlite3_bind_int64(st, 10, unused ? 0 : in + out + extra);
                sqlite3_bind_int64(st, 11, unused ? 0 : in);
                sqlite3_bind_int64(st, 12, unused ? 0 : out);
            }
            bind_text(st, 13, m.provider);
            const bool bad_config = kind >= 5 && kind < 7;
            bind_text(st, 14,
                      bad_config ? std::string(R"({"model_name":")") + m.name
                                 : std::string(R"({"model_name":")") + m.name +
                                       R"(","context_limit":null,"temperature":null,"max_tokens":null})");
            if (kind < 30)
                sqlite3_bind_null(st, 15);
            else
                sqlite3_bind_double(st, 15, static_cast<double>(in * 3 + out * 15) / 1e6);
            db.step(st);
            sqlite3_clear_bindings(st);
            if (!unused) {
                ++t.events;
                ++t.sessions;
                t.input += in;
                t.output += out + extra;
                t.reasoning += extra;
                if (bad_config) ++t.malformed;
            }
            // The conversation: most of the bytes.
            for (long long i = 0; i < 2 * turns; ++i) {
                sqlite3_stmt* ms = db.message_;
                const auto size = static_cast<std::size_t>(rng.range(80, 6000));
                const std::string text = filler.substr(static_cast<std::size_t>(rng.range(0, 4096)), size);
                const std::string content = std::string(R"([{"type":"text","text":")") + text + "\"}]";
                bind_text(ms, 1, "msg_" + std::to_string(n) + "_" + std::to_string(i));
                bind_text(ms, 2, id);
                bind_text(ms, 3, i % 2 ? "assistant" : "user");
                bind_text(ms, 4, content);
                sqlite3_bind_int64(ms, 5, 1767225600 + n * 60 + i);
                sqlite3_bind_int64(ms, 6, static_cast<std::int64_t>(size / 4));
                db.step(ms);
                t.bytes += static_cast<long long>(content.size());
            }
        }
        db.exec("COMMIT");
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": %lld, "
            "\"cache_read\": 0, \"cache_write\": 0, \"total\": %lld, \"malformed\": %lld, \"files\": 1, "
            "\"bytes\": %lld}\n",
            t.events, t.sessions, t.input, t.output, t.reasoning, t.input + t.output, t.malformed, t.bytes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gen_goose: %s\n", e.what());
        return 1;
    }
    return 0;
}
