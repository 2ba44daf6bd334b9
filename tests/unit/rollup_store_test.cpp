// The usage rollups (store/sqlite/rollup_schema.cpp), hourly and daily, stay
// equal to a GROUP BY over the counted events through every write path, and
// migrations 4 and 5 fill them for a store written before they existed (7
// builds them again with the repository in their key).
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <limits>

#include "rollup_fixture.hpp"
#include "sqlite_store_at_version.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/model/token_limits.hpp"
#include "usage/store/store.hpp"

namespace {

// A rollup as it should be (over the counted events: failed calls are not),
// computed here independently of the triggers:
// per `unit` (3600000 for the hourly rollup, 86400000 for the daily one).
std::string expected_sql(const std::string& unit) {
    return "SELECT ts_ms - ((ts_ms % " + unit + ") + " + unit + ") % " + unit + R"sql(, source, session_id, model,
  project_name, surface, machine, user, repository, count(*), sum(input), sum(output), sum(reasoning), sum(cache_read),
  sum(cache_write_5m), sum(cache_write_1h), sum(CASE WHEN cost_origin <> 0 THEN coalesce(cost_micros, 0) ELSE 0 END),
  sum(CASE WHEN cost_origin = 2 THEN coalesce(cost_micros, 0) ELSE 0 END),
  sum(CASE WHEN cost_origin IN (1, 3) THEN coalesce(cost_micros, 0) ELSE 0 END),
  sum(cost_origin = 0), min(ts_ms), max(ts_ms)
FROM events WHERE superseded = 0 AND failure = '' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9)sql";
}

constexpr const char* kActual = "SELECT * FROM usage_rollup ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9";

constexpr const char* kActualDays = "SELECT * FROM usage_rollup_day ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9";

// Every row as one line; a REAL shows as such (a sum that left 64 bits).
std::vector<std::string> lines(SQLite::Database& db, const char* sql) {
    std::vector<std::string> out;
    SQLite::Statement st(db, sql);
    while (st.executeStep()) {
        std::string line;
        for (int i = 0; i < st.getColumnCount(); ++i) {
            const auto c = st.getColumn(i);
            line += (c.isFloat() ? "real:" : "") + c.getString() + "|";
        }
        out.push_back(line);
    }
    return out;
}

void check_lines_match(usage::Store& store, const std::string& expected_sql, const char* actual_sql) {
    const auto expected = lines(usage::detail::sqlite_database(store), expected_sql.c_str());
    const auto actual = lines(usage::detail::sqlite_database(store), actual_sql);
    CHECK(actual.size() == expected.size());
    for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
        if (actual[i] == expected[i]) continue;
        CHECK(actual[i] == expected[i]);  // the first difference, readable
        break;
    }
}

// Both rollups, hourly and daily.
void check_rollup_matches(usage::Store& store) {
    check_lines_match(store, expected_sql("3600000"), kActual);
    check_lines_match(store, expected_sql("86400000"), kActualDays);
}

// Call `i` of source `source` in session "s".
usage::UsageEvent call(const std::string& source, const std::string& model, int i, std::int64_t ts_ms) {
    usage::UsageEvent e;
    e.id = source + ":c" + std::to_string(i) + ":";
    e.dedup_group = e.id;
    e.source = source;
    e.session_id = "s";
    e.model = model;
    e.timestamp_ms = ts_ms;
    return e;
}

std::int64_t scalar(usage::Store& store, const char* sql) {
    return usage::detail::sqlite_database(store).execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("rollup: equals a GROUP BY over the counted events after inserts, merges, supersedes and re-pricing") {
    testing::TempDir dir;
    usage::PriceBook first, second;
    rollup_fixture::first_prices(first);
    rollup_fixture::second_prices(second);
    usage::Store store(dir.path());
    store.use_prices(first);
    rollup_fixture::fill(store, 7, 300);
    // The fixture did reach every path the triggers handle.
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE superseded = 1 AND replay = 1") > 10);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE superseded = 1 AND replay = 0") > 10);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE revision > 1 AND superseded = 0") > 100);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE id LIKE 'cursor:%replay' AND superseded = 1") > 0);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE cost_origin = 0 AND superseded = 0") > 10);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE cost_origin = 2 AND superseded = 0") > 10);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") > 500);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup_day") > 300);
    check_rollup_matches(store);

    const auto cost_before = scalar(store, "SELECT sum(cost_micros) FROM usage_rollup");
    store.use_prices(second);  // Store::reprice_all: every changed cost moves its row's sums
    CHECK(scalar(store, "SELECT sum(cost_micros) FROM usage_rollup") != cost_before);
    check_rollup_matches(store);

    // A second round of writes on the re-priced store.
    rollup_fixture::fill(store, 8, 100);
    check_rollup_matches(store);
}

