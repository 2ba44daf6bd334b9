#include "store/sqlite/rollup_schema.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>

namespace usage::detail {
namespace {

// The SQL of migration 4 is assembled from the pieces below once. It is
// schema history: changing a piece changes what old binaries' migration did,
// so fix mistakes with a new migration, never here.

// The UTC hour start of `p.ts_ms` (floored, so negative times work too).
std::string hour(const std::string& p) {
    return "(" + p + "ts_ms - ((" + p + "ts_ms % 3600000) + 3600000) % 3600000)";
}

// The key columns after the hour, as events and usage_rollup both name them:
// migrations 4 and 5 built the rollups on kKeys4, migration 7 rebuilt them on
// kKeys7 (the repository joined the key).
using Keys = std::span<const char* const>;
constexpr const char* kKeys4[] = {"source", "session_id", "model", "project_name", "surface", "machine", "user"};
constexpr const char* kKeys7[] = {"source",  "session_id", "model", "project_name",
                                  "surface", "machine",    "user",  "repository"};
// Since migration 8 a failed call (UsageEvent::failure) is a row of events
// that no rollup counts: the triggers and fills built with `failures` skip it.
// Its `failure` never changes, so a row's NEW value is its OLD one.
std::string not_failed(bool failures, const std::string& p) {
    return failures ? " AND " + p + "failure = ''" : "";
}

// Token classes, summed one to one.
constexpr const char* kTokenColumns[] = {"input",      "output",         "reasoning",
                                         "cache_read", "cache_write_5m", "cache_write_1h"};

// Cost over priced events, cost reported by the tool, cost estimated (and
// overridden): Totals' three cost sums, by cost_origin (0 unpriced, 2 reported).
std::string priced(const std::string& p) {
    return "(CASE WHEN " + p + "cost_origin <> 0 THEN coalesce(" + p + "cost_micros, 0) ELSE 0 END)";
}
std::string reported(const std::string& p) {
    return "(CASE WHEN " + p + "cost_origin = 2 THEN coalesce(" + p + "cost_micros, 0) ELSE 0 END)";
}
std::string estimated(const std::string& p) {
    return "(CASE WHEN " + p + "cost_origin NOT IN (0, 2) THEN coalesce(" + p + "cost_micros, 0) ELSE 0 END)";
}
std::string unpriced(const std::string& p) {
    return "(" + p + "cost_origin = 0)";
}

// `hour_ms = ... AND source = OLD.source AND ...`: the rollup row of event `p`.
std::string row_of(Keys keys, const std::string& p) {
    std::string s = "hour_ms = " + hour(p);
    for (const char* c : keys) s += std::string(" AND ") + c + " = " + p + c;
    return s;
}

// The events counted in the rollup row of event `p` (for a subquery on events).
std::string events_of(Keys keys, const std::string& p, bool failures) {
    std::string s =
        "ts_ms >= " + hour(p) + " AND ts_ms < " + hour(p) + " + 3600000 AND superseded = 0" + not_failed(failures, "");
    for (const char* c : keys) s += std::string(" AND ") + c + " = " + p + c;
    return s;
}

// OLD and NEW count in the same row at the same time: a delta is enough.
std::string same_row_and_time(Keys keys) {
    std::string s = "OLD.superseded = 0 AND NEW.superseded = 0 AND OLD.ts_ms = NEW.ts_ms";
    for (const char* c : keys) s += std::string(" AND OLD.") + c + " = NEW." + c;
    return s;
}

// The rollup row of one event `p` (as a VALUES list or SELECT list).
std::string one_event(Keys keys, const std::string& p) {
    std::string s = hour(p);
    for (const char* c : keys) s += std::string(", ") + p + c;
    s += ", 1";
    for (const char* c : kTokenColumns) s += std::string(", ") + p + c;
    s += ", " + priced(p) + ", " + reported(p) + ", " + estimated(p) + ", " + unpriced(p);
    s += ", " + p + "ts_ms, " + p + "ts_ms";
    return s;
}

// Add one event to its row (an UPSERT: `excluded` is the event's row).
std::string add_event(Keys keys, const std::string& p, const std::string& select_guard) {
    std::string s = "INSERT INTO usage_rollup SELECT " + one_event(keys, p) + select_guard;
    s += "\n  ON CONFLICT DO UPDATE SET events = events + 1";
    for (const char* c : kTokenColumns) s += std::string(", ") + c + " = " + c + " + excluded." + c;
    for (const char* c : {"cost_micros", "reported_micros", "estimated_micros", "unpriced_events"})
        s += std::string(", ") + c + " = " + c + " + excluded." + c;
    s += ", first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms);\n";
    return s;
}

// `col = col - OLD... + NEW...` for every sum (`with_new` false: only subtract).
std::string sums_moved(bool with_new) {
    std::string s;
    auto term = [&](const std::string& col, const std::string& old_v, const std::string& new_v) {
        if (!s.empty()) s += ", ";
        s += col + " = " + col + " - " + old_v + (with_new ? " + " + new_v : "");
    };
    for (const char* c : kTokenColumns) term(c, std::string("OLD.") + c, std::string("NEW.") + c);
    term("cost_micros", priced("OLD."), priced("NEW."));
    term("reported_micros", reported("OLD."), reported("NEW."));
    term("estimated_micros", estimated("OLD."), estimated("NEW."));
    term("unpriced_events", unpriced("OLD."), unpriced("NEW."));
    return s;
}

// The sums have no declared type (no affinity): a sum that left 64 bits
// becomes a REAL and must stay one (INTEGER affinity would turn an integral
// REAL back into a wrong integer), so the query path sees it.
constexpr const char* kTable4 = R"sql(
-- 4: the usage rollup (see store/sqlite/rollup_schema.hpp): per UTC hour and
-- session/model/project/surface/machine/user, the sums of the counted events.
CREATE TABLE usage_rollup (
  hour_ms INTEGER NOT NULL,  -- UTC hour start
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  project_name TEXT NOT NULL,
  surface TEXT NOT NULL,
  machine INTEGER NOT NULL,
  user TEXT NOT NULL,
  events INTEGER NOT NULL,
  input NOT NULL, output NOT NULL, reasoning NOT NULL, cache_read NOT NULL,
  cache_write_5m NOT NULL, cache_write_1h NOT NULL,
  cost_micros NOT NULL,       -- over priced events (cost_origin <> 0)
  reported_micros NOT NULL,   -- cost_origin = reported
  estimated_micros NOT NULL,  -- estimated and override
  unpriced_events NOT NULL,
  first_ms INTEGER NOT NULL,  -- earliest and latest event time in the row
  last_ms INTEGER NOT NULL,
  PRIMARY KEY (hour_ms, source, session_id, model, project_name, surface, machine, user)
) WITHOUT ROWID;
)sql";

// The hourly rollup from the events (into an empty table).
std::string fill_hours(Keys keys, bool failures) {
    std::string sql = "INSERT INTO usage_rollup SELECT " + hour("");
    for (const char* c : keys) sql += std::string(", ") + c;
    sql += ", count(*)";
    for (const char* c : kTokenColumns) sql += std::string(", usage_isum(") + c + ")";
    sql += ", usage_isum(" + priced("") + "), usage_isum(" + reported("") + "), usage_isum(" + estimated("") +
           "), sum(" + unpriced("") + "), min(ts_ms), max(ts_ms) FROM events WHERE superseded = 0" +
           not_failed(failures, "") + " GROUP BY 1";
    for (std::size_t i = 2; i <= keys.size() + 1; ++i) sql += ", " + std::to_string(i);
    sql += ";\n";
    return sql;
}

// The hourly rollup's triggers on events (on `keys`). `pausable` triggers run
// only while rollup_pause is empty (rollup_schema.hpp); with `failures` they
// leave failed calls out.
std::string event_triggers(Keys keys, bool pausable, bool failures) {
    const std::string live = pausable ? "NOT EXISTS (SELECT 1 FROM rollup_pause) AND " : "";
    const std::string counted = not_failed(failures, "NEW.");
    std::string sql = "CREATE TRIGGER usage_rollup_insert AFTER INSERT ON events WHEN " + live + "NEW.superseded = 0" +
                      counted + " BEGIN\n  " + add_event(keys, "NEW.", " WHERE true") + "END;\n";
    std::string watched = "ts_ms, superseded, cost_micros, cost_origin";
    for (const char* c : keys) watched += std::string(", ") + c;
    for (const char* c : kTokenColumns) watched += std::string(", ") + c;
    // A grown copy or a re-priced event that stays in its row and keeps its
    // time: add the difference (first and last time are unchanged).
    sql += "CREATE TRIGGER usage_rollup_change AFTER UPDATE OF " + watched + " ON events WHEN " + live +
           same_row_and_time(keys) + counted + " BEGIN\n  UPDATE usage_rollup SET " + sums_moved(true) + " WHERE " +
           row_of(keys, "OLD.") + ";\nEND;\n";
    // Otherwise the event leaves its row (superseded, an earlier time, a
    // filled-in model or session) and/or joins one. A row's first and last
    // time cannot be decremented: when the leaving event held one of them,
    // they are read again from the row's events (one hour of the events_ts index).
    sql += "CREATE TRIGGER usage_rollup_move AFTER UPDATE OF " + watched + " ON events WHEN " + live +
           "(OLD.superseded = 0 OR NEW.superseded = 0) AND NOT (" + same_row_and_time(keys) + ")" + counted +
           " BEGIN\n";
    sql += "  UPDATE usage_rollup SET events = events - 1, " + sums_moved(false) + " WHERE OLD.superseded = 0 AND " +
           row_of(keys, "OLD.") + ";\n";
    sql += "  DELETE FROM usage_rollup WHERE OLD.superseded = 0 AND " + row_of(keys, "OLD.") + " AND events = 0;\n";
    sql += "  UPDATE usage_rollup SET first_ms = (SELECT min(ts_ms) FROM events WHERE " +
           events_of(keys, "OLD.", failures) + "), last_ms = (SELECT max(ts_ms) FROM events WHERE " +
           events_of(keys, "OLD.", failures) + ") WHERE OLD.superseded = 0 AND " + row_of(keys, "OLD.") +
           " AND (first_ms = OLD.ts_ms OR last_ms = OLD.ts_ms);\n";
    sql += "  " + add_event(keys, "NEW.", " WHERE NEW.superseded = 0") + "END;\n";
    return sql;
}

// The hourly rollup's table (`table`, created on `keys`), its triggers on
// events and its fill from the events (migrations 4 and 7).
std::string build_migration(Keys keys, const char* table, bool pausable) {
    return table + event_triggers(keys, pausable, false) + fill_hours(keys, false);
}

// Migration 5: usage_rollup_day, the same sums per UTC day, kept from the
// hourly rows by triggers on usage_rollup (a day holds at most 24 of a key's
// hours, so a first or last time that must be read again is 24 lookups).

// The UTC day start of hour row `p`.
std::string day(const std::string& p) {
    return "(" + p + "hour_ms - ((" + p + "hour_ms % 86400000) + 86400000) % 86400000)";
}

constexpr const char* kSumColumns[] = {
    "events",         "input",       "output",          "reasoning",        "cache_read",     "cache_write_5m",
    "cache_write_1h", "cost_micros", "reported_micros", "estimated_micros", "unpriced_events"};

// `day_ms = ... AND source = p.source AND ...`: the day row of hour row `p`.
std::string day_row_of(Keys keys, const std::string& p) {
    std::string s = "day_ms = " + day(p);
    for (const char* c : keys) s += std::string(" AND ") + c + " = " + p + c;
    return s;
}

// The hour rows of the day row of hour row `p` (24 primary-key lookups).
std::string hours_of(Keys keys, const std::string& p) {
    std::string s = "hour_ms IN (";
    for (int h = 0; h < 24; ++h) s += (h ? ", " : "") + day(p) + " + " + std::to_string(h * 3600000);
    s += ")";
    for (const char* c : keys) s += std::string(" AND ") + c + " = " + p + c;
    return s;
}

constexpr const char* kDayTable5 = R"sql(
-- 5: the daily usage rollup (rollup_schema.hpp): usage_rollup's rows summed
-- per UTC day, so a report over months reads about a third of the rows.
CREATE TABLE usage_rollup_day (
  day_ms INTEGER NOT NULL,  -- UTC day start
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  project_name TEXT NOT NULL,
  surface TEXT NOT NULL,
  machine INTEGER NOT NULL,
  user TEXT NOT NULL,
  events INTEGER NOT NULL,
  input NOT NULL, output NOT NULL, reasoning NOT NULL, cache_read NOT NULL,
  cache_write_5m NOT NULL, cache_write_1h NOT NULL,
  cost_micros NOT NULL, reported_micros NOT NULL, estimated_micros NOT NULL,
  unpriced_events NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  PRIMARY KEY (day_ms, source, session_id, model, project_name, surface, machine, user)
) WITHOUT ROWID;
)sql";

