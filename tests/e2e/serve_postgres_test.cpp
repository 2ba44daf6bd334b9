// `serve --store postgresql://...`: the team endpoint on a real PostgreSQL
// server, as a team would run it - several replicas on one database, tokens
// made with `serve token --store`, machines pushing with `sync --once`, the
// read API with its role scoping, the dashboard's routes and sign-in (the
// same JSON as on SQLite), and 503 + Retry-After while the database is down.
#include <doctest/doctest.h>

#ifdef USAGE_WITH_POSTGRES

#include <thread>

#include "postgres_server.hpp"
#include "push_helpers.hpp"
#include "serve_helpers.hpp"

using push_test::check_same_totals;
using push_test::TeamMachine;
using serve_test::get_json;
using serve_test::row;

namespace {

std::string add_token(const testing::AgentHome& home, const std::string& store, const std::string& user,
                      const std::string& role) {
    auto r = home.run({"serve", "token", "add", "--store", store, "--user", user, "--role", role});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
}

}  // namespace

TEST_CASE("serve on postgresql: two replicas on one database hold the exact union of two machines' pushes") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string db = pg->fresh_database();
    testing::AgentHome admin;  // where an operator runs `serve token`
    const std::string alice = add_token(admin, db, "alice", "member");
    const std::string bob = add_token(admin, db, "bob", "member");
    const std::string boss = add_token(admin, db, "boss", "manager");
    {
        auto list = admin.run({"serve", "token", "list", "--json", "--store", db});
        REQUIRE(list.exit_code == 0);
        CHECK(nlohmann::json::parse(list.out).size() == 3);
    }
    testing::AgentHome home_a, home_b;
    testing::ServeProcess replica_a(home_a, {"--ingest", "--store", db});
    testing::ServeProcess replica_b(home_b, {"--ingest", "--store", db});
    CHECK(replica_a.err().find("store postgresql://usage@127.0.0.1:") != std::string::npos);

    TeamMachine laptop("laptop", replica_a.url(""), alice, 7);
    TeamMachine desktop("desktop", replica_b.url(""), bob, 5);
    laptop.add_calls("l", 0, 60, 10);
    desktop.add_calls("d", 0, 45, 20);
    // Both push at once, each to its replica, in several batches.
    nlohmann::json pushed_a, pushed_b;
    {
        std::jthread a([&] { pushed_a = laptop.sync(); });
        std::jthread b([&] { pushed_b = desktop.sync(); });
    }
    CHECK(pushed_a["push"]["sent"] == 60);
    CHECK(pushed_a["push"]["endpoint_new"] == 60);
    CHECK(pushed_b["push"]["sent"] == 45);
    CHECK(pushed_b["push"]["endpoint_new"] == 45);
    // Grown copies of sent calls, and the same machine now pushing to the other replica.
    laptop.add_calls("l", 0, 10, 500);
    testing::write_file(laptop.dir / "home" / ".config" / "usage-agent" / "config.yaml",
                        "machine_name: laptop\nsync:\n  endpoint: " + replica_b.url("") +
                            "\n  token_file: ~/.config/usage-agent/token\n  batch_size: 7\n  max_attempts: 8\n");
    const auto grown = laptop.sync();
    CHECK(grown["push"]["endpoint_updated"] == 10);

    for (const testing::ServeProcess* replica : {&replica_a, &replica_b}) {
        const auto by_machine = get_json(*replica, "/api/v1/by-machine", boss);
        REQUIRE(by_machine["rows"].size() == 2);
        check_same_totals(row(by_machine, "laptop"), laptop.local_totals());
        check_same_totals(row(by_machine, "desktop"), desktop.local_totals());
        const auto totals = get_json(*replica, "/api/v1/summary", boss)["totals"];
        CHECK(totals["events"] == 105);
        CHECK(totals["output_tokens"] == 10 * 500 + 50 * 10 + 45 * 20);
        CHECK(totals["input_tokens"] == 105 * 3);
        // A member reads their own events only.
        CHECK(get_json(*replica, "/api/v1/summary", alice)["totals"]["events"] == 60);
        CHECK(get_json(*replica, "/api/v1/summary", bob)["totals"]["events"] == 45);
        const auto days = get_json(*replica, "/api/v1/timeseries?bucket=day&range=all", boss);
        REQUIRE(days["rows"].size() == 1);
        CHECK(days["rows"][0]["key"] == "2026-01-10");
        CHECK(get_json(*replica, "/api/v1/sessions", boss)["rows"].size() == 2);
    }
    // A revoked token is refused by both replicas.
    CHECK(admin.run({"serve", "token", "revoke", "1", "--store", db}).exit_code == 0);
    CHECK(serve_test::get(replica_a, "/api/v1/summary", alice).status == 403);
    CHECK(serve_test::get(replica_b, "/api/v1/summary", alice).status == 403);
    CHECK(replica_a.stop() == 0);
    CHECK(replica_b.stop() == 0);
}