// The rollup triggers, by name, as the schema holds them.
std::string trigger_names(SQLite::Database& db) {
    return db
        .execAndGet(
            "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'trigger' "
            "ORDER BY name)")
        .getString();
}

TEST_CASE("rollup: a first scan of every write path in one transaction fills both rollups exactly") {
    testing::TempDir dir;
    usage::PriceBook first;
    rollup_fixture::first_prices(first);
    usage::Store store(dir.path());
    store.use_prices(first);
    auto& db = usage::detail::sqlite_database(store);
    const std::string triggers = trigger_names(db);
    CHECK(triggers ==
          "usage_rollup_change usage_rollup_day_change usage_rollup_day_delete usage_rollup_day_insert "
          "usage_rollup_insert usage_rollup_move");
    // The first pass (all of it one empty store's first transaction: merges,
    // replays superseded, failed calls, unpriced, reported and overridden
    // costs) is filled by rollup_fill.cpp; the second pass goes through the
    // triggers it restored.
    rollup_fixture::fill(store, 11, 300, 0);
    CHECK(trigger_names(db) == triggers);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE superseded = 1 AND replay = 1") > 10);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE failure <> ''") > 30);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") > 500);
    check_rollup_matches(store);
}

TEST_CASE("rollup: migration 4 fills it for a store written at schema version 3") {
    testing::TempDir dir;
    {
        SQLite::Database db = testing::sqlite_store_at_version(dir.path(), 3);
        db.exec("INSERT INTO machines (key, id, name, updated_ms) VALUES (1, 'm-1', 'laptop', 0)");
        // Two sessions across an hour boundary, a superseded copy, an unpriced and a
        // reported call, an event before 1970, and three calls whose input sums
        // past 64 bits (only a store written before the token rule holds such numbers).
        db.exec(R"sql(
INSERT INTO events (id, source, session_id, model, project_name, surface, machine, user, ts_ms, input, output,
  cost_micros, cost_origin, superseded) VALUES
 ('a:1', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 1, 'alice', 1741135500000, 10, 5, 100, 1, 0),
 ('a:2', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 1, 'alice', 1741136400000, 20, 5, 200, 1, 0),
 ('a:3', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 1, 'alice', 1741136500000, 30, 5, 300, 2, 0),
 ('a:4', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 1, 'alice', 1741136600000, 40, 5, 400, 1, 1),
 ('b:1', 'codex-cli', 's2', 'mystery', '', '', 0, '', 1741136500000, 7, 1, NULL, 0, 0),
 ('c:1', 'gemini-cli', 's3', 'gemini-2.5-pro', 'web', 'cli', 1, 'bob', -1500, 1, 1, 3, 3, 0),
 ('d:1', 'cursor', 's4', 'x', '', '', 0, '', 1741140000000, 4611686018427387903, 1, 0, 1, 0),
 ('d:2', 'cursor', 's4', 'x', '', '', 0, '', 1741140000001, 4611686018427387903, 1, 0, 1, 0),
 ('d:3', 'cursor', 's4', 'x', '', '', 0, '', 1741140000002, 4611686018427387903, 1, 0, 1, 0);
)sql");
    }
    usage::PriceBook prices;
    usage::Store store(dir.path());
    CHECK(store.schema_version() == usage::Store::kSchemaVersion);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 5);
    CHECK(scalar(store, "SELECT events FROM usage_rollup WHERE session_id = 's1' AND hour_ms = 1741132800000") == 1);
    CHECK(scalar(store, "SELECT events FROM usage_rollup WHERE session_id = 's1' AND hour_ms = 1741136400000") == 2);
    CHECK(scalar(store, "SELECT hour_ms FROM usage_rollup WHERE session_id = 's3'") == -3600000);
    // The overflowing sum is a REAL: the query path reads those events instead.
    CHECK(usage::detail::sqlite_database(store)
              .execAndGet("SELECT typeof(input) FROM usage_rollup WHERE session_id = 's4'")
              .getString() == "real");
    CHECK(scalar(store, "SELECT output FROM usage_rollup WHERE session_id = 's4'") == 3);
    // The rows that fit are exact (expected_sql()'s sum() would refuse the overflowing group).
    usage::detail::sqlite_database(store).exec("DELETE FROM usage_rollup WHERE session_id = 's4'");
    usage::detail::sqlite_database(store).exec("UPDATE events SET superseded = 1 WHERE session_id = 's4'");
    check_rollup_matches(store);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 4);
    // Migration 5 summed the hours into days (s1's two hours are one day).
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup_day") == 3);
    CHECK(scalar(store, "SELECT events FROM usage_rollup_day WHERE session_id = 's1'") == 3);
}

