// The PostgreSQL store's schema: an ordered list of migrations (append one,
// never edit one) and the routine that brings a database up to date. Several
// `serve` replicas may start at once against one database; they take turns
// on an advisory lock, so each migration runs exactly once.
#pragma once

#include <span>
#include <string_view>

#include "store/postgres/pg_connection.hpp"

namespace usage::pg {

struct Migration {
    std::string_view description;  ///< recorded in schema_migrations
    std::string_view sql;          ///< one or more statements
};

/// The store's migrations; migration i (0-based) makes schema version i + 1.
std::span<const Migration> store_migrations();

/// The version recorded in `schema_migrations` (the highest applied), 0 for a
/// database that has none.
int schema_version(Connection& conn);

/// Applies the migrations of `migrations` the database lacks, in order, in
/// one transaction holding an advisory lock, with a schema_migrations row
/// each; returns the version reached. A concurrent caller waits for the lock
/// and then finds nothing left to do. Throws std::runtime_error when the
/// database is newer than `migrations` ("upgrade usage-agent"), PgError
/// naming the migration when one fails (nothing of the run is kept).
int migrate(Connection& conn, std::span<const Migration> migrations = store_migrations());

}  // namespace usage::pg
