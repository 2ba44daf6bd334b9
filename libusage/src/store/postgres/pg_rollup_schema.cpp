#include "store/postgres/pg_rollup_schema.hpp"

#include <span>
#include <string>

namespace usage::pg {
namespace {

using Keys = std::span<const char* const>;
constexpr const char* kKeys5[] = {"source",  "session_id", "model",     "project_name",
                                  "surface", "machine",    "user_name", "repository"};

// The sums a rollup row holds, in column order after `events`.
constexpr const char* kSums[] = {
    "input",          "output",      "reasoning",       "cache_read",       "cache_write_5m",
    "cache_write_1h", "cost_micros", "reported_micros", "estimated_micros", "unpriced_events"};

// The hour (or day) start of a time column, floored so negative times work.
std::string floor_to(const std::string& col, const char* unit) {
    return col + " - ((" + col + " % " + unit + ") + " + unit + ") % " + unit;
}

// "p.k1, p.k2, ..."
std::string list(Keys keys, const std::string& p) {
    std::string s;
    for (const char* k : keys) s += (s.empty() ? "" : ", ") + p + k;
    return s;
}

// "a.k1 = b.k1 AND ..."
std::string equal(Keys keys, const std::string& a, const std::string& b) {
    std::string s;
    for (const char* k : keys) s += (s.empty() ? "" : " AND ") + a + "." + k + " = " + b + "." + k;
    return s;
}

// "1, 2, ..., n": the time and every key.
std::string positions(Keys keys) {
    std::string s = "1";
    for (std::size_t i = 2; i <= keys.size() + 1; ++i) s += ", " + std::to_string(i);
    return s;
}

// What an upsert of a delta row does to the row already there.
std::string merge(Keys keys, const char* time) {
    std::string s = "  ON CONFLICT (" + std::string(time) + ", " + list(keys, "") + ") DO UPDATE SET\n";
    s += "    events = r.events + excluded.events";
    for (const char* c : kSums) s += std::string(",\n    ") + c + " = r." + c + " + excluded." + c;
    s += ",\n    first_ms = least(r.first_ms, excluded.first_ms), last_ms = greatest(r.last_ms, excluded.last_ms);\n";
    return s;
}

// The cost sums of the events, by cost_origin (0 unpriced, 2 reported).
constexpr const char* kPriced = "CASE WHEN cost_origin <> 0 THEN coalesce(cost_micros, 0) ELSE 0 END";
constexpr const char* kReported = "CASE WHEN cost_origin = 2 THEN coalesce(cost_micros, 0) ELSE 0 END";
constexpr const char* kEstimated = "CASE WHEN cost_origin NOT IN (0, 2) THEN coalesce(cost_micros, 0) ELSE 0 END";

std::string table(Keys keys, const char* name, const char* time) {
    std::string s = "CREATE TABLE " + std::string(name) + " (\n  " + time + " bigint NOT NULL,\n";
    for (const char* k : keys)
        s += std::string("  ") + k + (std::string(k) == "machine" ? " bigint" : " text") + " NOT NULL,\n";
    s += R"sql(  events bigint NOT NULL,
  input numeric NOT NULL, output numeric NOT NULL, reasoning numeric NOT NULL, cache_read numeric NOT NULL,
  cache_write_5m numeric NOT NULL, cache_write_1h numeric NOT NULL,
  cost_micros numeric NOT NULL,
  reported_micros numeric NOT NULL,
  estimated_micros numeric NOT NULL,
  unpriced_events bigint NOT NULL,
  first_ms bigint NOT NULL,
  last_ms bigint NOT NULL,
)sql";
    s += "  PRIMARY KEY (" + std::string(time) + ", " + list(keys, "") + ")\n);\n";
    return s;
}

// The events a rollup counts: not superseded and, since migration 6
// (`failures`), not failed calls (UsageEvent::failure, which never changes).
std::string counted(bool failures, const std::string& p = "") {
    return "NOT " + p + "superseded" + (failures ? " AND " + p + "failure = ''" : "");
}

// The sums of a set of events, as the insert trigger and the fill add them up.
std::string event_sums() {
    return std::string(
               "count(*), sum(input), sum(output), sum(reasoning), sum(cache_read), "
               "sum(cache_write_5m), sum(cache_write_1h), sum(") +
           kPriced + "), sum(" + kReported + "), sum(" + kEstimated +
           "),\n    count(*) FILTER (WHERE cost_origin = 0), min(ts_ms), max(ts_ms)\n";
}

// The functions the hourly rollup's statement triggers on events run,
// created by `create` ("CREATE FUNCTION" or "CREATE OR REPLACE FUNCTION").
std::string hourly_functions(Keys keys, const std::string& create, bool failures) {
    const std::string hour = floor_to("ts_ms", "3600000");
    const std::string distinct_old =
        "SELECT DISTINCT " + hour + " AS hour_ms, " + list(keys, "") + " FROM old_rows WHERE " + counted(failures);
    // Rows in key order, so two writers lock shared rollup rows in one order.
    std::string s = create + " usage_rollup_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n";
    s += "  INSERT INTO usage_rollup AS r\n  SELECT " + hour + ", " + list(keys, "") + ",\n    " + event_sums() +
         "  FROM new_rows WHERE " + counted(failures) + "\n  GROUP BY " + positions(keys) + " ORDER BY " +
         positions(keys) + "\n" + merge(keys, "hour_ms");
    s += "  RETURN NULL;\nEND $fn$;\n";
    // An update moves each changed event out of its old row and into its new
    // one; rows events left are emptied (deleted) or their first and last
    // time read again from their events, after the delta locked them.
    s += create + " usage_rollup_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n";
    s += "  INSERT INTO usage_rollup AS r\n  SELECT " + hour + ", " + list(keys, "") +
         ",\n    sum(sign), sum(sign * input), sum(sign * output), sum(sign * reasoning), sum(sign * cache_read), "
         "sum(sign * cache_write_5m), sum(sign * cache_write_1h), sum(sign * " +
         kPriced + "), sum(sign * " + kReported + "), sum(sign * " + kEstimated +
         "),\n    coalesce(sum(sign) FILTER (WHERE cost_origin = 0), 0),\n"
         "    coalesce(min(ts_ms) FILTER (WHERE sign > 0), min(ts_ms)), coalesce(max(ts_ms) FILTER (WHERE sign > 0), "
         "max(ts_ms))\n"
         "  FROM (SELECT 1 AS sign, * FROM new_rows WHERE " +
         counted(failures) + "\n        UNION ALL SELECT -1 AS sign, * FROM old_rows WHERE " + counted(failures) +
         ") d\n  GROUP BY " + positions(keys) + " ORDER BY " + positions(keys) + "\n" + merge(keys, "hour_ms");
    s += "  DELETE FROM usage_rollup r USING (" + distinct_old + ") t\n  WHERE r.hour_ms = t.hour_ms AND " +
         equal(keys, "r", "t") + " AND r.events = 0;\n";
    s += "  UPDATE usage_rollup r SET first_ms = x.first_ms, last_ms = x.last_ms\n  FROM (SELECT t.hour_ms, " +
         list(keys, "t.") + ", min(e.ts_ms) AS first_ms, max(e.ts_ms) AS last_ms\n        FROM (" + distinct_old +
         ") t\n        JOIN events e ON e.ts_ms >= t.hour_ms AND e.ts_ms < t.hour_ms + 3600000 AND " +
         counted(failures, "e.") + " AND " + equal(keys, "e", "t") + "\n        GROUP BY t.hour_ms, " +
         list(keys, "t.") + ") x\n  WHERE r.hour_ms = x.hour_ms AND " + equal(keys, "r", "x") + ";\n";
    s += "  RETURN NULL;\nEND $fn$;\n";
    return s;
}

// The hourly rollup's fill from the events (into an empty table).
std::string hourly_fill(Keys keys, bool failures) {
    const std::string hour = floor_to("ts_ms", "3600000");
    return "INSERT INTO usage_rollup\n  SELECT " + hour + ", " + list(keys, "") + ",\n    " + event_sums() +
           "  FROM events WHERE " + counted(failures) + "\n  GROUP BY " + positions(keys) + " ORDER BY " +
           positions(keys) + ";\n";
}

// The hourly rollup: the table, the functions its statement triggers on
// events run, the triggers, the fill.
std::string hourly(Keys keys) {
    std::string s = table(keys, "usage_rollup", "hour_ms");
    s += hourly_functions(keys, "CREATE FUNCTION", false);
    s += R"sql(CREATE TRIGGER usage_rollup_insert AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_inserted();
CREATE TRIGGER usage_rollup_update AFTER UPDATE ON events
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_updated();
)sql";
    return s + hourly_fill(keys, false);
}

