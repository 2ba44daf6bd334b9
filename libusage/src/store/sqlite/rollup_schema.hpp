// The usage rollups' schema (migrations 4, 5, 7 and 8) and the SQL function their fill needs.
//
// usage_rollup holds, per UTC hour and (source, session id, model, project,
// surface, machine, user, repository), the sums run_query adds up and the
// first and last event time. Triggers on `events` keep it equal to a GROUP BY
// over the counted events (superseded = 0, and since migration 8 failure =
// '') inside the statement that changes an event, so every write path
// (StoreWriter's insert, merge, re-price and supersede, Store::reprice_all,
// the endpoint's ingest, and any future UPDATE) keeps it exact in the same
// transaction without having to remember to.
#pragma once

#include <string_view>

struct sqlite3;

namespace usage::detail {

/// Migration 4: the table, its triggers, and the fill from existing events.
/// Its text is part of the schema history: never change it, append a migration.
std::string_view rollup_migration_sql();

/// Migration 5: usage_rollup_day (the same sums per UTC day), the triggers
/// on usage_rollup that keep it, and its fill. Never change it either.
std::string_view rollup_day_migration_sql();

/// Migration 7: both rollups dropped and built again with the repository in
/// their key (the tables, their triggers, their fills). Never change it.
std::string_view rollup_repository_migration_sql();

/// Migration 8: events gain `failure` (UsageEvent::failure) with an index of
/// the failed calls, and the triggers on events are made again to leave
/// failed calls out of both rollups. Never change it.
std::string_view rollup_failure_migration_sql();

/// Both rollups emptied and filled again from the events (the fills of
/// migration 7): what a writer that set the rollup triggers aside
/// (rollup_fill.hpp) runs before its commit when the C++ fill cannot give
/// the same rows. (The `rollup_pause` table of migration 7, which the
/// triggers still consult, is no longer written: a trigger dropped for a
/// transaction costs nothing per event, a paused one a probe.)
std::string_view rollup_rebuild_sql();

/// Registers `usage_isum(x)`, the aggregate migration 4 fills the rollup with:
/// an exact 64-bit sum that, like SQLite's `+` (and unlike sum(), which
/// raises an error), turns into a REAL when it leaves 64 bits. A REAL in the
/// rollup tells the query path to read the events instead.
void register_rollup_functions(sqlite3* db);

}  // namespace usage::detail
