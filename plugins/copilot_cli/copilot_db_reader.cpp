#include "copilot_db_reader.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <charconv>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "copilot_event.hpp"
#include "usage/scan/iso_time.hpp"

namespace usage::plugins::copilot {
namespace fs = std::filesystem;

namespace {

// Copilot holds its write lock only for single statements; WAL readers never
// wait for writers. The timeout covers WAL recovery after a crash.
constexpr int kBusyTimeoutMs = 5000;
constexpr std::string_view kStateTag = "v1 ";

std::set<std::string> columns_of(SQLite::Database& db, const char* table) {
    std::set<std::string> names;
    SQLite::Statement st(db, std::string("PRAGMA table_info(") + table + ")");
    while (st.executeStep()) names.insert(st.getColumn(1).getString());
    return names;
}

std::string col_or_null(const std::set<std::string>& cols, const char* name) {
    return cols.contains(name) ? std::string("e.") + name : "NULL";
}

// `created_at` is ISO 8601 text in the versions seen; an integer is taken
// as epoch milliseconds (seconds when too small to be milliseconds).
std::int64_t timestamp_of(const SQLite::Column& c) {
    if (c.isInteger()) {
        const std::int64_t n = c.getInt64();
        return n < 100'000'000'000 ? n * 1000 : n;
    }
    if (c.isText()) return detail::parse_iso8601_ms(c.getString()).value_or(0);
    return 0;
}

// A token column: NULL is not reported (0); anything but an integer in the
// per-call range breaks the rule.
bool count_of(const SQLite::Column& c, std::int64_t& out) {
    if (c.isNull()) {
        out = 0;
        return true;
    }
    if (!c.isInteger()) return false;
    out = c.getInt64();
    return is_token_count(out);
}

struct Sessions {
    std::unordered_map<std::string, SessionPlace> places;
    const SessionPlace& operator[](const std::string& id) const {
        static const SessionPlace none;
        auto it = places.find(id);
        return it == places.end() ? none : it->second;
    }
};

Sessions load_sessions(SQLite::Database& db) {
    Sessions s;
    const auto cols = columns_of(db, "sessions");
    if (!cols.contains("id")) return s;
    auto pick = [&](const char* name) { return cols.contains(name) ? std::string(name) : std::string("NULL"); };
    SQLite::Statement st(
        db, "SELECT id, " + pick("cwd") + ", " + pick("repository") + ", " + pick("branch") + " FROM sessions");
    while (st.executeStep()) {
        SessionPlace p;
        p.cwd = st.getColumn(1).getString();
        p.repository = st.getColumn(2).getString();
        p.branch = st.getColumn(3).getString();
        s.places.emplace(st.getColumn(0).getString(), std::move(p));
    }
    return s;
}

}  // namespace

DbMark DbMark::from_state(std::string_view state) {
    DbMark mark;
    if (!state.starts_with(kStateTag)) return mark;
    state.remove_prefix(kStateTag.size());
    std::int64_t id = 0;
    auto [end, err] = std::from_chars(state.data(), state.data() + state.size(), id);
    if (err == std::errc() && end == state.data() + state.size()) mark.last_id = id;
    return mark;
}

std::string DbMark::to_state() const {
    return last_id < 0 ? std::string() : std::string(kStateTag) + std::to_string(last_id);
}

ScanResult scan_session_store(const fs::path& path, const std::string& state) {
    ScanResult out;
    out.state = state;
    try {
        // Read-only and never `immutable`: the database is live and its -wal
        // must be honoured; a reader only ever holds a WAL read mark.
        SQLite::Database db(path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
        db.exec("PRAGMA query_only = 1");
        const auto cols = columns_of(db, "assistant_usage_events");
        if (cols.empty()) return out;  // an older store without usage rows
        for (const char* needed : {"id", "session_id", "input_tokens", "output_tokens"})
            if (!cols.contains(needed))
                throw std::runtime_error(std::string("unknown schema: assistant_usage_events lacks ") + needed);

        // One read transaction: rows and sessions from the same snapshot.
        SQLite::Transaction snapshot(db);
        SQLite::Statement rows(
            db, "SELECT e.id, e.session_id, " + col_or_null(cols, "model") + ", " +
                    col_or_null(cols, "copilot_usage_model") + ", e.input_tokens, e.output_tokens, " +
                    col_or_null(cols, "cache_read_tokens") + ", " + col_or_null(cols, "cache_write_tokens") + ", " +
                    col_or_null(cols, "reasoning_tokens") + ", " + col_or_null(cols, "total_nano_aiu") + ", " +
                    col_or_null(cols, "created_at") + " FROM assistant_usage_events e WHERE e.id > ? ORDER BY e.id");
        DbMark mark = DbMark::from_state(state);
        rows.bind(1, mark.last_id);
        std::optional<Sessions> sessions;
        while (rows.executeStep()) {
            const std::int64_t row_id = rows.getColumn(0).getInt64();
            mark.last_id = std::max(mark.last_id, row_id);
            const std::string session = rows.getColumn(1).getString();
            CopilotUsage u;
            std::int64_t* targets[] = {&u.input, &u.output, &u.cache_read, &u.cache_write, &u.reasoning};
            const char* names[] = {"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
                                   "reasoning_tokens"};
            bool ok = true;
            for (int i = 0; i < 5 && ok; ++i) {
                const SQLite::Column c = rows.getColumn(4 + i);
                if (!count_of(c, *targets[i])) {
                    out.invalid.add(RecordPlace::at_row("assistant_usage_events id " + std::to_string(row_id)),
                                    names[i], c.getString());
                    ok = false;
                }
            }
            if (!ok) continue;
            // `model` is the model that answered; `copilot_usage_model` the
            // one Copilot bills, used when the first is missing.
            std::string model = rows.getColumn(2).getString();
            if (model.empty()) model = rows.getColumn(3).getString();
            if (!sessions) sessions = load_sessions(db);
            UsageEvent e = base_event(session, model, (*sessions)[session], timestamp_of(rows.getColumn(10)));
            e.tokens = split_usage(u);
            if (const SQLite::Column nano = rows.getColumn(9); nano.isInteger() || nano.isFloat())
                if (const double v = nano.getDouble(); v >= 0) e.reported_cost_micros = nano_aiu_to_micros(v);
            e.dedup_group = session_group(session);
            e.id = e.dedup_group + "db:" + std::to_string(row_id);
            out.events.push_back(std::move(e));
        }
        snapshot.commit();  // ends the read transaction; nothing was written
        out.state = mark.to_state();
    } catch (const std::runtime_error& e) {  // SQLite::Exception included
        throw std::runtime_error(path.string() + ": " + e.what());
    }
    return out;
}

}  // namespace usage::plugins::copilot