TEST_CASE("rollup: migration 7 builds both rollups again with the repository in their key") {
    testing::TempDir dir;
    {
        SQLite::Database db = testing::sqlite_store_at_version(dir.path(), 6);
        // One session in one hour across two repositories and none; the
        // version-6 triggers keep them in one rollup row.
        db.exec(R"sql(
INSERT INTO events (id, source, session_id, model, project_name, surface, machine, user, ts_ms, input, output,
  cost_micros, cost_origin, superseded, repository) VALUES
 ('a:1', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 0, 'alice', 1741135500000, 10, 5, 100, 1, 0,
  'https://github.com/acme/api.git'),
 ('a:2', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 0, 'alice', 1741135600000, 20, 5, 200, 1, 0,
  'https://github.com/acme/api.git'),
 ('a:3', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 0, 'alice', 1741135700000, 30, 5, 300, 2, 0,
  'git@github.com:acme/tools.git'),
 ('a:4', 'claude-code', 's1', 'claude-opus-4-1', 'api', 'cli', 0, 'alice', 1741135800000, 40, 5, 400, 1, 0, '');
)sql");
        CHECK(db.execAndGet("SELECT count(*) FROM usage_rollup").getInt64() == 1);
    }
    usage::Store store(dir.path());
    CHECK(store.schema_version() == usage::Store::kSchemaVersion);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 3);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup_day") == 3);
    CHECK(scalar(store, "SELECT input FROM usage_rollup WHERE repository = 'https://github.com/acme/api.git'") == 30);
    CHECK(scalar(store,
                 "SELECT reported_micros FROM usage_rollup_day WHERE repository = 'git@github.com:acme/tools.git'") ==
          300);
    check_rollup_matches(store);
    // The new triggers key by repository: a copy that learns its repository moves rows.
    usage::detail::sqlite_database(store).exec(
        "UPDATE events SET repository = 'git@github.com:acme/tools.git' WHERE id = 'a:4'");
    check_rollup_matches(store);
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 2);
    CHECK(scalar(store, "SELECT first_ms FROM usage_rollup_day WHERE repository = 'git@github.com:acme/tools.git'") ==
          1741135700000);
}

