// The PostgreSQL backend's connection layer against a real server: values
// in and out exactly, every failure sorted into the kind its caller acts on
// (unavailable, retry, error), messages naming the server and never a
// password.
#ifdef USAGE_WITH_POSTGRES

#include "store/postgres/pg_connection.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "pg_connection.hpp"
#include "postgres_server.hpp"
#include "store/postgres/pg_error.hpp"
#include "store/postgres/pg_transaction.hpp"
#include "test_support.hpp"
#include "usage/store/store_failure.hpp"

namespace {

using usage::pg::Connection;
using usage::pg::FailureKind;

// "127.0.0.1:PORT/db_N", what every message of a connection to `uri` names.
std::string server_of(testing::PgConnection& admin, const testing::PostgresServer& pg) {
    return "127.0.0.1:" + std::to_string(pg.port()) + "/" + admin.scalar("SELECT current_database()");
}

}  // namespace

TEST_CASE("pg connection: SQLSTATEs are sorted into unavailable, retryable and other") {
    CHECK(usage::pg::classify_sqlstate("08006") == FailureKind::unavailable);  // connection failure
    CHECK(usage::pg::classify_sqlstate("08001") == FailureKind::unavailable);
    CHECK(usage::pg::classify_sqlstate("57P01") == FailureKind::unavailable);  // admin shutdown
    CHECK(usage::pg::classify_sqlstate("57P02") == FailureKind::unavailable);
    CHECK(usage::pg::classify_sqlstate("57P03") == FailureKind::unavailable);
    CHECK(usage::pg::classify_sqlstate("57P04") == FailureKind::other);        // database dropped: not passing
    CHECK(usage::pg::classify_sqlstate("57014") == FailureKind::other);        // query cancelled
    CHECK(usage::pg::classify_sqlstate("53100") == FailureKind::unavailable);  // disk full
    CHECK(usage::pg::classify_sqlstate("53300") == FailureKind::unavailable);  // too many connections
    CHECK(usage::pg::classify_sqlstate("40001") == FailureKind::retryable);
    CHECK(usage::pg::classify_sqlstate("40P01") == FailureKind::retryable);
    CHECK(usage::pg::classify_sqlstate("40002") == FailureKind::other);
    CHECK(usage::pg::classify_sqlstate("23505") == FailureKind::other);
    CHECK(usage::pg::classify_sqlstate("") == FailureKind::other);
    CHECK(usage::pg::classify_sqlstate("08") == FailureKind::other);
}

TEST_CASE("pg connection: parameters and typed getters round-trip exact values") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    Connection c(pg->fresh_database());

    const auto r = c.exec(
        "SELECT $1::bigint AS big, $2::text AS txt, $3::bigint AS missing, $4::boolean AS yes, "
        "$5::integer AS small, $6::text AS quoted",
        {std::int64_t{5'000'000'000'123}, "naïve ✓", std::optional<std::int64_t>{}, true, -7,
         std::string("it's; DROP TABLE x; --")});
    REQUIRE(r.rows() == 1);
    REQUIRE(r.columns() == 6);
    CHECK(r.int64(0, r.column("big")) == 5'000'000'000'123);
    CHECK(r.text(0, r.column("txt")) == "naïve ✓");
    CHECK(r.is_null(0, r.column("missing")));
    CHECK(r.optional_int64(0, r.column("missing")) == std::nullopt);
    CHECK(r.boolean(0, r.column("yes")));
    CHECK(r.int64(0, r.column("small")) == -7);
    CHECK(r.string(0, r.column("quoted")) == "it's; DROP TABLE x; --");
    CHECK(r.optional_int64(0, 0) == std::optional<std::int64_t>{5'000'000'000'123});

    CHECK_THROWS_WITH_AS((void)r.text(0, r.column("missing")),
                         "postgresql result, row 0 column 'missing': NULL where a value is required",
                         std::runtime_error);
    CHECK_THROWS_WITH_AS((void)r.int64(0, r.column("txt")),
                         "postgresql result, row 0 column 'txt': not a 64-bit integer: 'naïve ✓'", std::runtime_error);
    CHECK_THROWS_WITH_AS((void)r.boolean(0, r.column("big")),
                         "postgresql result, row 0 column 'big': not a boolean: '5000000000123'", std::runtime_error);
    CHECK_THROWS_WITH_AS((void)r.text(1, 0), "postgresql result, row 1 column 'big': no such row or column",
                         std::runtime_error);
    CHECK_THROWS_WITH_AS((void)r.column("nope"), "postgresql result has no column 'nope'", std::out_of_range);

    c.exec_script("CREATE TABLE t (k text PRIMARY KEY, n bigint NOT NULL); INSERT INTO t VALUES ('a', 1), ('b', 2)");
    CHECK(c.exec("UPDATE t SET n = n + $1", {10}).affected_rows() == 2);
    const auto rows = c.exec("SELECT k, n FROM t ORDER BY k");
    REQUIRE(rows.rows() == 2);
    CHECK(rows.text(0, 0) == "a");
    CHECK(rows.int64(0, 1) == 11);
    CHECK(rows.text(1, 0) == "b");
    CHECK(rows.int64(1, 1) == 12);
    CHECK(c.reusable());
    CHECK(c.healthy_when_idle());
}