// The daily rollup from the hours (into an empty table).
std::string fill_days(Keys keys) {
    std::string sql = "INSERT INTO usage_rollup_day SELECT " + day("");
    for (const char* c : keys) sql += std::string(", ") + c;
    sql += ", sum(events)";
    for (int k = 1; k < 11; ++k) sql += std::string(", usage_isum(") + kSumColumns[k] + ")";
    sql += ", min(first_ms), max(last_ms) FROM usage_rollup GROUP BY 1";
    for (std::size_t i = 2; i <= keys.size() + 1; ++i) sql += ", " + std::to_string(i);
    sql += ";\n";
    return sql;
}

// The daily rollup's table (`table`, created on `keys`), its triggers on
// usage_rollup and its fill from the hours.
std::string build_day_migration(Keys keys, const char* table, bool pausable) {
    const std::string live = pausable ? "WHEN NOT EXISTS (SELECT 1 FROM rollup_pause) " : "";
    std::string sql = table;
    // An hour row appears: add it to its day.
    sql += "CREATE TRIGGER usage_rollup_day_insert AFTER INSERT ON usage_rollup " + live +
           "BEGIN\n  INSERT INTO usage_rollup_day "
           "SELECT " +
           day("NEW.");
    for (const char* c : keys) sql += std::string(", NEW.") + c;
    for (const char* c : kSumColumns) sql += std::string(", NEW.") + c;
    sql += ", NEW.first_ms, NEW.last_ms WHERE true\n  ON CONFLICT DO UPDATE SET ";
    bool first = true;
    for (const char* c : kSumColumns) {
        sql += std::string(first ? "" : ", ") + c + " = " + c + " + excluded." + c;
        first = false;
    }
    sql += ", first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms);\nEND;\n";
    // An hour row changes (its key never does): move the difference; a first
    // time that grew or a last time that shrank is read again from the hours.
    sql += "CREATE TRIGGER usage_rollup_day_change AFTER UPDATE ON usage_rollup " + live +
           "BEGIN\n  UPDATE usage_rollup_day SET ";
    first = true;
    for (const char* c : kSumColumns) {
        sql += std::string(first ? "" : ", ") + c + " = " + c + " - OLD." + c + " + NEW." + c;
        first = false;
    }
    sql +=
        ",\n    first_ms = CASE WHEN NEW.first_ms <= first_ms THEN NEW.first_ms WHEN OLD.first_ms = first_ms AND "
        "NEW.first_ms > OLD.first_ms THEN (SELECT min(first_ms) FROM usage_rollup WHERE " +
        hours_of(keys, "NEW.") + ") ELSE first_ms END";
    sql +=
        ",\n    last_ms = CASE WHEN NEW.last_ms >= last_ms THEN NEW.last_ms WHEN OLD.last_ms = last_ms AND "
        "NEW.last_ms < OLD.last_ms THEN (SELECT max(last_ms) FROM usage_rollup WHERE " +
        hours_of(keys, "NEW.") + ") ELSE last_ms END";
    sql += "\n  WHERE " + day_row_of(keys, "NEW.") + ";\nEND;\n";
    // An hour row goes (its events left, its sums already moved): the day row
    // goes with its last hour, else its first and last time are read again.
    sql += "CREATE TRIGGER usage_rollup_day_delete AFTER DELETE ON usage_rollup " + live + "BEGIN\n";
    sql += "  DELETE FROM usage_rollup_day WHERE " + day_row_of(keys, "OLD.") +
           " AND NOT EXISTS (SELECT 1 FROM usage_rollup WHERE " + hours_of(keys, "OLD.") + ");\n";
    sql += "  UPDATE usage_rollup_day SET first_ms = (SELECT min(first_ms) FROM usage_rollup WHERE " +
           hours_of(keys, "OLD.") + "), last_ms = (SELECT max(last_ms) FROM usage_rollup WHERE " +
           hours_of(keys, "OLD.") + ") WHERE " + day_row_of(keys, "OLD.") +
           " AND (first_ms = OLD.first_ms OR last_ms = OLD.last_ms);\n";
    // Its sums, when a deleted hour row still held some (not through the
    // triggers on events, which empty a row before they delete it).
    sql += "  UPDATE usage_rollup_day SET ";
    first = true;
    for (const char* c : kSumColumns) {
        sql += std::string(first ? "" : ", ") + c + " = " + c + " - OLD." + c;
        first = false;
    }
    sql += " WHERE " + day_row_of(keys, "OLD.") + " AND OLD.events <> 0;\nEND;\n";
    // Fill from the hours already there.
    return sql + fill_days(keys);
}

