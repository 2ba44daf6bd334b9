// gen_opencode_store.cpp — OpenCode's database and legacy tree for
// bench_gen_opencode.
#include "gen_opencode_store.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace bench::opencode {
namespace fs = std::filesystem;

namespace {

// OpenCode's first SQLite migration plus the session usage columns added
// later (which hold sums of the messages: a counter must never add them).
constexpr const char* kSchema = R"sql(
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
  cost real DEFAULT 0 NOT NULL, tokens_input integer DEFAULT 0 NOT NULL,
  tokens_output integer DEFAULT 0 NOT NULL, tokens_reasoning integer DEFAULT 0 NOT NULL,
  tokens_cache_read integer DEFAULT 0 NOT NULL, tokens_cache_write integer DEFAULT 0 NOT NULL,
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
CREATE INDEX part_session_idx ON part (session_id);
CREATE INDEX session_project_idx ON session (project_id);
CREATE INDEX session_parent_idx ON session (parent_id);
)sql";

std::string num(std::int64_t v) {
    return std::to_string(v);
}

// A JavaScript number: integral values without a fraction.
std::string js_number(double v) {
    if (v == 0) return "0";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string tokens_json(const Tokens& t) {
    return R"({"input":)" + num(t.input) + R"(,"output":)" + num(t.output) + R"(,"reasoning":)" + num(t.reasoning) +
           R"(,"cache":{"read":)" + num(t.cache_read) + R"(,"write":)" + num(t.cache_write) + "}}";
}

std::string part_id(Rng& rng) {
    return "prt_" + random_hex(rng, 12) + random_base62(rng, 14);
}

}  // namespace

std::string Json::assistant(const Session& s, const Call& c, const Tokens& t, bool with_ids) const {
    std::string out = "{";
    if (with_ids) out += R"("id":")" + c.id + R"(","sessionID":")" + s.id + R"(",)";
    out += R"("role":"assistant","time":{"created":)" + num(c.created_ms) + R"(,"completed":)" +
           num(c.created_ms + 4200) + R"(},"parentID":")" + c.user_id + R"(","modelID":")" + c.model +
           R"(","providerID":")" + c.provider + R"(","mode":"build","agent":"build","path":{"cwd":")" + c.cwd +
           R"(","root":")" + c.root + R"("},"cost":)" + js_number(c.cost) + R"(,"tokens":)" + tokens_json(t) +
           R"(,"finish":"stop"})";
    return out;
}

std::string Json::user(const Session& s, const Call& c, bool with_ids) const {
    std::string out = "{";
    if (with_ids) out += R"("id":")" + c.user_id + R"(","sessionID":")" + s.id + R"(",)";
    out += R"("role":"user","time":{"created":)" + num(c.created_ms - 800) +
           R"(},"agent":"build","model":{"providerID":")" + c.provider + R"(","modelID":")" + c.model + R"("}})";
    return out;
}

std::vector<std::pair<std::string, std::string>> Json::parts(Rng& rng, const Call& c, const Tokens& t,
                                                             std::size_t bytes) const {
    std::vector<std::pair<std::string, std::string>> out;
    const std::string when = R"("time":{"start":)" + num(c.created_ms) + R"(,"end":)" + num(c.created_ms + 4000) + "}";
    out.emplace_back(part_id(rng), R"({"type":"step-start","snapshot":")" + random_hex(rng, 40) + R"("})");
    if (t.reasoning > 0) {
        std::string text = R"({"type":"reasoning","text":")";
        filler_.append(text, rng, bytes / 4);
        out.emplace_back(part_id(rng), text + R"(",)" + when + "}");
    }
    std::string text = R"({"type":"text","text":")";
    filler_.append(text, rng, bytes / 4);
    out.emplace_back(part_id(rng), text + R"(",)" + when + "}");
    std::string tool = R"({"type":"tool","callID":"toolu_)" + random_base62(rng, 24) +
                       R"(","tool":"read","state":{"status":"completed","input":{"filePath":")" + c.cwd +
                       R"(/src/main.ts"},"output":")";
    filler_.append(tool, rng, bytes / 2);
    out.emplace_back(part_id(rng), tool + R"(","title":"src/main.ts","metadata":{},)" + when + "}}");
    // The step-finish part repeats the call's usage: never to be added again.
    out.emplace_back(part_id(rng), R"({"type":"step-finish","reason":"stop","cost":)" + js_number(c.cost) +
                                       R"(,"tokens":)" + tokens_json(t) + "}");
    return out;
}

