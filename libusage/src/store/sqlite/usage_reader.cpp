// run_query's SQL: one statement per table and interval shape, with the
// group key read in SQL, or for time groupings the row's time bucketed here
// (by the same BucketKeys as PostgreSQL's reader), and everything else added
// up in C++ (aggregate.cpp).
#include "store/sqlite/usage_reader.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "analytics/time_zone.hpp"

namespace usage::detail {
namespace {

// The group key over alias `e`, or for time groupings its time column
// `time`: ts_ms for events, hour_ms or day_ms for the rollups (whose every
// hour or day lies in one bucket when the plan reads it there).
std::string key_sql(GroupBy g, const std::string& time) {
    switch (g) {
        case GroupBy::none: return "''";
        case GroupBy::source: return "e.source";
        case GroupBy::model: return "e.model";
        case GroupBy::project: return "e.project_name";
        case GroupBy::machine: return "''";  // the machine's id, from KnownMachines
        case GroupBy::user: return "e.user";
        case GroupBy::repository: return "e.repository";
        case GroupBy::session: return "e.session_id";
        case GroupBy::hour:
        case GroupBy::day:
        case GroupBy::week:
        case GroupBy::month: return "e." + time;
    }
    return "''";
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
    if (!f.repository.empty()) sql += " AND e.repository = :repository";
    return sql;
}

std::string_view text(sqlite3_stmt* st, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i))) : std::string_view();
}

std::int64_t int64(sqlite3_stmt* st, int i) {
    return sqlite3_column_int64(st, i);
}

// Columns shared by every statement, after their own sums; '' for the ones
// the query does not need (row_needs). A machine's name comes from
// KnownMachines.
std::string descriptive_sql(const RowNeeds& needs) {
    return std::string("e.source, e.session_id, e.model, ") + (needs.session_fields ? "e.project_name" : "''") +
           ", '', " + (needs.session_fields ? "e.surface" : "''") + ", e.user, e.machine";
}

}  // namespace

void SqliteUsageReader::read_descriptive(sqlite3_stmt* st, int first, UsageRow& r) {
    r.source = text(st, first);
    r.session_id = text(st, first + 1);
    r.model = text(st, first + 2);
    r.project = text(st, first + 3);
    r.machine_name = text(st, first + 4);
    r.surface = text(st, first + 5);
    r.user = text(st, first + 6);
    r.machine = int64(st, first + 7);
    if (name_machines_) machines_.describe(r, query_.group);
}

SqliteUsageReader::SqliteUsageReader(SQLite::Database& db, const Query& query, const date::time_zone* tz)
    : db_(db), query_(query), keys_(tz, bucket_kind(query.group)), bucketed_(is_time_bucket(query.group)) {
    // Inside a writer's transaction the reads already share one view.
    if (sqlite3_get_autocommit(db.getHandle())) snapshot_ = std::make_unique<SQLite::Transaction>(db);
    const RowNeeds needs = row_needs(query);
    if (needs.machine_name) {
        name_machines_ = true;
        SQLite::Statement st(db_, "SELECT key, id, coalesce(name, id, '') FROM machines");
        while (st.executeStep())
            machines_.add(st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString());
    }
}

// The snapshot only read: ending it by rollback is the same as a commit.
SqliteUsageReader::~SqliteUsageReader() = default;

struct SqliteUsageReader::Prepared {
    sqlite3* db = nullptr;
    sqlite3_stmt* st = nullptr;
    Prepared(sqlite3* handle, const std::string& sql) : db(handle) {
        const int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr);
        if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
    }
    ~Prepared() { sqlite3_finalize(st); }
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;

    void bind(const char* name, std::int64_t v) { sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v); }
    void bind(const char* name, const std::string& v) {
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), v.data(), static_cast<int>(v.size()),
                          SQLITE_TRANSIENT);
    }
    // true: a row is there to read; false: done.
    bool step() {
        const int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw SQLite::Exception(db, rc);
    }
};

