// usage::store_failure tells a failing store (503 at the endpoint, the store
// named by the CLI) from other errors, without the caller naming a backend.
#include "usage/store/store_failure.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <functional>
#include <stdexcept>

#include "test_support.hpp"
#include "usage/store/store.hpp"

namespace {

std::exception_ptr caught(const std::function<void()>& f) {
    try {
        f();
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

}  // namespace

TEST_CASE("store failure: a store locked by another writer is busy, a damaged one is not, other errors are none") {
    testing::TempDir dir;
    usage::Store store(dir.path());
    SQLite::Database other((dir.path() / "usage.db").string(), SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");  // the other writer holds the lock
    const auto locked = caught([&] {
        SQLite::Database mine((dir.path() / "usage.db").string(), SQLite::OPEN_READWRITE);
        mine.exec("BEGIN IMMEDIATE");
    });
    const auto busy = usage::store_failure(locked);
    REQUIRE(busy);
    CHECK(busy->busy);
    CHECK(busy->message == "database is locked");
    other.exec("ROLLBACK");

    testing::write_file(dir.path() / "junk.db", std::string(4096, 'x'));
    const auto damaged = usage::store_failure(caught([&] {
        SQLite::Database junk((dir.path() / "junk.db").string(), SQLite::OPEN_READONLY);
        junk.exec("SELECT count(*) FROM sqlite_master");
    }));
    REQUIRE(damaged);
    CHECK_FALSE(damaged->busy);
    CHECK(damaged->message == "file is not a database");

    const auto unavailable = usage::store_failure(
        caught([] { throw usage::StoreUnavailable("db.example:5432/usage: connection refused"); }));
    REQUIRE(unavailable);
    CHECK(unavailable->message == "db.example:5432/usage: connection refused");
    CHECK_FALSE(unavailable->busy);

    CHECK_FALSE(usage::store_failure(caught([] { throw std::invalid_argument("bad range"); })));
    CHECK_FALSE(usage::store_failure(nullptr));
}