TEST_CASE("rollup: migration 8 keeps both rollups, and failed calls stay out of them however they change") {
    testing::TempDir dir;
    {
        SQLite::Database db = testing::sqlite_store_at_version(dir.path(), 7);
        db.exec(R"sql(
INSERT INTO events (id, source, session_id, model, ts_ms, input, cost_micros, cost_origin) VALUES
 ('a:1', 'claude-code', 's1', 'opus', 1741135500000, 10, 100, 1),
 ('a:2', 'claude-code', 's1', 'opus', 1741135600000, 20, 200, 1);
)sql");
    }
    usage::Store store(dir.path());
    CHECK(store.schema_version() == usage::Store::kSchemaVersion);
    auto rows = [&] { return lines(usage::detail::sqlite_database(store), kActual); };
    auto days = [&] { return lines(usage::detail::sqlite_database(store), kActualDays); };
    const auto kept_rows = rows();
    const auto kept_days = days();
    REQUIRE(kept_rows.size() == 1);
    CHECK(scalar(store, "SELECT events FROM usage_rollup") == 2);
    check_rollup_matches(store);
    // Failed calls in the same row (one earlier than its first event), even
    // one holding tokens, that grow, move and are superseded: never counted.
    auto& db = usage::detail::sqlite_database(store);
    db.exec(R"sql(
INSERT INTO events (id, source, session_id, model, ts_ms, input, cost_micros, cost_origin, failure) VALUES
 ('f:1', 'claude-code', 's1', 'opus', 1741135400000, 0, NULL, 0, 'rate_limit'),
 ('f:2', 'claude-code', 's1', 'opus', 1741135450000, 5, 50, 1, 'http_529'))sql");
    CHECK(rows() == kept_rows);
    db.exec("UPDATE events SET input = 99, ts_ms = 1741139000000 WHERE id = 'f:2'");
    db.exec("UPDATE events SET superseded = 1 WHERE id = 'f:1'");
    CHECK(rows() == kept_rows);
    CHECK(days() == kept_days);
    // A counted event that leaves the row reads its first time again, past the failed calls.
    db.exec("UPDATE events SET superseded = 1 WHERE id = 'a:1'");
    check_rollup_matches(store);
    CHECK(scalar(store, "SELECT first_ms FROM usage_rollup") == 1741135600000);
    CHECK(scalar(store, "SELECT first_ms FROM usage_rollup_day") == 1741135600000);
}

TEST_CASE("rollup: a first scan's rebuild and the writer leave failed calls out, and reports count them apart") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    usage::FileBatch batch;
    batch.source = "claude-code";
    batch.path = "/s";
    for (int i = 0; i < 4; ++i) {
        // Two hours, each with an answered and a failed call.
        usage::UsageEvent e = call("claude-code", "claude-opus-4-1", i, 1741135500000 + (i / 2) * 3600000 + i % 2);
        e.tokens.input = 10 + i;
        if (i % 2 == 1) {
            e.tokens = {};
            e.failure = "overloaded_error";
        }
        batch.events.push_back(e);
    }
    usage::StoreWriter first(store);  // an empty store: paused, rebuilt at commit
    first.add(batch);
    CHECK(first.stats().inserted == 4);
    CHECK(first.stats().inserted_failed == 2);
    CHECK(first.stats().events_new() == 2);
    first.commit();
    check_rollup_matches(store);
    CHECK(scalar(store, "SELECT sum(events) FROM usage_rollup") == 2);
    batch.events[1].tokens.output = 9;  // a copy of a failed call, with tokens: still not counted
    batch.events[1].failure.clear();    // and a row's failure never changes
    first.add(batch);
    first.commit();
    check_rollup_matches(store);
    CHECK(scalar(store, "SELECT count(*) FROM events WHERE failure <> ''") == 2);

    usage::Query q;
    q.group = usage::GroupBy::hour;
    const auto report = usage::run_query(store, q, true);
    CHECK(report.totals.events == 2);
    CHECK(report.totals.failed_requests == 2);
    CHECK(report.totals.requests() == 4);
    CHECK(report.totals.input_tokens == 10 + 12);
    CHECK(report.totals.output_tokens == 0);
    CHECK(report.totals.sessions == 1);
    REQUIRE(report.rows.size() == 2);
    for (const auto& row : report.rows) {
        CHECK(row.totals.events == 1);
        CHECK(row.totals.failed_requests == 1);
        REQUIRE(row.models.size() == 1);
        CHECK(row.models[0].second.failed_requests == 1);
    }
    // A session whose calls all failed is no session: not a row of the
    // sessions view, not in its sessions; its failure counts in the totals.
    usage::FileBatch lone;
    lone.source = "claude-code";
    lone.path = "/lone";
    usage::UsageEvent f = call("claude-code", "claude-opus-4-1", 9, 1741135500000);
    f.session_id = "only-failed";
    f.failure = "rate_limit";
    lone.events.push_back(f);
    first.add(lone);
    first.commit();
    q.group = usage::GroupBy::session;
    const auto sessions = usage::run_query(store, q);
    REQUIRE(sessions.rows.size() == 1);
    CHECK(sessions.rows[0].key == "s");
    CHECK(sessions.rows[0].totals.failed_requests == 2);
    CHECK(sessions.rows[0].session->models == std::vector<std::string>{"claude-opus-4-1"});
    CHECK(sessions.row_count == 1);
    CHECK(sessions.totals.sessions == 1);
    CHECK(sessions.totals.failed_requests == 3);
    // Grouped by model, the failure has a row (its model's failures count there).
    q.group = usage::GroupBy::model;
    const auto models = usage::run_query(store, q);
    REQUIRE(models.rows.size() == 1);
    CHECK(models.rows[0].totals.failed_requests == 3);
}

