// The PostgreSQL harness itself (tests/support/postgres_server.hpp): before a
// store test trusts it, it must start a real server, run SQL against it, keep
// per-test databases apart and leave nothing behind.
#ifdef USAGE_WITH_POSTGRES

#include "postgres_server.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include "pg_connection.hpp"

namespace {

// The user the harness must have run the server as: never root.
uid_t expected_server_uid() {
    if (::geteuid() != 0) return ::geteuid();
    const passwd* pw = ::getpwnam("postgres");
    REQUIRE(pw != nullptr);
    return pw->pw_uid;
}

}  // namespace

TEST_CASE("postgres harness: a server of its own starts, answers SELECT 1 and leaves nothing behind") {
    if (!testing::postgres_available_or_skip()) return;

    const auto t0 = std::chrono::steady_clock::now();
    std::optional<testing::PostgresServer> server(std::in_place);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    MESSAGE("PostgreSQL started (initdb + postgres) in " << ms.count() << " ms on port " << server->port());

    const std::string uri = server->uri();
    CHECK(uri == "postgresql://usage@127.0.0.1:" + std::to_string(server->port()) + "/usage");
    {
        testing::PgConnection c(uri);
        CHECK(c.scalar("SELECT 1") == "1");
        CHECK(c.scalar("SELECT current_database()") == "usage");
        CHECK(c.scalar("SELECT current_user") == "usage");
        CHECK(c.scalar("SHOW server_encoding") == "UTF8");
        CHECK(c.scalar("SHOW fsync") == "off");
        CHECK(c.scalar("SHOW TimeZone") == "UTC");
    }
    struct stat st {};
    REQUIRE(::stat((server->dir() / "data").c_str(), &st) == 0);
    CHECK(st.st_uid == expected_server_uid());

    const std::filesystem::path dir = server->dir();
    const std::string ping = "host=127.0.0.1 port=" + std::to_string(server->port()) + " user=usage dbname=postgres";
    CHECK(PQping(ping.c_str()) == PQPING_OK);
    server.reset();
    CHECK(PQping(ping.c_str()) == PQPING_NO_RESPONSE);
    CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("postgres harness: an upsert keeps the greater count and fresh databases are independent") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;

    const std::string a = pg->fresh_database();
    const std::string b = pg->fresh_database();
    REQUIRE(a != b);

    testing::PgConnection ca(a);
    ca.exec("CREATE TABLE counts (k text PRIMARY KEY, n bigint NOT NULL)");
    // What a store does when the same event arrives twice with different
    // totals: keep the greater, whichever order they come in.
    const std::string upsert =
        "INSERT INTO counts (k, n) VALUES ($1, $2) "
        "ON CONFLICT (k) DO UPDATE SET n = GREATEST(counts.n, excluded.n) RETURNING n";
    CHECK(ca.scalar(upsert, {"x", "5000000000"}) == "5000000000");  // beyond 32 bits
    CHECK(ca.scalar(upsert, {"x", "3"}) == "5000000000");
    CHECK(ca.scalar(upsert, {"x", "5000000001"}) == "5000000001");
    CHECK(ca.scalar(upsert, {"y", "7"}) == "7");
    using Rows = std::vector<std::vector<std::string>>;
    CHECK(ca.query("SELECT k, n FROM counts ORDER BY k") == Rows{{"x", "5000000001"}, {"y", "7"}});

    testing::PgConnection cb(b);
    CHECK(cb.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'counts'") == "0");
    cb.exec("CREATE TABLE counts (k text PRIMARY KEY, n bigint NOT NULL)");
    CHECK(cb.scalar(upsert, {"x", "1"}) == "1");
    CHECK(cb.query("SELECT k, n FROM counts ORDER BY k") == Rows{{"x", "1"}});
    CHECK(ca.query("SELECT k, n FROM counts ORDER BY k") == Rows{{"x", "5000000001"}, {"y", "7"}});
}

#endif  // USAGE_WITH_POSTGRES
