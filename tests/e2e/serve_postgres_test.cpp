// `serve --store postgresql://...`: the team endpoint on a real PostgreSQL
// server, as a team would run it - several replicas on one database, tokens
// made with `serve token --store`, machines pushing with `sync --once`, the
// read API with its role scoping, and 503 + Retry-After while the database
// is down.
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

#endif