DbWriter::DbWriter(const fs::path& path) {
    fs::create_directories(path.parent_path());
    fs::remove(path);
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(db);
    if (rc != SQLITE_OK) throw std::runtime_error("cannot create " + path.string());
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = OFF");
    exec(kSchema);
    exec("BEGIN");
    project_ = prepare(
        "INSERT INTO project (id, worktree, vcs, time_created, time_updated, sandboxes) VALUES (?, ?, 'git', 0, 0, "
        "'[]')");
    session_ = prepare(
        "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated, "
        "cost, tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write) "
        "VALUES (?1, ?2, ?3, 'bench', ?4, 'a session', '1.1.4', ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    message_ = prepare("INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)");
    part_ = prepare(
        "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)");
}

DbWriter::~DbWriter() = default;

void DbWriter::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("sqlite: " + message);
    }
}

DbWriter::Stmt DbWriter::prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &st, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_.get()));
    return Stmt(st);
}

void DbWriter::step(sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_.get()));
    sqlite3_reset(st);
}

namespace {
void bind_text(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
}  // namespace

void DbWriter::project(const std::string& id, const std::string& worktree) {
    bind_text(project_.get(), 1, id);
    bind_text(project_.get(), 2, worktree);
    step(project_.get());
}

void DbWriter::session(const Session& s, const Tokens& t, double cost) {
    sqlite3_stmt* st = session_.get();
    bind_text(st, 1, s.id);
    bind_text(st, 2, s.project_id);
    if (s.parent.empty())
        sqlite3_bind_null(st, 3);
    else
        bind_text(st, 3, s.parent);
    bind_text(st, 4, s.directory);
    sqlite3_bind_int64(st, 5, s.start_ms);
    sqlite3_bind_double(st, 6, cost);
    int i = 7;
    for (auto v : {t.input, t.output, t.reasoning, t.cache_read, t.cache_write}) sqlite3_bind_int64(st, i++, v);
    step(st);
}

void DbWriter::message(const std::string& id, const std::string& session, std::int64_t time_ms,
                       const std::string& data) {
    sqlite3_stmt* st = message_.get();
    bind_text(st, 1, id);
    bind_text(st, 2, session);
    sqlite3_bind_int64(st, 3, time_ms);
    sqlite3_bind_int64(st, 4, time_ms + 4200);
    bind_text(st, 5, data);
    step(st);
    bytes_ += data.size() + id.size() + session.size() + 16;
}

void DbWriter::part(const std::string& id, const std::string& message, const std::string& session, std::int64_t time_ms,
                    const std::string& data) {
    sqlite3_stmt* st = part_.get();
    bind_text(st, 1, id);
    bind_text(st, 2, message);
    bind_text(st, 3, session);
    sqlite3_bind_int64(st, 4, time_ms);
    sqlite3_bind_int64(st, 5, time_ms);
    bind_text(st, 6, data);
    step(st);
    bytes_ += data.size() + id.size() + message.size() + session.size() + 16;
}

void DbWriter::finish() {
    exec("COMMIT");
}

void LegacyWriter::write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
    bytes_ += text.size();
}

void LegacyWriter::project(const std::string& id, const std::string& worktree) {
    write(storage_ / "project" / (id + ".json"),
          R"({"id":")" + id + R"(","worktree":")" + worktree + R"(","vcs":"git","time":{"created":0}})");
}

void LegacyWriter::session(const Session& s) {
    std::string json = R"({"id":")" + s.id + R"(","version":"0.15.2","projectID":")" + s.project_id +
                       R"(","directory":")" + s.directory + R"(",)";
    if (!s.parent.empty()) json += R"("parentID":")" + s.parent + R"(",)";
    json += R"("title":"a session","time":{"created":)" + num(s.start_ms) + R"(,"updated":)" + num(s.start_ms) + "}}";
    write(storage_ / "session" / s.project_id / (s.id + ".json"), json);
}

void LegacyWriter::message(const std::string& session, const std::string& id, const std::string& json) {
    write(storage_ / "message" / session / (id + ".json"), json);
    ++message_files_;
}

void LegacyWriter::part(const std::string& message, const std::string& id, const std::string& json) {
    write(storage_ / "part" / message / (id + ".json"), json);
}

}  // namespace bench::opencode
