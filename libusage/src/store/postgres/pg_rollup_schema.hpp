// The PostgreSQL rollups' schema as rebuilt by migration 5: usage_rollup and
// usage_rollup_day keyed by repository too, with the statement triggers that
// keep them (the same rules migrations 2 and 3 spelled out by hand, generated
// from one key list here because the key now appears in ~40 places).
#pragma once

#include <string_view>

namespace usage::pg {

/// Migration 5: drops the rollups, their triggers and functions, creates
/// them again on (hour or day, source, session_id, model, project_name,
/// surface, machine, user_name, repository) and fills them from the events.
/// Part of the schema history: never change it, append a migration.
std::string_view rollup_repository_migration_sql();

/// Migration 6: events gain `failure` (UsageEvent::failure) with an index of
/// the failed calls, and the hourly rollup's trigger functions are replaced
/// by ones that leave failed calls out. Never change it either.
std::string_view failure_migration_sql();

}  // namespace usage::pg
