#include "opencode_db_reader.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "opencode_message.hpp"
#include "opencode_sessions.hpp"

namespace usage::plugins::opencode {
namespace fs = std::filesystem;

namespace {

// OpenCode holds its write lock only for single statements; readers in WAL
// mode never wait for writers. The timeout covers WAL recovery after a crash.
constexpr int kBusyTimeoutMs = 5000;
constexpr std::string_view kStateTag = "v1 ";

std::set<std::string> columns_of(SQLite::Database& db, const char* table) {
    std::set<std::string> names;
    SQLite::Statement st(db, std::string("PRAGMA table_info(") + table + ")");
    while (st.executeStep()) names.insert(st.getColumn(1).getString());
    return names;
}

// The first of `names` the table has, or "" when it has none of them.
std::string pick(const std::set<std::string>& columns, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (columns.contains(n)) return n;
    return {};
}

// Every session's parent link and folder. Columns differ between OpenCode
// versions (and forks drop `directory` or `worktree`): missing ones read as
// NULL. Session-level `cost`/`tokens_*` columns of newer versions are sums of
// the messages and are never read.
SessionTree load_sessions(SQLite::Database& db) {
    SessionTree tree;
    const auto session = columns_of(db, "session");
    if (!session.contains("id")) return tree;
    const auto project = columns_of(db, "project");
    const bool join = session.contains("project_id") && project.contains("id") && project.contains("worktree");
    std::string sql = "SELECT s.id, ";
    sql += session.contains("parent_id") ? "s.parent_id, " : "NULL, ";
    sql += session.contains("directory") ? "s.directory, " : "NULL, ";
    sql += join ? "p.worktree FROM session s LEFT JOIN project p ON p.id = s.project_id" : "NULL FROM session s";
    SQLite::Statement st(db, sql);
    while (st.executeStep()) {
        std::string directory = st.getColumn(2).getString();
        if (directory.empty()) directory = st.getColumn(3).getString();
        if (directory == "/") directory.clear();  // the "global" project outside git
        tree.add(st.getColumn(0).getString(), st.getColumn(1).getString(), std::move(directory));
    }
    return tree;
}

}  // namespace

DbMark DbMark::from_state(std::string_view state) {
    DbMark mark;
    if (!state.starts_with(kStateTag)) return mark;
    state.remove_prefix(kStateTag.size());
    const auto space = state.find(' ');
    if (space == std::string_view::npos) return mark;
    std::int64_t t = 0;
    auto [end, err] = std::from_chars(state.data(), state.data() + space, t);
    if (err != std::errc() || end != state.data() + space) return mark;
    mark.time_updated = t;
    mark.id.assign(state.substr(space + 1));
    return mark;
}

std::string DbMark::to_state() const {
    if (time_updated == std::numeric_limits<std::int64_t>::min()) return {};
    return std::string(kStateTag) + std::to_string(time_updated) + " " + id;
}

DbScan scan_database(const fs::path& path, const std::string& state, std::int64_t now_ms, std::string_view source) {
    DbScan out;
    out.result.state = state;
    try {
        // Read-only: never writes, never checkpoints, never holds more than
        // a WAL read mark, so OpenCode is never blocked. Not `immutable=1`:
        // the database is live and its -wal must be honoured.
        SQLite::Database db(path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
        db.exec("PRAGMA query_only = 1");
        const auto message = columns_of(db, "message");
        if (message.empty()) return out;  // created but not migrated yet
        const std::string updated = pick(message, {"time_updated", "updated_at"});
        const std::string created = pick(message, {"time_created", "created_at"});
        if (updated.empty() || !message.contains("id") || !message.contains("session_id") || !message.contains("data"))
            throw std::runtime_error("unknown schema: table message lacks id, session_id, data or time_updated");

        // One read transaction: sessions and messages from the same snapshot,
        // so every message finds its session.
        SQLite::Transaction snapshot(db);
        const DbMark from = DbMark::from_state(state);
        SQLite::Statement rows(db, "SELECT id, session_id, " + updated + ", " + (created.empty() ? "0" : created) +
                                       ", data FROM message WHERE " + updated + " > ?1 OR (" + updated +
                                       " = ?1 AND id > ?2) ORDER BY " + updated + ", id");
        rows.bind(1, from.time_updated);
        rows.bind(2, from.id);

        const std::int64_t settled_until = now_ms - kSettleMs;
        DbMark mark = from;
        std::optional<SessionTree> sessions;  // loaded at the first billable row
        simdjson::ondemand::parser parser;
        std::string buf;
        MessageUsage m;
        while (rows.executeStep()) {
            ++out.rows_read;
            const std::string id = rows.getColumn(0).getString();
            const std::int64_t time_updated = rows.getColumn(2).getInt64();
            if (time_updated <= settled_until) mark = DbMark{time_updated, id};
            const SQLite::Column data = rows.getColumn(4);
            const auto size = static_cast<std::size_t>(data.getBytes());
            out.result.bytes_read += size;
            if (buf.size() < size + kJsonPadding) buf.resize(size + kJsonPadding);
            std::memcpy(buf.data(), data.getText(), size);
            switch (parse_message(parser, buf.data(), size, buf.size(), m)) {
                case MessageOutcome::malformed: ++out.result.malformed_lines; continue;
                case MessageOutcome::invalid:
                    out.result.invalid.add(RecordPlace::at_row("message " + id), m.bad.field, m.bad.value, m.bad.rule);
                    continue;
                case MessageOutcome::skipped: continue;
                case MessageOutcome::usage: break;
            }
            if (m.created_ms == 0) m.created_ms = rows.getColumn(3).getInt64();
            if (!sessions) sessions = load_sessions(db);
            const SessionPlace place = sessions->place(rows.getColumn(1).getString());
            out.result.events.push_back(make_event(m, id, place, Copy::database, source));
        }
        snapshot.commit();  // ends the read transaction; nothing was written
        out.result.state = mark.to_state();
    } catch (const std::runtime_error& e) {  // SQLite::Exception included
        throw std::runtime_error(path.string() + ": " + e.what());
    }
    return out;
}

}  // namespace usage::plugins::opencode
