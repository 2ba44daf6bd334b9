// The PostgreSQL store's schema and migrations against a real server: the
// tables the endpoint will use, exactly once however many replicas start at
// the same moment, and change_seq values that stay unique under concurrent
// writers.
#ifdef USAGE_WITH_POSTGRES

#include "store/postgres/pg_schema.hpp"

#include <doctest/doctest.h>

#include <array>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "pg_connection.hpp"
#include "postgres_server.hpp"
#include "store/postgres/pg_error.hpp"

namespace {

using Rows = std::vector<std::vector<std::string>>;
using usage::pg::Connection;

Rows tables(testing::PgConnection& c) {
    return c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
}

}  // namespace

TEST_CASE("pg schema: migrating a fresh database creates the endpoint's tables at version 10") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection check(uri);
    Connection c(uri);

    REQUIRE(usage::pg::store_migrations().size() == 10);
    CHECK(usage::pg::schema_version(c) == 0);
    CHECK(usage::pg::migrate(c) == 10);
    CHECK(usage::pg::schema_version(c) == 10);
    CHECK(c.reusable());

    CHECK(tables(check) == Rows{{"budget_alerts"},
                                {"coverage"},
                                {"cursors"},
                                {"events"},
                                {"limit_snapshots"},
                                {"machines"},
                                {"meta"},
                                {"schema_migrations"},
                                {"session_ledger"},
                                {"tokens"},
                                {"usage_rollup"},
                                {"usage_rollup_day"}});
    CHECK(check.query("SELECT version::text, description FROM schema_migrations ORDER BY schema_migrations.version") ==
          Rows{{"1", "endpoint tables: meta, machines, events, tokens"},
               {"2", "scan tables (cursors, coverage) and the hourly usage rollup"},
               {"3", "the daily usage rollup"},
               {"4", "the repository of each event"},
               {"5", "the rollups keyed by repository"},
               {"6", "failed calls, counted apart"},
               {"7", "the aggregate flag of each event"},
               {"8", "the session cost ledger"},
               {"9", "budget alerts delivered"},
               {"10", "the latest reading of each plan limit window"}});
    const auto column_types = [&](const std::string& table) {
        return check.query(
            "SELECT column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END "
            "FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
            {table});
    };
    CHECK(column_types("events") == Rows{{"id text not null"},
                                         {"source text not null"},
                                         {"session_id text not null"},
                                         {"parent_session_id text not null"},
                                         {"model text not null"},
                                         {"provider text not null"},
                                         {"project_name text not null"},
                                         {"project_path text not null"},
                                         {"git_branch text not null"},
                                         {"surface text not null"},
                                         {"machine bigint not null"},
                                         {"user_name text not null"},
                                         {"ts_ms bigint not null"},
                                         {"input bigint not null"},
                                         {"output bigint not null"},
                                         {"reasoning bigint not null"},
                                         {"cache_read bigint not null"},
                                         {"cache_write_5m bigint not null"},
                                         {"cache_write_1h bigint not null"},
                                         {"reported_cost_micros bigint"},
                                         {"cost_micros bigint"},
                                         {"cost_origin smallint not null"},
                                         {"dedup_len integer not null"},
                                         {"replay boolean not null"},
                                         {"superseded boolean not null"},
                                         {"revision bigint not null"},
                                         {"pricing_model text not null"},
                                         {"model_guessed boolean not null"},
                                         {"change_seq bigint not null"},
                                         {"repository text not null"},
                                         {"failure text not null"},
                                         {"aggregate boolean not null"}});
    // Both rollups: the time, the key (with the repository since migration 5), the sums.
    for (const char* rollup : {"usage_rollup", "usage_rollup_day"}) {
        const Rows columns = column_types(rollup);
        REQUIRE(columns.size() == 22);
        CHECK(columns[0] == Rows::value_type{std::string(rollup) == "usage_rollup" ? "hour_ms bigint not null"
                                                                                   : "day_ms bigint not null"});
        CHECK(columns[8] == Rows::value_type{"repository text not null"});
        CHECK(columns[19] == Rows::value_type{"unpriced_events bigint not null"});
    }
    CHECK(check.scalar("SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM pg_index x CROSS JOIN LATERAL "
                       "unnest(x.indkey) WITH ORDINALITY k(attnum, i) JOIN pg_attribute a ON a.attrelid = x.indrelid "
                       "AND a.attnum = k.attnum WHERE x.indexrelid = 'usage_rollup_pkey'::regclass") ==
          "hour_ms,source,session_id,model,project_name,surface,machine,user_name,repository");
    CHECK(column_types("machines") == Rows{{"id text not null"},
                                           {"key bigint not null"},
                                           {"name text not null"},
                                           {"os text not null"},
                                           {"time_zone text not null"},
                                           {"agent_version text not null"},
                                           {"updated_ms bigint not null"}});
    CHECK(column_types("tokens") == Rows{{"id bigint not null"},
                                         {"hash text not null"},
                                         {"prefix text not null"},
                                         {"user_name text not null"},
                                         {"role text not null"},
                                         {"created_ms bigint not null"},
                                         {"revoked_ms bigint"}});
    CHECK(column_types("meta") == Rows{{"key text not null"}, {"value text not null"}});
    CHECK(column_types("session_ledger") == Rows{{"source text not null"},
                                                 {"session_id text not null"},
                                                 {"cost_micros bigint not null"},
                                                 {"model text not null"},
                                                 {"version text not null"},
                                                 {"updated_ms bigint not null"}});
    CHECK(check.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname") ==
          Rows{{"budget_alerts_pkey"},
               {"coverage_pkey"},
               {"cursors_pkey"},
               {"events_change"},
               {"events_failed"},
               {"events_live_replays"},
               {"events_pkey"},
               {"events_ts"},
               {"events_unpriced"},
               {"events_user_ts"},
               {"limit_snapshots_pkey"},
               {"machines_key_key"},
               {"machines_pkey"},
               {"meta_pkey"},
               {"schema_migrations_pkey"},
               {"session_ledger_pkey"},
               {"tokens_hash_key"},
               {"tokens_pkey"},
               {"usage_rollup_day_pkey"},
               {"usage_rollup_pkey"}});
    CHECK(check.scalar("SELECT data_type FROM information_schema.sequences WHERE sequence_name = "
                       "'events_change_seq'") == "bigint");
}