// Migration 7: both rollups rebuilt with the repository in their key, so a
// report grouped or filtered by repository reads them too. Their triggers go
// with them; the fills read the events again. The new triggers are pausable:
// a writer filling an empty store rebuilds the rollups once at its commit
// (rollup_rebuild_sql) instead of running them for every event, which
// halved a first scan's time.
constexpr const char* kTable7 = R"sql(
CREATE TABLE usage_rollup (
  hour_ms INTEGER NOT NULL,  -- UTC hour start
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  project_name TEXT NOT NULL,
  surface TEXT NOT NULL,
  machine INTEGER NOT NULL,
  user TEXT NOT NULL,
  repository TEXT NOT NULL,
  events INTEGER NOT NULL,
  input NOT NULL, output NOT NULL, reasoning NOT NULL, cache_read NOT NULL,
  cache_write_5m NOT NULL, cache_write_1h NOT NULL,
  cost_micros NOT NULL,       -- over priced events (cost_origin <> 0)
  reported_micros NOT NULL,   -- cost_origin = reported
  estimated_micros NOT NULL,  -- estimated and override
  unpriced_events NOT NULL,
  first_ms INTEGER NOT NULL,  -- earliest and latest event time in the row
  last_ms INTEGER NOT NULL,
  PRIMARY KEY (hour_ms, source, session_id, model, project_name, surface, machine, user, repository)
) WITHOUT ROWID;
)sql";