// The daily rollup, kept from the hourly rows by statement triggers on
// usage_rollup. A day row whose first or last time may have left (an hour's
// first time grew, its last shrank, or the hour went) is read again from its
// (at most 24) hours.
std::string daily(Keys keys) {
    const std::string day = floor_to("hour_ms", "86400000");
    const std::string sums =
        "sum(events), sum(input), sum(output), sum(reasoning), sum(cache_read), sum(cache_write_5m), "
        "sum(cache_write_1h), sum(cost_micros), sum(reported_micros), sum(estimated_micros), sum(unpriced_events)";
    const std::string hours_of_t =
        "JOIN usage_rollup h ON h.hour_ms >= t.day_ms AND h.hour_ms < t.day_ms + 86400000 AND " + equal(keys, "h", "t");
    // Reads day rows `t` again from their hours.
    auto reread = [&](const std::string& rows) {
        return "  UPDATE usage_rollup_day r SET first_ms = x.first_ms, last_ms = x.last_ms\n  FROM (SELECT t.day_ms, " +
               list(keys, "t.") + ", min(h.first_ms) AS first_ms, max(h.last_ms) AS last_ms\n        FROM (" + rows +
               ") t\n        " + hours_of_t + "\n        GROUP BY t.day_ms, " + list(keys, "t.") +
               ") x\n  WHERE r.day_ms = x.day_ms AND " + equal(keys, "r", "x") + ";\n";
    };
    std::string s = table(keys, "usage_rollup_day", "day_ms");
    s += "CREATE FUNCTION usage_rollup_day_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n";
    s += "  INSERT INTO usage_rollup_day AS r\n  SELECT " + day + ", " + list(keys, "") + ",\n    " + sums +
         ", min(first_ms), max(last_ms)\n  FROM new_rows\n  GROUP BY " + positions(keys) + " ORDER BY " +
         positions(keys) + "\n" + merge(keys, "day_ms");
    s += "  RETURN NULL;\nEND $fn$;\n";
    s += "CREATE FUNCTION usage_rollup_day_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n";
    s += "  INSERT INTO usage_rollup_day AS r\n  SELECT " + day + ", " + list(keys, "") +
         ",\n    sum(sign * events), sum(sign * input), sum(sign * output), sum(sign * reasoning), sum(sign * "
         "cache_read), sum(sign * cache_write_5m), sum(sign * cache_write_1h), sum(sign * cost_micros), sum(sign * "
         "reported_micros), sum(sign * estimated_micros), sum(sign * unpriced_events),\n"
         "    coalesce(min(first_ms) FILTER (WHERE sign > 0), min(first_ms)), coalesce(max(last_ms) FILTER (WHERE sign "
         "> 0), max(last_ms))\n"
         "  FROM (SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows) d\n  GROUP BY " +
         positions(keys) + " ORDER BY " + positions(keys) + "\n" + merge(keys, "day_ms");
    s += reread("SELECT DISTINCT " + floor_to("o.hour_ms", "86400000") + " AS day_ms, " + list(keys, "o.") +
                "\n              FROM old_rows o JOIN new_rows n ON n.hour_ms = o.hour_ms AND " +
                equal(keys, "n", "o") + "\n              WHERE n.first_ms > o.first_ms OR n.last_ms < o.last_ms");
    s += "  RETURN NULL;\nEND $fn$;\n";
    const std::string old_days = "SELECT DISTINCT " + day + " AS day_ms, " + list(keys, "") + " FROM old_rows";
    s += "CREATE FUNCTION usage_rollup_day_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n";
    s += "  INSERT INTO usage_rollup_day AS r\n  SELECT " + day + ", " + list(keys, "") +
         ",\n    -sum(events), sum(-input), sum(-output), sum(-reasoning), sum(-cache_read), sum(-cache_write_5m), "
         "sum(-cache_write_1h), sum(-cost_micros), sum(-reported_micros), sum(-estimated_micros), "
         "sum(-unpriced_events),\n    min(first_ms), max(last_ms)\n  FROM old_rows\n  GROUP BY " +
         positions(keys) + " ORDER BY " + positions(keys) + "\n" + merge(keys, "day_ms");
    s += "  DELETE FROM usage_rollup_day r USING (" + old_days + ") t\n  WHERE r.day_ms = t.day_ms AND " +
         equal(keys, "r", "t") + "\n    AND NOT EXISTS (SELECT 1 FROM usage_rollup h WHERE h.hour_ms >= t.day_ms AND " +
         "h.hour_ms < t.day_ms + 86400000 AND " + equal(keys, "h", "t") + ");\n";
    s += reread(old_days);
    s += "  RETURN NULL;\nEND $fn$;\n";
    s += R"sql(CREATE TRIGGER usage_rollup_day_insert AFTER INSERT ON usage_rollup
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_day_inserted();
CREATE TRIGGER usage_rollup_day_update AFTER UPDATE ON usage_rollup
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_day_updated();
CREATE TRIGGER usage_rollup_day_delete AFTER DELETE ON usage_rollup
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_day_deleted();
)sql";
    s += "INSERT INTO usage_rollup_day\n  SELECT " + day + ", " + list(keys, "") + ",\n    " + sums +
         ", min(first_ms), max(last_ms)\n  FROM usage_rollup\n  GROUP BY " + positions(keys) + " ORDER BY " +
         positions(keys) + ";\n";
    return s;
}