TEST_CASE("pg schema: the columns keep 64-bit values, ids sort bytewise and defaults mirror SQLite's") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    Connection c(uri);
    usage::pg::migrate(c);
    c.exec("INSERT INTO events (id, source, ts_ms, input, cache_read) VALUES ($1, 'claude-code', $2, $3, $4)",
           {"claude-code:msg_a:req_1", std::int64_t{4'102'444'800'000}, std::int64_t{5'000'000'000},
            std::int64_t{9'000'000'000'000'000'000}});
    const auto r = c.exec(
        "SELECT ts_ms, input, cache_read, cost_micros IS NULL, cost_origin, replay, superseded, revision, machine, "
        "user_name, change_seq FROM events");
    CHECK(r.int64(0, 0) == 4'102'444'800'000);
    CHECK(r.int64(0, 1) == 5'000'000'000);
    CHECK(r.int64(0, 2) == 9'000'000'000'000'000'000);
    CHECK(r.boolean(0, 3));
    CHECK(r.int64(0, 4) == 0);
    CHECK_FALSE(r.boolean(0, 5));
    CHECK_FALSE(r.boolean(0, 6));
    CHECK(r.int64(0, 7) == 1);
    CHECK(r.int64(0, 8) == 0);
    CHECK(r.text(0, 9) == "");
    CHECK(r.int64(0, 10) == 1);

    // A dedup group is a primary-key range; bytewise order keeps it one.
    for (const char* id :
         {"claude-code:msg_a:req_2", "claude-code:msg_a;x", "claude-code:msg_A:req_1", "claude-code:msg_b:req_1"})
        c.exec("INSERT INTO events (id, source, ts_ms) VALUES ($1, 'claude-code', 1)", {id});
    CHECK(c.exec("SELECT count(*) FROM events WHERE id >= $1 AND id < $2", {"claude-code:msg_a:", "claude-code:msg_a;"})
              .int64(0, 0) == 2);
    CHECK_THROWS_AS(c.exec("INSERT INTO events (id, source, ts_ms, cost_origin) VALUES ('x', 's', 1, 4)"),
                    usage::pg::PgError);
    CHECK_THROWS_AS(c.exec("INSERT INTO tokens (hash, prefix, user_name, role, created_ms) VALUES ('h', 'p', 'u', "
                           "'root', 1)"),
                    usage::pg::PgError);
}

TEST_CASE("pg schema: migrating again is a no-op") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection check(uri);
    Connection c(uri);
    REQUIRE(usage::pg::migrate(c) == 10);
    const Rows before = check.query(
        "SELECT (SELECT 'events'::regclass::oid)::text, (SELECT string_agg(applied_ms::text, ',') FROM "
        "schema_migrations)");
    CHECK(usage::pg::migrate(c) == 10);
    CHECK(usage::pg::migrate(c) == 10);
    CHECK(check.query("SELECT (SELECT 'events'::regclass::oid)::text, (SELECT string_agg(applied_ms::text, ',') FROM "
                      "schema_migrations)") == before);
    CHECK(check.scalar("SELECT count(*) FROM schema_migrations") == "10");
}

