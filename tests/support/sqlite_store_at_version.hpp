// A SQLite store as an older usage-agent left it: this binary's migrations
// 1..version run on `dir/usage.db` and PRAGMA user_version set to version,
// open for a test to write rows with the columns that version had before
// usage::Store opens (and upgrades) it.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <string>

#include "store/sqlite/rollup_schema.hpp"
#include "store/sqlite/store_schema.hpp"

namespace testing {

inline SQLite::Database sqlite_store_at_version(const std::filesystem::path& dir, int version) {
    SQLite::Database db((dir / "usage.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    usage::detail::register_rollup_functions(db.getHandle());  // the rollup migrations' fill
    const auto& migrations = usage::detail::store_migrations();
    for (int i = 0; i < version; ++i) db.exec(std::string(migrations[static_cast<std::size_t>(i)]));
    db.exec("PRAGMA user_version = " + std::to_string(version));
    return db;
}

}  // namespace testing