SqliteUsageReader::Prepared& SqliteUsageReader::statement(int table, std::optional<std::int64_t> from,
                                                          std::optional<std::int64_t> to) {
    auto& slot = statements_[{table, from.has_value(), to.has_value()}];
    const bool rollup = table == 1 || table == 2;
    if (slot) {
        sqlite3_reset(slot->st);
    } else {
        const std::string time = table == 1 ? "hour_ms" : table == 2 ? "day_ms" : "ts_ms";
        std::string sql = "SELECT " + key_sql(query_.group, time) + ", ";
        if (table == 3)
            sql += "e.ts_ms, ";  // a failed call has nothing else to add up
        else if (rollup)
            sql +=
                "e.events, e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
                "e.cost_micros, e.reported_micros, e.estimated_micros, e.unpriced_events, e.first_ms, e.last_ms, ";
        else
            sql +=
                "1, e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
                "e.cost_origin, e.cost_micros, e.ts_ms, ";
        const RowNeeds needs = row_needs(query_);
        sql += descriptive_sql(needs);
        sql += table == 1 ? " FROM usage_rollup e" : table == 2 ? " FROM usage_rollup_day e" : " FROM events e";
        if (needs.machines) sql += " LEFT JOIN machines m ON m.key = e.machine";
        sql += " WHERE ";
        // Failed calls through their own index (events_failed).
        sql += rollup       ? "1"
               : table == 0 ? "e.superseded = 0 AND e.failure = ''"
                            : "e.failure <> '' AND e.superseded = 0";
        if (from) sql += " AND e." + time + " >= :from";
        if (to) sql += " AND e." + time + " < :to";
        sql += filter_sql(query_.filters);
        slot = std::make_unique<Prepared>(db_.getHandle(), sql);
        const Filters& f = query_.filters;
        if (!f.source.empty()) slot->bind(":source", f.source);
        if (!f.model.empty()) slot->bind(":model", f.model);
        if (!f.project.empty()) slot->bind(":project", f.project);
        if (!f.machine.empty()) slot->bind(":machine", f.machine);
        if (!f.user.empty()) slot->bind(":user", f.user);
        if (!f.repository.empty()) slot->bind(":repository", f.repository);
    }
    if (from) slot->bind(":from", *from);
    if (to) slot->bind(":to", *to);
    return *slot;
}

void SqliteUsageReader::events(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) {
    Prepared& p = statement(0, from, to);
    sqlite3_stmt* raw = p.st;
    UsageRow r;
    r.events = 1;
    while (p.step()) {
        r.input = int64(raw, 2);
        r.output = int64(raw, 3);
        r.reasoning = int64(raw, 4);
        r.cache_read = int64(raw, 5);
        r.cache_write_5m = int64(raw, 6);
        r.cache_write_1h = int64(raw, 7);
        // A NULL cost reads as 0.
        set_event_cost(r, static_cast<CostOrigin>(sqlite3_column_int(raw, 8)), int64(raw, 9));
        r.first_ms = r.last_ms = int64(raw, 10);
        r.key = bucketed_ ? keys_(int64(raw, 0)) : text(raw, 0);
        read_descriptive(raw, 11, r);
        sink(r);
    }
}

bool SqliteUsageReader::rollup(RollupLevel level, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                               const RowSink& sink) {
    Prepared& p = statement(level == RollupLevel::day ? 2 : 1, from, to);
    sqlite3_stmt* raw = p.st;
    UsageRow r;
    const auto sums = rollup_sums(r);
    while (p.step()) {
        for (int i = 0; i < 13; ++i) {
            if (sqlite3_column_type(raw, i + 1) != SQLITE_INTEGER) return false;  // a sum past 64 bits
            *sums[static_cast<std::size_t>(i)] = int64(raw, i + 1);
        }
        r.key = bucketed_ ? keys_(int64(raw, 0)) : text(raw, 0);
        read_descriptive(raw, 14, r);
        sink(r);
    }
    return true;
}

void SqliteUsageReader::failures(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                                 const RowSink& sink) {
    Prepared& p = statement(3, from, to);
    sqlite3_stmt* raw = p.st;
    UsageRow r;
    r.events = 0;
    r.failed = 1;
    while (p.step()) {
        r.first_ms = r.last_ms = int64(raw, 1);
        r.key = bucketed_ ? keys_(r.first_ms) : text(raw, 0);
        read_descriptive(raw, 2, r);
        sink(r);
    }
}

std::optional<std::pair<std::int64_t, std::int64_t>> SqliteUsageReader::rollup_hours() {
    // Two B-tree edge lookups (hour_ms leads the primary key); min and max in
    // one SELECT would scan the table.
    SQLite::Statement st(db_,
                         "SELECT (SELECT min(hour_ms) FROM usage_rollup), (SELECT max(hour_ms) FROM usage_rollup)");
    if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
    return std::make_pair(st.getColumn(0).getInt64(), st.getColumn(1).getInt64());
}

}  // namespace usage::detail
