// usage/store/limit_store.hpp — the latest rate-limit reading of each plan
// window (usage/model/limit_snapshot.hpp), kept in the store's
// `limit_snapshots` table: one row per (source, window), never a history.
// The scan engine records what plugins read; the statusline records what
// Claude Code passes it.
#pragma once

#include <vector>

#include "usage/model/limit_snapshot.hpp"
#include "usage/store/store.hpp"

namespace usage {

/// Keep `snapshot` as its window's reading unless the store holds one
/// observed at the same time or later (a re-read old file must not move a
/// window back). Returns whether the row changed; takes no write lock when
/// it does not. Throws std::invalid_argument without a source or window.
bool record_limit(Store& store, const LimitSnapshot& snapshot);

/// Every window's latest reading, by source then window.
std::vector<LimitSnapshot> stored_limits(const Store& store);

}  // namespace usage