TEST_CASE("pg schema: 4 replicas migrating a fresh database at once end with one set of tables at version 10") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    std::vector<Connection> connections;
    for (int i = 0; i < 4; ++i) connections.emplace_back(uri);  // connected first: the race is the migration's

    std::array<int, 4> reached{};
    std::array<std::string, 4> errors{};
    std::latch start(4);
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                try {
                    reached[i] = usage::pg::migrate(connections[i]);
                } catch (const std::exception& e) {
                    errors[i] = e.what();
                }
            });
    }
    CHECK(errors == std::array<std::string, 4>{});
    CHECK(reached == std::array<int, 4>{10, 10, 10, 10});
    testing::PgConnection check(uri);
    CHECK(tables(check) == Rows{{"budget_alerts"},
                                {"coverage"},
                                {"cursors"},
                                {"events"},
                                {"limit_snapshots"},
                                {"machines"},
                                {"meta"},
                                {"schema_migrations"},
                                {"session_ledger"},
                                {"tokens"},
                                {"usage_rollup"},
                                {"usage_rollup_day"}});
    CHECK(check.query("SELECT version::text FROM schema_migrations ORDER BY schema_migrations.version") ==
          Rows{{"1"}, {"2"}, {"3"}, {"4"}, {"5"}, {"6"}, {"7"}, {"8"}, {"9"}, {"10"}});
    CHECK(check.scalar("SELECT count(*) FROM pg_class WHERE relname = 'events_change_seq'") == "1");
}

