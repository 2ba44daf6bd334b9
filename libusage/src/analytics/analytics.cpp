// Aggregate queries: one SQL statement per report, bucketing in the
// requested time zone through an application-defined SQL function.
#include "usage/analytics/analytics.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "analytics/time_zone.hpp"

namespace usage {
namespace {

struct GroupSpec {
    const char* name;
    GroupBy group;
    const char* key_sql;
    bool time_bucket;
};

constexpr GroupSpec kGroups[] = {
    {"none", GroupBy::none, "''", false},
    {"source", GroupBy::source, "e.source", false},
    {"model", GroupBy::model, "e.model", false},
    {"project", GroupBy::project, "e.project_name", false},
    {"machine", GroupBy::machine, "coalesce(m.id, '')", false},
    {"user", GroupBy::user, "e.user", false},
    {"session", GroupBy::session, "e.session_id", false},
    {"hour", GroupBy::hour, "usage_bucket(e.ts_ms, 'h')", true},
    {"day", GroupBy::day, "usage_bucket(e.ts_ms, 'd')", true},
    {"week", GroupBy::week, "usage_bucket(e.ts_ms, 'w')", true},
    {"month", GroupBy::month, "usage_bucket(e.ts_ms, 'm')", true},
};

const GroupSpec& spec(GroupBy g) {
    for (const auto& s : kGroups)
        if (s.group == g) return s;
    return kGroups[0];
}

void bucket_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* tz = static_cast<const date::time_zone*>(sqlite3_user_data(ctx));
    auto ms = sqlite3_value_int64(argv[0]);
    const auto* kind = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    std::string key = detail::bucket_key(ms, tz, kind ? kind[0] : 'd');
    sqlite3_result_text(ctx, key.c_str(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
}

// WHERE clause and its bound values, shared by the main and breakdown queries.
struct Where {
    std::string sql = " WHERE e.superseded = 0";
    std::vector<std::variant<std::int64_t, std::string>> values;
};

Where build_where(const Query& q) {
    Where w;
    if (q.range.since_ms) {
        w.sql += " AND e.ts_ms >= ?";
        w.values.emplace_back(*q.range.since_ms);
    }
    if (q.range.until_ms) {
        w.sql += " AND e.ts_ms < ?";
        w.values.emplace_back(*q.range.until_ms);
    }
    const auto& f = q.filters;
    if (!f.source.empty()) {
        w.sql += " AND e.source = ?";
        w.values.emplace_back(f.source);
    }
    if (!f.model.empty()) {
        w.sql += " AND instr(lower(e.model), lower(?)) > 0";
        w.values.emplace_back(f.model);
    }
    if (!f.project.empty()) {
        w.sql += " AND e.project_name = ?";
        w.values.emplace_back(f.project);
    }
    if (!f.machine.empty()) {
        w.sql += " AND (m.id = ? OR m.name = ? OR (length(?) = 8 AND substr(m.id, 1, 8) = ?))";
        for (int i = 0; i < 4; ++i) w.values.emplace_back(f.machine);
    }
    if (!f.user.empty()) {
        w.sql += " AND e.user = ?";
        w.values.emplace_back(f.user);
    }
    return w;
}

void bind_where(SQLite::Statement& st, const Where& w) {
    int i = 1;
    for (const auto& v : w.values) {
        if (std::holds_alternative<std::int64_t>(v))
            st.bind(i++, static_cast<std::int64_t>(std::get<std::int64_t>(v)));
        else
            st.bind(i++, std::get<std::string>(v));
    }
}

// Everything one group accumulates in the single pass over the events.
struct Span {
    std::int64_t first_ms;
    std::int64_t last_ms;
};

struct Acc {
    Totals totals;
    std::unordered_map<std::string, Span> sessions;  // source + '\x1f' + session id
    std::unordered_set<std::string> users;
    std::unordered_set<std::int64_t> machines;
    std::string last_user;  // events come in runs of one user: skip the set lookup
    std::int64_t last_machine = -1;
    std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_ms = std::numeric_limits<std::int64_t>::min();
    std::string project, machine, source, surface;  // session rows: the largest value, like SQL max()
    std::set<std::string> models;                   // session rows
    std::map<std::string, Acc> by_model;            // --full breakdown
};

void add_event(Acc& acc, const SQLite::Statement& st, const std::string& session_key) {
    Totals& t = acc.totals;
    ++t.events;
    const std::int64_t ts = st.getColumn(12).getInt64();
    auto [session, fresh] = acc.sessions.try_emplace(session_key, Span{ts, ts});
    if (!fresh) {
        session->second.first_ms = std::min(session->second.first_ms, ts);
        session->second.last_ms = std::max(session->second.last_ms, ts);
    }
    const char* user = st.getColumn(16).getText();
    if (acc.users.empty() || acc.last_user != user) {
        acc.last_user = user;
        acc.users.insert(acc.last_user);
    }
    const std::int64_t machine = st.getColumn(17).getInt64();
    if (machine != acc.last_machine) {
        acc.last_machine = machine;
        acc.machines.insert(machine);
    }
    auto add = [&t](std::int64_t& sum, std::int64_t value) { sum = saturating_add(sum, value, t.overflow); };
    add(t.input_tokens, st.getColumn(4).getInt64());
    add(t.output_tokens, st.getColumn(5).getInt64());
    add(t.reasoning_tokens, st.getColumn(6).getInt64());
    add(t.cache_read_tokens, st.getColumn(7).getInt64());
    add(t.cache_write_5m_tokens, st.getColumn(8).getInt64());
    add(t.cache_write_1h_tokens, st.getColumn(9).getInt64());
    const auto origin = static_cast<CostOrigin>(st.getColumn(10).getInt());
    const std::int64_t cost = st.getColumn(11).isNull() ? 0 : st.getColumn(11).getInt64();
    if (origin == CostOrigin::unpriced) {
        ++t.unpriced_events;
    } else {
        add(t.cost_micros, cost);
        add(origin == CostOrigin::reported ? t.reported_cost_micros : t.estimated_cost_micros, cost);
    }
    acc.first_ms = std::min(acc.first_ms, ts);
    acc.last_ms = std::max(acc.last_ms, ts);
}

void keep_max(std::string& mine, const char* theirs) {
    if (mine < theirs) mine = theirs;
}

}  // namespace

GroupBy group_by_from_string(const std::string& text) {
    for (const auto& s : kGroups)
        if (text == s.name) return s.group;
    throw std::invalid_argument("unknown grouping '" + text + "'");
}

Report run_query(const Store& store, const Query& q, bool with_models) {
    const date::time_zone* tz = detail::zone(q.tz);
    auto& db = store.db();
    if (sqlite3_create_function_v2(db.getHandle(), "usage_bucket", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                   const_cast<date::time_zone*>(tz), bucket_function, nullptr, nullptr,
                                   nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot register the bucket function");

    // One pass over the matching events, aggregated here: SQLite's GROUP BY
    // and COUNT(DISTINCT) sort every row through temporary B-trees, which
    // cost several times the scan itself.
    const GroupSpec& g = spec(q.group);
    const Where where = build_where(q);
    const bool session_rows = q.group == GroupBy::session;
    SQLite::Statement st(db, std::string("SELECT ") + g.key_sql +
                                 ", e.source, e.session_id, e.model, e.input, e.output, e.reasoning, e.cache_read, "
                                 "e.cache_write_5m, e.cache_write_1h, e.cost_origin, e.cost_micros, e.ts_ms, "
                                 "e.project_name, coalesce(m.name, m.id, ''), e.surface, e.user, e.machine "
                                 "FROM events e LEFT JOIN machines m ON m.key = e.machine" +
                                 where.sql);
    bind_where(st, where);

    Acc all;
    std::unordered_map<std::string, Acc> groups;
    std::string session_key;
    while (st.executeStep()) {
        session_key.assign(st.getColumn(1).getText()).append("\x1f").append(st.getColumn(2).getText());
        add_event(all, st, session_key);
        if (q.group == GroupBy::none) continue;
        Acc& acc = groups[st.getColumn(0).getString()];
        add_event(acc, st, session_key);
        if (q.group == GroupBy::machine) keep_max(acc.machine, st.getColumn(14).getText());
        if (session_rows) {
            keep_max(acc.project, st.getColumn(13).getText());
            keep_max(acc.machine, st.getColumn(14).getText());
            keep_max(acc.source, st.getColumn(1).getText());
            keep_max(acc.surface, st.getColumn(15).getText());
            acc.models.insert(st.getColumn(3).getString());
        }
        if (with_models && q.group != GroupBy::model)
            add_event(acc.by_model[st.getColumn(3).getString()], st, session_key);
    }

    auto finish = [](Acc& acc) {
        Totals& t = acc.totals;
        t.sessions = static_cast<std::int64_t>(acc.sessions.size());
        t.users = static_cast<std::int64_t>(acc.users.size());
        t.machines = static_cast<std::int64_t>(acc.machines.size());
        for (const auto& [key, span] : acc.sessions) {
            std::int64_t length = 0;
            if (__builtin_sub_overflow(span.last_ms, span.first_ms, &length)) {
                length = std::numeric_limits<std::int64_t>::max();
                t.overflow = true;
            }
            t.session_duration_ms = saturating_add(t.session_duration_ms, length, t.overflow);
        }
        // total_tokens() saturates on its own: flag it here, in its order.
        const std::int64_t writes = saturating_add(t.cache_write_5m_tokens, t.cache_write_1h_tokens, t.overflow);
        const std::int64_t in_out = saturating_add(t.input_tokens, t.output_tokens, t.overflow);
        saturating_add(saturating_add(in_out, t.cache_read_tokens, t.overflow), writes, t.overflow);
        return t;
    };
    Report report;
    report.range = q.range;
    report.tz = q.tz;
    report.group = q.group;
    report.totals = finish(all);
    for (auto& [key, acc] : groups) {
        Row row;
        row.key = key;
        row.totals = finish(acc);
        if (session_rows)
            row.session = SessionInfo{acc.project,
                                      acc.machine,
                                      acc.source,
                                      acc.surface,
                                      std::vector<std::string>(acc.models.begin(), acc.models.end()),
                                      acc.first_ms,
                                      acc.last_ms};
        for (auto& [model, m] : acc.by_model) row.models.emplace_back(model, finish(m));
        if (q.group == GroupBy::machine) row.name = acc.machine;
        row.label = q.group == GroupBy::machine ? row.name : row.key;
        report.rows.push_back(std::move(row));
    }
    if (q.group == GroupBy::machine) {
        std::unordered_map<std::string, int> named;
        for (const auto& r : report.rows) ++named[r.name];
        for (auto& r : report.rows)
            if (named[r.name] > 1 && !r.key.empty()) r.label = r.name + " (" + r.key.substr(0, 8) + ")";
    }

    auto tokens = [](const Row& r) { return r.totals.total_tokens(); };
    std::sort(report.rows.begin(), report.rows.end(), [&](const Row& a, const Row& b) {
        if (g.time_bucket) return a.key < b.key;
        if (session_rows) {
            if (a.session->last_ms != b.session->last_ms) return a.session->last_ms > b.session->last_ms;
            return a.key < b.key;
        }
        if (a.totals.cost_micros != b.totals.cost_micros) return a.totals.cost_micros > b.totals.cost_micros;
        if (tokens(a) != tokens(b)) return tokens(a) > tokens(b);
        return a.key < b.key;
    });
    report.row_count = static_cast<std::int64_t>(report.rows.size());
    if (q.limit > 0 || q.offset > 0) {
        auto first =
            std::min<std::size_t>(static_cast<std::size_t>(std::max<std::int64_t>(q.offset, 0)), report.rows.size());
        auto last = q.limit > 0 ? std::min<std::size_t>(first + static_cast<std::size_t>(q.limit), report.rows.size())
                                : report.rows.size();
        report.rows =
            std::vector<Row>(std::make_move_iterator(report.rows.begin() + static_cast<std::ptrdiff_t>(first)),
                             std::make_move_iterator(report.rows.begin() + static_cast<std::ptrdiff_t>(last)));
    }
    return report;
}

}  // namespace usage