TEST_CASE(
    "rollup: a first scan rebuilds the rollups at its commit, and a writer that rolls back leaves the triggers on") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    usage::FileBatch batch;
    batch.source = "claude-code";
    batch.path = "/s";
    for (int i = 0; i < 3; ++i) {
        usage::UsageEvent e = call("claude-code", "claude-opus-4-1", i, 1741135500000 + i * 1800000);  // two hours
        e.tokens.input = 10 + i;
        batch.events.push_back(e);
    }
    {
        usage::StoreWriter rolled_back(store);  // an empty store: triggers set aside
        rolled_back.add(batch);
    }  // no commit: rolled back, and the triggers run again
    usage::detail::sqlite_database(store).exec(
        "INSERT INTO events (id, source, session_id, model, ts_ms, input) VALUES ('x:1', 'codex-cli', 'c', 'gpt-5', "
        "1741135500000, 5)");
    CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 1);
    check_rollup_matches(store);
    usage::detail::sqlite_database(store).exec(
        "DELETE FROM usage_rollup_day; DELETE FROM usage_rollup; DELETE FROM events");
    {
        const std::string triggers = trigger_names(usage::detail::sqlite_database(store));
        usage::StoreWriter first(store);  // empty again: triggers set aside, rollups filled at commit
        first.add(batch);
        // Set aside in the writer's transaction only: another connection
        // still sees every trigger.
        SQLite::Database other(usage::detail::sqlite_database(store).getFilename());
        CHECK(trigger_names(other) == triggers);
        CHECK(trigger_names(usage::detail::sqlite_database(store)).empty());
        batch.events[0].tokens.output = 7;  // a grown copy in the same transaction
        first.add(batch);
        CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 0);  // nothing kept as it goes
        first.commit();
        CHECK(trigger_names(usage::detail::sqlite_database(store)) == triggers);
        CHECK(scalar(store, "SELECT count(*) FROM usage_rollup") == 2);
        check_rollup_matches(store);
        batch.events[1].tokens.output = 9;  // the next transaction keeps them as it goes
        first.add(batch);
        CHECK(scalar(store, "SELECT sum(output) FROM usage_rollup_day") == 16);
        first.commit();
    }
    check_rollup_matches(store);
}

TEST_CASE("rollup: a first scan whose sums leave 64 bits rebuilds them as REALs, so reports read the events") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    usage::FileBatch batch;
    batch.source = "cursor";
    batch.path = "/c";
    // 10,000 calls at the largest cost a call may report ($1e9): 1e19 micro-dollars.
    for (int i = 0; i < 10'000; ++i) {
        usage::UsageEvent e = call("cursor", "auto", i, 1741135500000 + i);
        e.tokens.input = 1;
        e.reported_cost_micros = usage::kMaxCostMicrosPerCall;
        batch.events.push_back(e);
    }
    usage::StoreWriter writer(store);
    writer.add(batch);
    writer.commit();
    CHECK(scalar(store, "SELECT events FROM usage_rollup") == 10'000);
    CHECK(
        usage::detail::sqlite_database(store).execAndGet("SELECT typeof(cost_micros) FROM usage_rollup").getString() ==
        "real");
    CHECK(scalar(store, "SELECT input FROM usage_rollup_day") == 10'000);
    CHECK(scalar(store, "SELECT count(*) FROM rollup_pause") == 0);
    const auto report = usage::run_query(store, usage::Query{});
    CHECK(report.totals.overflow);
    CHECK(report.totals.cost_micros == std::numeric_limits<std::int64_t>::max());
}