std::string build() {
    std::string s = R"sql(
-- 5: the rollups keyed by repository too, so a report grouped or filtered by
-- repository reads them (pg_rollup_schema.hpp). Dropped with their triggers
-- and functions, created again, filled from the events.
DROP TRIGGER usage_rollup_insert ON events;
DROP TRIGGER usage_rollup_update ON events;
DROP TABLE usage_rollup_day;
DROP TABLE usage_rollup;
DROP FUNCTION usage_rollup_inserted(), usage_rollup_updated(), usage_rollup_day_inserted(),
  usage_rollup_day_updated(), usage_rollup_day_deleted();
)sql";
    s += hourly(kKeys5);
    s += daily(kKeys5);
    return s;
}

}  // namespace

std::string_view rollup_repository_migration_sql() {
    static const std::string sql = build();
    return sql;
}

std::string_view failure_migration_sql() {
    static const std::string sql = R"sql(
-- 6: failed calls (UsageEvent::failure) are rows of events that only failure
-- counts read (through their own index); the hourly rollup's trigger
-- functions are made again to leave them out. No failed call is stored
-- before this, so the rollups stay as they are.
ALTER TABLE events ADD COLUMN failure text NOT NULL DEFAULT '';
CREATE INDEX events_failed ON events (ts_ms) WHERE failure <> '';
)sql" + hourly_functions(kKeys5, "CREATE OR REPLACE FUNCTION", true);
    return sql;
}

}  // namespace usage::pg