constexpr const char* kDayTable7 = R"sql(
CREATE TABLE usage_rollup_day (
  day_ms INTEGER NOT NULL,  -- UTC day start
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  project_name TEXT NOT NULL,
  surface TEXT NOT NULL,
  machine INTEGER NOT NULL,
  user TEXT NOT NULL,
  repository TEXT NOT NULL,
  events INTEGER NOT NULL,
  input NOT NULL, output NOT NULL, reasoning NOT NULL, cache_read NOT NULL,
  cache_write_5m NOT NULL, cache_write_1h NOT NULL,
  cost_micros NOT NULL, reported_micros NOT NULL, estimated_micros NOT NULL,
  unpriced_events NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  PRIMARY KEY (day_ms, source, session_id, model, project_name, surface, machine, user, repository)
) WITHOUT ROWID;
)sql";

std::string build_repository_migration() {
    std::string sql = R"sql(
-- 7: the rollups keyed by repository too (rollup_schema.hpp).
DROP TRIGGER usage_rollup_insert;
DROP TRIGGER usage_rollup_change;
DROP TRIGGER usage_rollup_move;
DROP TABLE usage_rollup_day;
DROP TABLE usage_rollup;
-- A row here pauses the rollup triggers for the transaction that wrote it
-- (rollup_schema.hpp); no other transaction ever sees one.
CREATE TABLE rollup_pause (writer INTEGER PRIMARY KEY);
)sql";
    sql += build_migration(kKeys7, kTable7, true);
    sql += build_day_migration(kKeys7, kDayTable7, true);
    return sql;
}