TEST_CASE("pg connection: a failed statement is a PgError naming server, SQLSTATE and statement") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection admin(uri);
    const std::string server = server_of(admin, *pg);
    Connection c(uri);
    CHECK(c.server() == server);

    c.exec_script("CREATE TABLE t (k text PRIMARY KEY)");
    c.exec("INSERT INTO t VALUES ($1)", {"a"});
    try {
        c.exec("INSERT INTO t VALUES ($1)", {"a"});
        FAIL("a duplicate key was accepted");
    } catch (const usage::pg::PgError& e) {
        CHECK(e.sqlstate() == "23505");
        CHECK(std::string(e.what()) == "postgresql " + server +
                                           ": duplicate key value violates unique constraint \"t_pkey\": Key (k)=(a) "
                                           "already exists. (in: INSERT INTO t VALUES ($1)) (SQLSTATE 23505)");
    }
    CHECK_THROWS_WITH_AS(
        c.exec("SELEC 1"),
        ("postgresql " + server + ": syntax error at or near \"SELEC\" (in: SELEC 1) (SQLSTATE 42601)").c_str(),
        usage::pg::PgError);
    // An error is not a broken connection: it is used again.
    CHECK(c.reusable());
    CHECK(c.exec("SELECT 2").int64(0, 0) == 2);
}

TEST_CASE("pg connection: nothing listening is StoreUnavailable naming host:port, never the password") {
    int port = 0;
    const int fd = testing::bind_loopback(port);  // bound, not listening: connecting is refused
    const std::string uri = "postgresql://usage:s3cret-pw@127.0.0.1:" + std::to_string(port) + "/teamdb";
    try {
        Connection c(uri);
        FAIL("connected to a port nothing listens on");
    } catch (const usage::StoreUnavailable& e) {
        const std::string msg = e.what();
        CHECK(msg == "postgresql 127.0.0.1:" + std::to_string(port) +
                         "/teamdb: cannot connect: connection to server at \"127.0.0.1\", port " +
                         std::to_string(port) +
                         " failed: Connection refused Is the server running on that host and accepting TCP/IP "
                         "connections?");
        CHECK(msg.find("s3cret") == std::string::npos);
        const auto failure = usage::store_failure(std::current_exception());
        REQUIRE(failure);
        CHECK_FALSE(failure->busy);
    }
    ::close(fd);
    CHECK_THROWS_WITH_AS(Connection("postgresql://u:pw@h/db?bogus=1"),
                         "invalid PostgreSQL connection string: invalid URI query parameter: \"bogus\"",
                         std::invalid_argument);
}

TEST_CASE("pg connection: a terminated backend makes the next statement StoreUnavailable and the connection broken") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection admin(uri);
    Connection c(uri);
    REQUIRE(c.healthy_when_idle());
    CHECK(admin.scalar("SELECT pg_terminate_backend($1, 5000)", {std::to_string(c.backend_pid())}) == "t");
    // Still "open" to libpq, but the socket says otherwise.
    CHECK_FALSE(c.healthy_when_idle());
    CHECK_THROWS_AS(c.exec("SELECT 1"), usage::StoreUnavailable);
    CHECK_FALSE(c.reusable());
}

TEST_CASE("pg transaction: rolled back unless committed") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection other(uri);
    Connection c(uri);
    c.exec_script("CREATE TABLE t (n bigint)");
    {
        usage::pg::Transaction tx(c);
        c.exec("INSERT INTO t VALUES (1)");
        CHECK(other.scalar("SELECT count(*) FROM t") == "0");  // not visible before commit
    }
    CHECK(other.scalar("SELECT count(*) FROM t") == "0");
    CHECK(c.reusable());  // back outside any transaction
    {
        usage::pg::Transaction tx(c, usage::pg::Isolation::serializable);
        CHECK(c.exec("SHOW transaction_isolation").text(0, 0) == "serializable");
        c.exec("INSERT INTO t VALUES (2)");
        tx.commit();
    }
    CHECK(other.scalar("SELECT coalesce(string_agg(n::text, ','), '') FROM t") == "2");
    CHECK(c.reusable());
}

TEST_CASE("pg transaction: a serialization failure is PgRetryable and run_transaction runs the work again") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection other(uri);
    other.exec("CREATE TABLE t (k int PRIMARY KEY, n bigint NOT NULL); INSERT INTO t VALUES (1, 0)");
    Connection c(uri);

    // Another writer commits a change to the row after our snapshot: under
    // REPEATABLE READ our update of it must fail with 40001.
    int attempts = 0;
    const auto n = usage::pg::run_transaction(
        c,
        [&](Connection& conn) {
            ++attempts;
            (void)conn.exec("SELECT n FROM t WHERE k = 1");  // takes the snapshot
            if (attempts == 1) other.exec("UPDATE t SET n = n + 100 WHERE k = 1");
            return conn.exec("UPDATE t SET n = n + 1 WHERE k = 1 RETURNING n").int64(0, 0);
        },
        usage::pg::Isolation::repeatable_read);
    CHECK(attempts == 2);
    CHECK(n == 101);
    CHECK(other.scalar("SELECT n FROM t") == "101");

    attempts = 0;
    try {
        usage::pg::run_transaction(
            c,
            [&](Connection& conn) {
                ++attempts;
                (void)conn.exec("SELECT n FROM t WHERE k = 1");
                other.exec("UPDATE t SET n = n + 100 WHERE k = 1");
                conn.exec("UPDATE t SET n = n + 1 WHERE k = 1");
            },
            usage::pg::Isolation::repeatable_read, 3);
        FAIL("a transaction that always conflicts succeeded");
    } catch (const usage::StoreUnavailable& e) {
        CHECK(attempts == 3);
        const std::string server = server_of(other, *pg);
        CHECK(std::string(e.what()) ==
              "postgresql " + server +
                  ": gave up after 3 attempts, concurrent transactions kept conflicting; last: postgresql " + server +
                  ": could not serialize access due to concurrent update (in: UPDATE t SET n = n + 1 WHERE k = 1) "
                  "(SQLSTATE 40001)");
    }
    CHECK(other.scalar("SELECT n FROM t") == "401");  // only the other writer's three updates
    CHECK(c.reusable());
}

#endif  // USAGE_WITH_POSTGRES
