// One store suite, every backend: a test written against usage::Store runs
// once on a fresh SQLite store and once on a fresh PostgreSQL database (when
// the library has PostgreSQL and a server can run here; USAGE_REQUIRE_POSTGRES
// turns "cannot" into a failure), with the same fixtures and the same exact
// numbers.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>

#include "test_support.hpp"
#include "usage/store/store.hpp"
#include "usage/store/store_location.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "postgres_server.hpp"
#endif

namespace testing {

struct StoreBackend {
    std::string name;  ///< sqlite | postgresql
    /// The store (its location is fixed per run: open it again to reopen).
    std::function<std::unique_ptr<usage::Store>()> open;
};

inline void for_each_backend(const std::function<void(const StoreBackend&)>& check) {
    {
        TempDir dir;
        const auto location = usage::StoreLocation::parse(dir.path().string());
        INFO("backend: sqlite");
        check({"sqlite", [location] { return std::make_unique<usage::Store>(location); }});
    }
#ifdef USAGE_WITH_POSTGRES
    if (PostgresServer* pg = shared_postgres_or_skip()) {
        const auto location = usage::StoreLocation::parse(pg->fresh_database());
        INFO("backend: postgresql");
        check({"postgresql", [location] { return std::make_unique<usage::Store>(location); }});
    }
#endif
}

}  // namespace testing