// usage_isum: an exact int64 sum; once it leaves 64 bits (or meets a
// non-integer) it goes on as a double and returns a REAL.
struct IntSum {
    std::int64_t sum;
    double real;
    bool is_real;
};

void isum_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* acc = static_cast<IntSum*>(sqlite3_aggregate_context(ctx, sizeof(IntSum)));
    if (!acc) return sqlite3_result_error_nomem(ctx);
    const int type = sqlite3_value_type(argv[0]);
    if (type == SQLITE_NULL) return;
    std::int64_t sum = 0;
    if (!acc->is_real && type == SQLITE_INTEGER &&
        !__builtin_add_overflow(acc->sum, sqlite3_value_int64(argv[0]), &sum)) {
        acc->sum = sum;
        return;
    }
    if (!acc->is_real) acc->real = static_cast<double>(acc->sum);
    acc->is_real = true;
    acc->real += sqlite3_value_double(argv[0]);
}

void isum_final(sqlite3_context* ctx) {
    auto* acc = static_cast<IntSum*>(sqlite3_aggregate_context(ctx, 0));
    if (!acc) return sqlite3_result_int64(ctx, 0);
    if (acc->is_real) return sqlite3_result_double(ctx, acc->real);
    sqlite3_result_int64(ctx, acc->sum);
}

}  // namespace