TEST_CASE(
    "pg schema: appended migrations run once in order, a failing one keeps nothing, a newer database is refused") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection check(uri);
    Connection c(uri);
    using usage::pg::Migration;
    const Migration list[] = {
        {"one", "CREATE TABLE a (n int); INSERT INTO a VALUES (1)"},
        {"two", "INSERT INTO a VALUES (2); CREATE TABLE b (n int)"},
        {"three, broken", "CREATE TABLE c (n int); INSERT INTO nowhere VALUES (1)"},
    };
    CHECK(usage::pg::migrate(c, std::span(list, 1)) == 1);
    CHECK(usage::pg::migrate(c, std::span(list, 2)) == 2);
    CHECK(check.query("SELECT n::text FROM a ORDER BY n") == Rows{{"1"}, {"2"}});
    CHECK(check.query("SELECT version || ' ' || description FROM schema_migrations ORDER BY schema_migrations.version") ==
          Rows{{"1 one"}, {"2 two"}});

    const std::string server =
        "127.0.0.1:" + std::to_string(pg->port()) + "/" + check.scalar("SELECT current_database()");
    CHECK_THROWS_WITH_AS(usage::pg::migrate(c, std::span(list, 3)),
                         ("schema migration 3 (three, broken): postgresql " + server +
                          ": relation \"nowhere\" does not exist (in: CREATE TABLE c (n int); INSERT INTO nowhere "
                          "VALUES (1)) (SQLSTATE 42P01)")
                             .c_str(),
                         usage::pg::PgError);
    CHECK(usage::pg::schema_version(c) == 2);
    CHECK(check.scalar("SELECT to_regclass('c') IS NULL") == "t");

    CHECK_THROWS_WITH_AS(
        usage::pg::migrate(c, std::span(list, 1)),
        ("postgresql " + server +
         ": store schema version 2 is newer than this usage-agent understands (1); upgrade usage-agent")
            .c_str(),
        std::runtime_error);
    CHECK(c.reusable());
}

TEST_CASE("pg schema: change_seq values from concurrent writers are unique, and a change takes a new one") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    {
        Connection c(uri);
        usage::pg::migrate(c);
    }
    std::latch start(4);
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                Connection c(uri);
                start.arrive_and_wait();
                for (int i = 0; i < 250; ++i) {
                    // Pairs in one transaction, so writers interleave with
                    // transactions in flight, as replicas do.
                    c.exec("BEGIN");
                    for (int k = 0; k < 2; ++k)
                        c.exec("INSERT INTO events (id, source, ts_ms) VALUES ($1, 'claude-code', $2)",
                               {"t" + std::to_string(t) + ":" + std::to_string(i) + ":" + std::to_string(k), i});
                    c.exec("COMMIT");
                }
            });
    }
    testing::PgConnection check(uri);
    CHECK(check.query("SELECT count(*)::text, count(DISTINCT change_seq)::text, min(change_seq)::text, "
                      "max(change_seq)::text FROM events") == Rows{{"2000", "2000", "1", "2000"}});
    check.exec(
        "UPDATE events SET change_seq = nextval('events_change_seq'), revision = revision + 1 WHERE id = "
        "'t0:0:0'");
    CHECK(check.scalar("SELECT change_seq FROM events WHERE id = 't0:0:0'") == "2001");
    CHECK(check.scalar("SELECT count(DISTINCT change_seq) FROM events") == "2000");
}

TEST_CASE("pg schema: migration 5 builds the rollups again with the repository in their key, from the events") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection check(uri);
    Connection c(uri);
    REQUIRE(usage::pg::migrate(c, usage::pg::store_migrations().first(4)) == 4);
    // One session in one hour across two repositories and none: one row at version 4.
    c.exec(R"sql(
INSERT INTO events (id, source, session_id, model, ts_ms, input, cost_micros, cost_origin, repository) VALUES
 ('a:1', 'claude-code', 's1', 'opus', 1741135500000, 10, 100, 1, 'https://github.com/acme/api.git'),
 ('a:2', 'claude-code', 's1', 'opus', 1741135600000, 20, 200, 1, 'https://github.com/acme/api.git'),
 ('a:3', 'claude-code', 's1', 'opus', 1741135700000, 30, 300, 2, 'git@github.com:acme/tools.git'),
 ('a:4', 'claude-code', 's1', 'opus', 1741135800000, 40, 400, 1, ''))sql");
    CHECK(check.scalar("SELECT count(*) FROM usage_rollup") == "1");
    REQUIRE(usage::pg::migrate(c, usage::pg::store_migrations().first(5)) == 5);
    CHECK(check.query("SELECT repository, events::text, input::text, reported_micros::text, first_ms::text FROM "
                      "usage_rollup ORDER BY repository") ==
          Rows{{"", "1", "40", "0", "1741135800000"},
               {"git@github.com:acme/tools.git", "1", "30", "300", "1741135700000"},
               {"https://github.com/acme/api.git", "2", "30", "0", "1741135500000"}});
    CHECK(check.query("SELECT repository, events::text FROM usage_rollup_day ORDER BY repository") ==
          Rows{{"", "1"}, {"git@github.com:acme/tools.git", "1"}, {"https://github.com/acme/api.git", "2"}});
    // The new triggers key by repository: an event that learns its repository moves rows.
    c.exec("UPDATE events SET repository = 'git@github.com:acme/tools.git' WHERE id = 'a:4'");
    CHECK(check.query("SELECT repository, events::text, input::text, last_ms::text FROM usage_rollup_day ORDER BY "
                      "repository") == Rows{{"git@github.com:acme/tools.git", "2", "70", "1741135800000"},
                                            {"https://github.com/acme/api.git", "2", "30", "1741135600000"}});
}

