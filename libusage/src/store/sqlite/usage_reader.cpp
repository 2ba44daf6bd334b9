// run_query's SQL: one statement per table and interval shape, with the
// group key computed in SQL (time buckets through usage_bucket, registered
// with the query's zone) and everything else added up in C++ (aggregate.cpp).
#include "store/sqlite/usage_reader.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "analytics/time_zone.hpp"

namespace usage::detail {
namespace {

// The group key over alias `e`, whose time column is `time`: ts_ms for
// events, hour_ms for the rollup (whose every hour lies in one bucket when
// the plan reads it there).
std::string key_sql(GroupBy g, const std::string& time) {
    switch (g) {
        case GroupBy::none: return "''";
        case GroupBy::source: return "e.source";
        case GroupBy::model: return "e.model";
        case GroupBy::project: return "e.project_name";
        case GroupBy::machine: return "coalesce(m.id, '')";
        case GroupBy::user: return "e.user";
        case GroupBy::session: return "e.session_id";
        case GroupBy::hour: return "usage_bucket(e." + time + ", 'h')";
        case GroupBy::day: return "usage_bucket(e." + time + ", 'd')";
        case GroupBy::week: return "usage_bucket(e." + time + ", 'w')";
        case GroupBy::month: return "usage_bucket(e." + time + ", 'm')";
    }
    return "''";
}

void bucket_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* tz = static_cast<const date::time_zone*>(sqlite3_user_data(ctx));
    auto ms = sqlite3_value_int64(argv[0]);
    const auto* kind = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    std::string key = bucket_key(ms, tz, kind ? kind[0] : 'd');
    sqlite3_result_text(ctx, key.c_str(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
}

// The filters: the same columns in both tables (the rollup's key).
std::string filter_sql(const Filters& f) {
    std::string sql;
    if (!f.source.empty()) sql += " AND e.source = :source";
    if (!f.model.empty()) sql += " AND instr(lower(e.model), lower(:model)) > 0";
    if (!f.project.empty()) sql += " AND e.project_name = :project";
    if (!f.machine.empty())
        sql +=
            " AND (m.id = :machine OR m.name = :machine OR (length(:machine) = 8 AND substr(m.id, 1, 8) = :machine))";
    if (!f.user.empty()) sql += " AND e.user = :user";
    return sql;
}

void bind_filters(SQLite::Statement& st, const Filters& f) {
    if (!f.source.empty()) st.bind(":source", f.source);
    if (!f.model.empty()) st.bind(":model", f.model);
    if (!f.project.empty()) st.bind(":project", f.project);
    if (!f.machine.empty()) st.bind(":machine", f.machine);
    if (!f.user.empty()) st.bind(":user", f.user);
}

std::string_view text(const SQLite::Statement& st, int i) {
    const SQLite::Column c = st.getColumn(i);
    return {c.getText(), static_cast<std::size_t>(c.getBytes())};
}

// Columns shared by both statements, after their own sums.
constexpr const char* kDescriptive =
    "e.source, e.session_id, e.model, e.project_name, coalesce(m.name, m.id, ''), e.surface, e.user, e.machine";

void read_descriptive(const SQLite::Statement& st, int first, UsageRow& r) {
    r.key = text(st, 0);
    r.source = text(st, first);
    r.session_id = text(st, first + 1);
    r.model = text(st, first + 2);
    r.project = text(st, first + 3);
    r.machine_name = text(st, first + 4);
    r.surface = text(st, first + 5);
    r.user = text(st, first + 6);
    r.machine = st.getColumn(first + 7).getInt64();
}

}  // namespace

SqliteUsageReader::SqliteUsageReader(const Store& store, const Query& query, const date::time_zone* tz)
    : store_(store), query_(query) {
    auto& db = store_.db();
    if (sqlite3_create_function_v2(db.getHandle(), "usage_bucket", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                   const_cast<date::time_zone*>(tz), bucket_function, nullptr, nullptr,
                                   nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot register the bucket function");
    // Inside a writer's transaction the reads already share one view.
    if (sqlite3_get_autocommit(db.getHandle())) snapshot_ = std::make_unique<SQLite::Transaction>(db);
}

// The snapshot only read: ending it by rollback is the same as a commit.
SqliteUsageReader::~SqliteUsageReader() = default;

SQLite::Statement& SqliteUsageReader::statement(bool rollup, bool from, bool to) {
    auto& slot = statements_[{rollup, from, to}];
    if (slot) {
        slot->reset();
        return *slot;
    }
    const std::string time = rollup ? "hour_ms" : "ts_ms";
    std::string sql = "SELECT " + key_sql(query_.group, time) + ", ";
    if (rollup)
        sql +=
            "e.events, e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
            "e.cost_micros, e.reported_micros, e.estimated_micros, e.unpriced_events, e.first_ms, e.last_ms, ";
    else
        sql +=
            "1, e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
            "e.cost_origin, e.cost_micros, e.ts_ms, ";
    sql += kDescriptive;
    sql += rollup ? " FROM usage_rollup e" : " FROM events e";
    sql += " LEFT JOIN machines m ON m.key = e.machine WHERE ";
    sql += rollup ? "1" : "e.superseded = 0";
    if (from) sql += " AND e." + time + " >= :from";
    if (to) sql += " AND e." + time + " < :to";
    sql += filter_sql(query_.filters);
    slot = std::make_unique<SQLite::Statement>(store_.db(), sql);
    bind_filters(*slot, query_.filters);
    return *slot;
}

void SqliteUsageReader::events(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) {
    SQLite::Statement& st = statement(false, from.has_value(), to.has_value());
    if (from) st.bind(":from", static_cast<std::int64_t>(*from));
    if (to) st.bind(":to", static_cast<std::int64_t>(*to));
    UsageRow r;
    r.events = 1;
    while (st.executeStep()) {
        r.input = st.getColumn(2).getInt64();
        r.output = st.getColumn(3).getInt64();
        r.reasoning = st.getColumn(4).getInt64();
        r.cache_read = st.getColumn(5).getInt64();
        r.cache_write_5m = st.getColumn(6).getInt64();
        r.cache_write_1h = st.getColumn(7).getInt64();
        // Totals' cost sums by origin: unpriced counts, reported, estimated (and override).
        const auto origin = static_cast<CostOrigin>(st.getColumn(8).getInt());
        const std::int64_t cost = st.getColumn(9).isNull() ? 0 : st.getColumn(9).getInt64();
        const bool is_unpriced = origin == CostOrigin::unpriced;
        r.unpriced_events = is_unpriced ? 1 : 0;
        r.cost_micros = is_unpriced ? 0 : cost;
        r.reported_cost_micros = origin == CostOrigin::reported ? cost : 0;
        r.estimated_cost_micros = !is_unpriced && origin != CostOrigin::reported ? cost : 0;
        r.first_ms = r.last_ms = st.getColumn(10).getInt64();
        read_descriptive(st, 11, r);
        sink(r);
    }
}

bool SqliteUsageReader::rollup(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) {
    SQLite::Statement& st = statement(true, from.has_value(), to.has_value());
    if (from) st.bind(":from", static_cast<std::int64_t>(*from));
    if (to) st.bind(":to", static_cast<std::int64_t>(*to));
    UsageRow r;
    std::int64_t* sums[] = {&r.events,
                            &r.input,
                            &r.output,
                            &r.reasoning,
                            &r.cache_read,
                            &r.cache_write_5m,
                            &r.cache_write_1h,
                            &r.cost_micros,
                            &r.reported_cost_micros,
                            &r.estimated_cost_micros,
                            &r.unpriced_events,
                            &r.first_ms,
                            &r.last_ms};
    while (st.executeStep()) {
        for (int i = 0; i < 13; ++i) {
            const SQLite::Column c = st.getColumn(i + 1);
            if (!c.isInteger()) return false;  // a sum past 64 bits
            *sums[i] = c.getInt64();
        }
        read_descriptive(st, 14, r);
        sink(r);
    }
    return true;
}

std::optional<std::pair<std::int64_t, std::int64_t>> SqliteUsageReader::rollup_hours() {
    // Two B-tree edge lookups (hour_ms leads the primary key); min and max in
    // one SELECT would scan the table.
    SQLite::Statement st(store_.db(),
                         "SELECT (SELECT min(hour_ms) FROM usage_rollup), (SELECT max(hour_ms) FROM usage_rollup)");
    if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
    return std::make_pair(st.getColumn(0).getInt64(), st.getColumn(1).getInt64());
}

}  // namespace usage::detail
