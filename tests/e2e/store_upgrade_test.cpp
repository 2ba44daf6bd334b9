// Upgrades: a store written at each earlier schema version - built here by
// running the migrations up to that version and writing rows with the
// columns it had - opens in this binary with every event intact, the same
// totals, and rollups that answer what the events answer. SQLite from
// version 1, PostgreSQL from version 1.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "analytics/query_paths.hpp"
#include "report_lines.hpp"
#include "sqlite_store_at_version.hpp"
#include "store/sqlite/store_schema.hpp"
#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/store/store.hpp"
#include "usage/store/store_location.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "pg_connection.hpp"
#include "postgres_server.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_schema.hpp"
#endif

namespace {

using Rows = std::vector<std::vector<std::string>>;

// Three rows: two calls of two sources and a superseded copy (counted nowhere).
// `repository` exists from SQLite version 6 (PostgreSQL 4); `pricing_model`,
// `model_guessed` and `change_seq` from SQLite version 2.
std::string insert_events(bool with_outbox_columns, bool with_repository, const char* user_column) {
    std::string columns = "id, source, session_id, model, project_name, machine, " + std::string(user_column) +
                          ", ts_ms, input, output, reasoning, cache_read, cache_write_5m, cache_write_1h, "
                          "reported_cost_micros, cost_micros, cost_origin, dedup_len, replay, superseded";
    auto row = [&](const char* values, const char* outbox, const char* repository) {
        std::string r = std::string("(") + values;
        if (with_outbox_columns) r += std::string(", ") + outbox;
        if (with_repository) r += std::string(", ") + repository;
        return r + ")";
    };
    if (with_outbox_columns) columns += ", pricing_model, model_guessed, change_seq";
    if (with_repository) columns += ", repository";
    return "INSERT INTO events (" + columns + ") VALUES " +
           row("'claude-code:m1:r1', 'claude-code', 's1', 'claude-sonnet-4-5-20250929', 'api', 1, 'alice', "
               "1767225600000, 100, 20, 0, 1000, 50, 0, NULL, 1234, 1, 15, FALSE, FALSE",
               "'', FALSE, 1", "'https://github.com/acme/api.git'") +
           ", " +
           row("'codex-cli:t1:k1', 'codex-cli', 's2', 'gpt-5', 'web', 1, 'alice', 1767236400000, 10, 5, 2, 0, 0, 0, "
               "777, 777, 2, 0, FALSE, FALSE",
               "'', FALSE, 2", "''") +
           ", " +
           row("'claude-code:m1:replay', 'claude-code', 's1', 'claude-sonnet-4-5-20250929', 'api', 1, 'alice', "
               "1767225600000, 999, 999, 0, 0, 0, 0, NULL, 9999, 1, 15, TRUE, TRUE",
               "'', FALSE, 3", "''");
}

// What every upgraded store must hold and answer.
const Rows kEvents = {{"claude-code:m1:r1", "100", "20", "1000", "50", "1234", "1", "0", ""},
                      {"claude-code:m1:replay", "999", "999", "0", "0", "9999", "1", "1", ""},
                      {"codex-cli:t1:k1", "10", "5", "0", "0", "777", "2", "0", ""}};
constexpr const char* kEventsSql =
    "SELECT id, input, output, cache_read, cache_write_5m, cost_micros, cost_origin, superseded, failure FROM "
    "events ORDER BY id";

constexpr const char* kAggregateSql = "SELECT id, aggregate FROM events ORDER BY id";
const Rows kNoAggregates = {{"claude-code:m1:r1", "0"}, {"claude-code:m1:replay", "0"}, {"codex-cli:t1:k1", "0"}};

void check_reports(const usage::Store& store) {
    const auto t = usage::run_query(store, {}).totals;
    CHECK(t.events == 2);
    CHECK(t.sessions == 2);
    CHECK(t.input_tokens == 110);
    CHECK(t.output_tokens == 25);
    CHECK(t.cache_read_tokens == 1000);
    CHECK(t.cost_micros == 2011);
    CHECK(t.reported_cost_micros == 777);
    CHECK(t.failed_requests == 0);
    // The rollups the upgrade built answer what the events answer.
    for (auto group : {usage::GroupBy::day, usage::GroupBy::hour, usage::GroupBy::model, usage::GroupBy::session}) {
        usage::Query q;
        q.group = group;
        CHECK(testing::describe(usage::detail::run_query_via(store, q, true, usage::detail::ReadPath::planned)) ==
              testing::describe(usage::detail::run_query_via(store, q, true, usage::detail::ReadPath::events)));
    }
}

Rows sqlite_rows(const std::filesystem::path& db, const char* sql) {
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    SQLite::Statement st(d, sql);
    Rows out;
    while (st.executeStep()) {
        std::vector<std::string> row;
        for (int i = 0; i < st.getColumnCount(); ++i) row.push_back(st.getColumn(i).getString());
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace

TEST_CASE("upgrade: a SQLite store of every earlier schema version opens with every event intact") {
    const auto& migrations = usage::detail::store_migrations();
    REQUIRE(migrations.size() == static_cast<std::size_t>(usage::Store::kSchemaVersion));
    for (int version = 1; version < usage::Store::kSchemaVersion; ++version) {
        CAPTURE(version);
        testing::TempDir dir;
        {
            SQLite::Database db = testing::sqlite_store_at_version(dir.path(), version);
            db.exec("INSERT INTO machines (key, id, name, updated_ms) VALUES (1, 'm-1', 'laptop', 0)");
            db.exec(insert_events(version >= 2, version >= 6, "user"));
        }
        usage::Store store(dir.path());
        CHECK(store.schema_version() == usage::Store::kSchemaVersion);
        CHECK(sqlite_rows(dir.path() / "usage.db", kEventsSql) == kEvents);
        // Rows from before the `aggregate` column (version 9) were single calls.
        CHECK(sqlite_rows(dir.path() / "usage.db", kAggregateSql) == kNoAggregates);
        check_reports(store);
        CHECK(store.session_costs().empty());  // the ledger (version 10) starts empty
        // The upgraded store keeps counting (re-priced by this binary's prices): a failed call.
        usage::PriceBook prices;
        store.use_prices(prices);
        usage::FileBatch b;
        b.source = "claude-code";
        b.path = "/after";
        usage::UsageEvent failed;
        failed.id = "claude-code:f1:";
        failed.source = "claude-code";
        failed.session_id = "s1";
        failed.timestamp_ms = 1767225660000;
        failed.failure = "rate_limit";
        b.events.push_back(failed);
        store.apply({b});
        CHECK(usage::run_query(store, {}).totals.failed_requests == 1);
        CHECK(usage::run_query(store, {}).totals.events == 2);
    }
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("upgrade: a PostgreSQL store of every earlier schema version opens with every event intact") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const auto migrations = usage::pg::store_migrations();
    for (int version = 1; version < static_cast<int>(migrations.size()); ++version) {
        CAPTURE(version);
        const std::string uri = pg->fresh_database();
        {
            usage::pg::Connection c(uri);
            REQUIRE(usage::pg::migrate(c, migrations.first(static_cast<std::size_t>(version))) == version);
            testing::PgConnection raw(uri);
            raw.exec("INSERT INTO machines (id, key, name, updated_ms) VALUES ('m-1', 1, 'laptop', 0)");
            raw.exec(insert_events(false, version >= 4, "user_name"));
        }
        usage::Store store(usage::StoreLocation::parse(uri));
        CHECK(store.schema_version() == static_cast<int>(migrations.size()));
        testing::PgConnection check(uri);
        CHECK(check.query("SELECT id, input::text, output::text, cache_read::text, cache_write_5m::text, "
                          "cost_micros::text, cost_origin::text, (superseded::int)::text, failure FROM events ORDER "
                          "BY id") == kEvents);
        // Rows from before the `aggregate` column (version 7) were single calls.
        CHECK(check.query("SELECT id, (aggregate::int)::text FROM events ORDER BY id") == kNoAggregates);
        check_reports(store);
    }
}
#endif
