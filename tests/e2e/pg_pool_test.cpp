// The connection pool a `serve` process shares between requests, against a
// real server: bounded, thread-safe, never handing out a connection the
// server has closed, and failing within its wait bound instead of hanging.
#ifdef USAGE_WITH_POSTGRES

#include "store/postgres/pg_pool.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pg_connection.hpp"
#include "postgres_server.hpp"
#include "test_support.hpp"
#include "usage/store/store_failure.hpp"

namespace {

using usage::pg::Lease;
using usage::pg::Pool;
using usage::pg::PoolOptions;

// Connections our pools hold open on the database of `admin`.
std::string pool_backends(testing::PgConnection& admin) {
    return admin.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = "
        "'usage-agent'");
}

}  // namespace

TEST_CASE("pg pool: 8 threads x 100 leases share at most 4 connections") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection admin(uri);
    Pool pool(PoolOptions{uri, 4, std::chrono::milliseconds(10000)});

    std::atomic<int> holding{0}, most_held{0}, done{0}, wrong{0};
    std::latch start(8);
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < 100; ++i) {
                Lease lease = pool.lease();
                const int now = ++holding;
                for (int seen = most_held.load(); now > seen && !most_held.compare_exchange_weak(seen, now);) {
                }
                const std::int64_t v = std::int64_t{t} * 1'000'000'000'000 + i;
                if (lease->exec("SELECT $1::bigint + 1", {v}).int64(0, 0) != v + 1) ++wrong;
                --holding;
                ++done;
            }
        });
    }
    threads.clear();  // joins
    CHECK(done == 800);
    CHECK(wrong == 0);
    CHECK(most_held <= 4);
    CHECK(most_held >= 2);  // eight threads did overlap
    const auto stats = pool.stats();
    CHECK(stats.open <= 4);
    CHECK(stats.idle == stats.open);
    CHECK(stats.opened == stats.open);
    CHECK(stats.replaced == 0);
    CHECK(pool_backends(admin) == std::to_string(stats.open));
}

TEST_CASE("pg pool: an idle connection the server terminated is replaced before it is handed out") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection admin(uri);
    Pool pool(PoolOptions{uri, 2, std::chrono::milliseconds(2000)});

    int first_pid = 0;
    {
        Lease lease = pool.lease();
        first_pid = lease->backend_pid();
    }
    REQUIRE(pool.stats().idle == 1);
    CHECK(admin.scalar("SELECT pg_terminate_backend($1, 5000)", {std::to_string(first_pid)}) == "t");

    Lease lease = pool.lease();
    CHECK(lease->backend_pid() != first_pid);
    CHECK(lease->exec("SELECT 41 + 1").int64(0, 0) == 42);
    const auto stats = pool.stats();
    CHECK(stats.open == 1);
    CHECK(stats.opened == 2);
    CHECK(stats.replaced == 1);
}

TEST_CASE("pg pool: a connection that broke while leased, or came back inside a transaction, is not reused") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection admin(uri);
    Pool pool(PoolOptions{uri, 2, std::chrono::milliseconds(2000)});

    {
        Lease lease = pool.lease();
        CHECK(admin.scalar("SELECT pg_terminate_backend($1, 5000)", {std::to_string(lease->backend_pid())}) == "t");
        CHECK_THROWS_AS(lease->exec("SELECT 1"), usage::StoreUnavailable);
    }
    CHECK(pool.stats().open == 0);
    CHECK(pool.stats().replaced == 1);
    {
        Lease lease = pool.lease();
        lease->exec("BEGIN");  // given back without COMMIT or ROLLBACK
    }
    CHECK(pool.stats().open == 0);
    CHECK(pool.stats().replaced == 2);
    Lease lease = pool.lease();
    CHECK(lease->exec("SELECT 7").int64(0, 0) == 7);
    CHECK(pool.stats().opened == 3);
}

TEST_CASE("pg pool: waiting for a connection is bounded, and a connection given back in time is taken") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    testing::PgConnection admin(uri);
    const std::string server =
        "127.0.0.1:" + std::to_string(pg->port()) + "/" + admin.scalar("SELECT current_database()");
    Pool pool(PoolOptions{uri, 1, std::chrono::milliseconds(200)});
    CHECK(pool.server() == server);

    std::optional<Lease> held(pool.lease());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS((void)pool.lease(),
                         ("postgresql " + server + ": no connection free within 200 ms (all 1 in use)").c_str(),
                         usage::StoreUnavailable);
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(200));

    // Given back by another thread 50 ms into the wait: the waiter gets it.
    std::jthread giver([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        held.reset();
    });
    Lease lease = pool.lease();
    CHECK(lease->exec("SELECT 1").int64(0, 0) == 1);
    CHECK(pool.stats().opened == 1);
}

TEST_CASE("pg pool: a server that cannot be reached is StoreUnavailable at once and holds no slot") {
    int port = 0;
    const int fd = testing::bind_loopback(port);
    Pool pool(PoolOptions{"postgresql://usage:pw@127.0.0.1:" + std::to_string(port) + "/usage", 1,
                          std::chrono::milliseconds(10000)});
    for (int i = 0; i < 2; ++i) {  // the failed attempt gave its slot back: the second one tries again
        const auto t0 = std::chrono::steady_clock::now();
        CHECK_THROWS_AS((void)pool.lease(), usage::StoreUnavailable);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(5000));
    }
    CHECK(pool.stats().open == 0);
    ::close(fd);
    CHECK_THROWS_WITH_AS(Pool(PoolOptions{"postgresql://h/db", 0, std::chrono::milliseconds(1)}),
                         "postgresql pool: max_connections must be at least 1", std::invalid_argument);
}

#endif  // USAGE_WITH_POSTGRES