std::string_view rollup_migration_sql() {
    static const std::string sql = build_migration(kKeys4, kTable4, false);
    return sql;
}

std::string_view rollup_day_migration_sql() {
    static const std::string sql = build_day_migration(kKeys4, kDayTable5, false);
    return sql;
}

std::string_view rollup_repository_migration_sql() {
    static const std::string sql = build_repository_migration();
    return sql;
}

std::string_view rollup_failure_migration_sql() {
    static const std::string sql = R"sql(
-- 8: failed calls (UsageEvent::failure) are rows of events that only
-- failure counts read (through their own index); the rollup triggers are
-- made again to leave them out. No failed call is stored before this.
ALTER TABLE events ADD COLUMN failure TEXT NOT NULL DEFAULT '';
CREATE INDEX events_failed ON events (ts_ms) WHERE failure <> '';
DROP TRIGGER usage_rollup_insert;
DROP TRIGGER usage_rollup_change;
DROP TRIGGER usage_rollup_move;
)sql" + event_triggers(kKeys7, true, true);
    return sql;
}

std::string_view rollup_rebuild_sql() {
    // Run while the triggers are set aside: none on usage_rollup moves a day
    // row meanwhile.
    static const std::string sql =
        "DELETE FROM usage_rollup_day;\nDELETE FROM usage_rollup;\n" + fill_hours(kKeys7, true) + fill_days(kKeys7);
    return sql;
}

void register_rollup_functions(sqlite3* db) {
    sqlite3_create_function_v2(db, "usage_isum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr, isum_step,
                               isum_final, nullptr);
}

}  // namespace usage::detail