TEST_CASE("serve on postgresql: the database going away answers 503 with Retry-After, not a crash") {
    if (!testing::postgres_available_or_skip()) return;
    auto pg = std::make_unique<testing::PostgresServer>();
    const std::string db = pg->fresh_database();
    testing::AgentHome home;
    const std::string token = add_token(home, db, "alice", "member");
    testing::ServeProcess server(home, {"--ingest", "--store", db});
    const std::string body = serve_test::batch("m-1", "box", {{"msg_1:r", "s", serve_test::kJan10, 5, 5}});
    CHECK(serve_test::ingest(server, body, token).status == 200);
    pg.reset();  // the database server stops
    const auto read = serve_test::get(server, "/api/v1/summary", token);
    CHECK(read.status == 503);
    REQUIRE(read.retry_after.has_value());
    const auto write = serve_test::ingest(server, body, token);
    CHECK(write.status == 503);
    CHECK(serve_test::error_of(write) == "the token store is not available");
    // The operator reads which database, in the server's log.
    INFO(server.err());
    CHECK(server.err().find("token lookup failed: postgresql 127.0.0.1:") != std::string::npos);
    CHECK(serve_test::healthy(server));
    CHECK(server.stop() == 0);
}

TEST_CASE("serve on postgresql: a bad --store is refused in one line naming it, password hidden") {
    testing::AgentHome home;
    auto r = home.run({"serve", "--store", "mysql://root:secret@db/usage"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--store") != std::string::npos);
    CHECK(r.err.find("secret") == std::string::npos);
    testing::write_file(home.dir / "home" / ".config" / "usage-agent" / "config.yaml",
                        "serve:\n  store: sqlite://relative/dir\n");
    r = home.run({"serve"});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("config.yaml:2") != std::string::npos);
    CHECK(r.err.find("serve.store") != std::string::npos);
}

TEST_CASE("serve on postgresql: the dashboard's routes, aliases and sign-in answer exactly as on SQLite") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string db = pg->fresh_database();
    testing::AgentHome pg_home, sqlite_home;
    const std::string pg_boss = add_token(pg_home, db, "boss", "manager");
    const std::string pg_alice = add_token(pg_home, db, "alice", "member");
    const std::string sqlite_boss = serve_test::add_token(sqlite_home, "boss", "manager");
    const std::string sqlite_alice = serve_test::add_token(sqlite_home, "alice", "member");
    testing::ServeProcess on_pg(pg_home, {"--ingest", "--store", db});
    testing::ServeProcess on_sqlite(sqlite_home, {"--ingest"});
    using serve_test::Call;
    using serve_test::kJan10;
    using serve_test::kMinute;
    const std::vector<Call> alice_calls = {{"a1", "sa", kJan10, 100, 10, 5000},
                                           {"a2", "sa", kJan10 + 30 * kMinute, 200, 20, 6000},
                                           {"a3", "sb", kJan10 + 26 * 60 * kMinute, 300, 30, 0, 0, serve_test::kOpus}};
    const std::vector<Call> boss_calls = {{"b1", "sc", kJan10 + 2 * kMinute, 4000, 400}};
    for (const auto& [server, alice, boss] :
         {std::tuple{&on_pg, pg_alice, pg_boss}, std::tuple{&on_sqlite, sqlite_alice, sqlite_boss}}) {
        REQUIRE(serve_test::ingest(*server, serve_test::batch("m-a", "laptop", alice_calls), alice).status == 200);
        REQUIRE(serve_test::ingest(*server, serve_test::batch("m-b", "desk", boss_calls), boss).status == 200);
    }
    const std::string paths[] = {"/api/v1/summary?range=all",
                                 "/api/v1/timeseries?bucket=hour&range=all&tz=Asia/Kolkata",
                                 "/api/v1/cost-breakdown?range=all",
                                 "/api/v1/insights?range=all",
                                 "/api/usage/daily?range=all&tz=Europe/Berlin",
                                 "/api/usage/models?range=all",
                                 "/api/usage/sessions?range=all&full=1",
                                 "/acme/sessions/analytics/by-agent?range=all",
                                 "/acme/sessions/analytics/cost-breakdown?range=all&user=alice"};
    for (const auto& path : paths) {
        INFO(path);
        CHECK(get_json(on_pg, path, pg_boss) == get_json(on_sqlite, path, sqlite_boss));
        CHECK(get_json(on_pg, path, pg_alice) == get_json(on_sqlite, path, sqlite_alice));
    }
    const auto totals = get_json(on_pg, "/api/usage/summary?range=all", pg_boss)["totals"];
    CHECK(totals["events"] == 4);
    CHECK(totals["sessions"] == 3);
    CHECK(totals["input_tokens"] == 4600);
    CHECK(get_json(on_pg, "/api/usage/summary?range=all", pg_alice)["totals"]["events"] == 3);
    // The dashboard's cookie, checked against the tokens in PostgreSQL.
    usage::HttpClient client;
    const auto signed_in = client.post(on_pg.url("/api/v1/session"), nlohmann::json{{"token", pg_alice}}.dump(),
                                       {"Content-Type: application/json"});
    CHECK(signed_in.status == 200);
    const auto read = client.get(on_pg.url("/api/v1/summary?range=all"), {"Cookie: usage_session=" + pg_alice});
    CHECK(nlohmann::json::parse(read.body)["totals"]["events"] == 3);
    CHECK(client.get(on_pg.url("/"), {}).status == 200);
}

#endif
