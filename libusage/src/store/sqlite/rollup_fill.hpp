// The first scan's rollup fill, done in C++ instead of SQL.
//
// A writer that fills an empty store sets the rollup triggers aside and
// builds both rollups once at its commit (store_writer.cpp). The SQL fill of
// migration 7 is a GROUP BY over nine key columns, and SQLite's sorter spends
// a second-scan's worth of time on it (about 170 ms of a 1 GB home's 1 s
// first sync, all of it after the last file is parsed). Adding the same rows
// up in a hash map of interned keys reads the events once and writes rows
// that are already sums, in key order: the same rows, a fifth of the time.
#pragma once

#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace usage::detail {

/// Empties usage_rollup and usage_rollup_day and fills them from the counted
/// events (superseded = 0 AND failure = ''), row for row what the SQL fill of
/// rollup_rebuild_sql() writes. Must run while the rollup triggers are set
/// aside (drop_rollup_triggers), in the writer's transaction. Returns false, having written
/// nothing, when the C++ sums cannot give the SQL's answer: a sum leaving 64
/// bits (usage_isum turns it into a REAL) or a value that is not an integer;
/// the caller then runs rollup_rebuild_sql().
bool fill_rollups_from_events(SQLite::Database& db);

/// Takes the rollup triggers (on events and on usage_rollup) out of the
/// schema for the rest of this transaction and returns their CREATE
/// statements, for restore_rollup_triggers() before the commit. A dropped
/// trigger costs nothing per insert, where a paused one still evaluates its
/// WHEN clause (a probe of rollup_pause) for every event of a first scan.
/// Other connections never see the triggers missing: the drop and the
/// restore are in one transaction, and a rollback undoes the drop.
std::vector<std::string> drop_rollup_triggers(SQLite::Database& db);

/// Creates again the triggers drop_rollup_triggers() returned.
void restore_rollup_triggers(SQLite::Database& db, const std::vector<std::string>& creates);

}  // namespace usage::detail
