// One stored row of `events` read back whole, as the outbox sends it and a
// store export writes it: the SELECT list and its reader live together so
// the two never disagree about a column.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include "usage/sync/protocol.hpp"

namespace usage::detail {

/// The columns read_event_row reads, for `SELECT <this> FROM events e LEFT
/// JOIN machines m ON m.key = e.machine`.
inline constexpr const char* kEventRowColumns =
    "e.id, e.source, e.session_id, e.parent_session_id, e.model, e.pricing_model, e.model_guessed, e.aggregate, "
    "e.provider, "
    "e.project_name, e.project_path, e.git_branch, e.surface, coalesce(m.id, ''), e.ts_ms, e.input, e.output, "
    "e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, e.reported_cost_micros, e.cost_micros, "
    "e.cost_origin, substr(e.id, 1, e.dedup_len), e.replay, e.superseded, e.revision, e.repository, e.failure, "
    "e.user";

/// The row whose kEventRowColumns start at column `first`.
sync::WireEvent read_event_row(SQLite::Statement& st, int first);

}  // namespace usage::detail