TEST_CASE("pg schema: migration 6 keeps the rollups, and failed calls stay out of them however they change") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection check(uri);
    Connection c(uri);
    REQUIRE(usage::pg::migrate(c, usage::pg::store_migrations().first(5)) == 5);
    c.exec(R"sql(
INSERT INTO events (id, source, session_id, model, ts_ms, input, cost_micros, cost_origin) VALUES
 ('a:1', 'claude-code', 's1', 'opus', 1741135500000, 10, 100, 1),
 ('a:2', 'claude-code', 's1', 'opus', 1741135600000, 20, 200, 1))sql");
    const std::string rollups =
        "SELECT 'h', hour_ms::text, events::text, input::text, first_ms::text, last_ms::text FROM usage_rollup "
        "UNION ALL SELECT 'd', day_ms::text, events::text, input::text, first_ms::text, last_ms::text FROM "
        "usage_rollup_day ORDER BY 1, 2";
    const Rows kept = {{"d", "1741132800000", "2", "30", "1741135500000", "1741135600000"},
                       {"h", "1741132800000", "2", "30", "1741135500000", "1741135600000"}};
    CHECK(check.query(rollups) == kept);
    REQUIRE(usage::pg::migrate(c) == 10);
    CHECK(check.query(rollups) == kept);
    CHECK(check.scalar("SELECT count(*) FROM events WHERE failure <> ''") == "0");

    // A failed call in the same row (earlier than its first event), even
    // one that holds tokens, grows, moves and is superseded: never counted.
    c.exec(R"sql(
INSERT INTO events (id, source, session_id, model, ts_ms, input, cost_micros, cost_origin, failure) VALUES
 ('f:1', 'claude-code', 's1', 'opus', 1741135400000, 0, NULL, 0, 'rate_limit'),
 ('f:2', 'claude-code', 's1', 'opus', 1741135450000, 5, 50, 1, 'http_529'))sql");
    CHECK(check.query(rollups) == kept);
    c.exec("UPDATE events SET input = 99, ts_ms = 1741139000000 WHERE id = 'f:2'");
    c.exec("UPDATE events SET superseded = true WHERE id = 'f:1'");
    CHECK(check.query(rollups) == kept);
    // A counted event that leaves the row reads its first time again, past the failed calls.
    c.exec("UPDATE events SET superseded = true WHERE id = 'a:1'");
    CHECK(check.query(rollups) == Rows{{"d", "1741132800000", "1", "20", "1741135600000", "1741135600000"},
                                       {"h", "1741132800000", "1", "20", "1741135600000", "1741135600000"}});
    CHECK(check.scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'events_failed'") ==
          "CREATE INDEX events_failed ON public.events USING btree (ts_ms) WHERE (failure <> ''::text)");
}

#endif  // USAGE_WITH_POSTGRES
