// Aggregate queries: one SQL statement per report, bucketing in the
// requested time zone through an application-defined SQL function.
#include "usage/analytics.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "time_zone.hpp"

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
    {"machine", GroupBy::machine, "coalesce(m.name, e.machine_id)", false},
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

constexpr const char* kTotalsSql = R"sql(
  COUNT(*), COUNT(DISTINCT e.source || char(31) || e.session_id),
  SUM(e.input), SUM(e.output), SUM(e.reasoning), SUM(e.cache_read), SUM(e.cache_write_5m), SUM(e.cache_write_1h),
  SUM(CASE WHEN e.cost_origin <> 'unpriced' THEN coalesce(e.cost_micros, 0) ELSE 0 END),
  SUM(CASE WHEN e.cost_origin = 'reported' THEN coalesce(e.cost_micros, 0) ELSE 0 END),
  SUM(CASE WHEN e.cost_origin IN ('estimated', 'override') THEN coalesce(e.cost_micros, 0) ELSE 0 END),
  SUM(e.cost_origin = 'unpriced'),
  MIN(e.ts_ms), MAX(e.ts_ms))sql";
constexpr int kTotalsColumns = 14;

Totals read_totals(const SQLite::Statement& st, int first) {
    Totals t;
    std::int64_t* fields[] = {&t.events,
                              &t.sessions,
                              &t.input_tokens,
                              &t.output_tokens,
                              &t.reasoning_tokens,
                              &t.cache_read_tokens,
                              &t.cache_write_5m_tokens,
                              &t.cache_write_1h_tokens,
                              &t.cost_micros,
                              &t.reported_cost_micros,
                              &t.estimated_cost_micros,
                              &t.unpriced_events};
    for (int i = 0; i < 12; ++i) *fields[i] = st.getColumn(first + i).getInt64();
    return t;
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
        w.sql += " AND (e.machine_id = ? OR m.name = ?)";
        w.values.emplace_back(f.machine);
        w.values.emplace_back(f.machine);
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

std::vector<std::string> split_models(const std::string& joined) {
    std::vector<std::string> out;
    std::stringstream ss(joined);
    std::string item;
    while (std::getline(ss, item, '\x1f'))
        if (!item.empty()) out.push_back(item);
    std::sort(out.begin(), out.end());
    return out;
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

    const GroupSpec& g = spec(q.group);
    const Where where = build_where(q);
    const std::string from = " FROM events e LEFT JOIN machines m ON m.id = e.machine_id";

    Report report;
    report.range = q.range;
    report.tz = q.tz;
    {
        SQLite::Statement st(db, std::string("SELECT") + kTotalsSql + from + where.sql);
        bind_where(st, where);
        if (st.executeStep()) report.totals = read_totals(st, 0);
    }
    if (q.group == GroupBy::none) return report;

    std::string sql = std::string("SELECT ") + g.key_sql + " AS k," + kTotalsSql;
    if (q.group == GroupBy::session)
        sql +=
            ", max(e.project_name), max(coalesce(m.name, e.machine_id)), max(e.source), max(e.surface), "
            "group_concat(DISTINCT e.model)";
    sql += from + where.sql + " GROUP BY k ORDER BY ";
    if (g.time_bucket)
        sql += "k";
    else if (q.group == GroupBy::session)
        sql += "MAX(e.ts_ms) DESC, k";
    else
        sql +=
            "SUM(CASE WHEN e.cost_origin <> 'unpriced' THEN coalesce(e.cost_micros, 0) ELSE 0 END) DESC, "
            "SUM(e.input + e.output + e.cache_read + e.cache_write_5m + e.cache_write_1h) DESC, k";
    if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset);

    SQLite::Statement st(db, sql);
    bind_where(st, where);
    std::map<std::string, std::size_t> index;
    while (st.executeStep()) {
        Row row;
        row.key = st.getColumn(0).getString();
        row.totals = read_totals(st, 1);
        if (q.group == GroupBy::session) {
            SessionInfo s;
            s.first_ms = st.getColumn(1 + 12).getInt64();
            s.last_ms = st.getColumn(1 + 13).getInt64();
            s.project = st.getColumn(1 + kTotalsColumns).getString();
            s.machine = st.getColumn(2 + kTotalsColumns).getString();
            s.source = st.getColumn(3 + kTotalsColumns).getString();
            s.surface = st.getColumn(4 + kTotalsColumns).getString();
            // group_concat(DISTINCT x) only allows the default ',' separator.
            std::string models = st.getColumn(5 + kTotalsColumns).getString();
            std::replace(models.begin(), models.end(), ',', '\x1f');
            s.models = split_models(models);
            row.session = std::move(s);
        }
        index.emplace(row.key, report.rows.size());
        report.rows.push_back(std::move(row));
    }

    if (with_models && q.group != GroupBy::model) {
        SQLite::Statement bd(db, std::string("SELECT ") + g.key_sql + " AS k, e.model," + kTotalsSql + from +
                                     where.sql + " GROUP BY k, e.model ORDER BY k, e.model");
        bind_where(bd, where);
        while (bd.executeStep()) {
            auto it = index.find(bd.getColumn(0).getString());
            if (it == index.end()) continue;
            report.rows[it->second].models.emplace_back(bd.getColumn(1).getString(), read_totals(bd, 2));
        }
    }
    return report;
}

}  // namespace usage
