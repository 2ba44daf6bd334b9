#include "store/sqlite/store_schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite/rollup_schema.hpp"

namespace usage::detail {

const std::vector<std::string_view>& store_migrations() {
    static const std::vector<std::string_view> migrations = {
        // 1: events, cursors, machines, meta.
        R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  session_id TEXT NOT NULL DEFAULT '',
  parent_session_id TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  provider TEXT NOT NULL DEFAULT '',
  project_name TEXT NOT NULL DEFAULT '',
  project_path TEXT NOT NULL DEFAULT '',
  git_branch TEXT NOT NULL DEFAULT '',
  surface TEXT NOT NULL DEFAULT '',
  machine INTEGER NOT NULL DEFAULT 0,  -- machines.key; 0 = none (36 bytes less per row than the UUID)
  user TEXT NOT NULL DEFAULT '',
  ts_ms INTEGER NOT NULL,
  input INTEGER NOT NULL DEFAULT 0,
  output INTEGER NOT NULL DEFAULT 0,
  reasoning INTEGER NOT NULL DEFAULT 0,
  cache_read INTEGER NOT NULL DEFAULT 0,
  cache_write_5m INTEGER NOT NULL DEFAULT 0,
  cache_write_1h INTEGER NOT NULL DEFAULT 0,
  reported_cost_micros INTEGER,
  cost_micros INTEGER,
  cost_origin INTEGER NOT NULL DEFAULT 0,  -- usage::CostOrigin: 0 unpriced, 1 estimated, 2 reported, 3 override
  dedup_len INTEGER NOT NULL DEFAULT 0,  -- the group is substr(id, 1, dedup_len): see event.hpp
  replay INTEGER NOT NULL DEFAULT 0,
  superseded INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX events_ts ON events (ts_ms);
-- Every sync warns about unpriced models: keep that a lookup, not a table scan.
CREATE INDEX events_unpriced ON events (model) WHERE cost_origin = 0;
CREATE TABLE cursors (
  source TEXT NOT NULL,
  path TEXT NOT NULL,
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  head_hash INTEGER NOT NULL,
  tail_hash INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (source, path)
);
CREATE TABLE machines (key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                       updated_ms INTEGER NOT NULL);
)sql",
        // 2: pricing model + guessed flag, the push outbox (change_seq), import
        // coverage, push state, endpoint tokens, machine details.
        R"sql(
ALTER TABLE events ADD COLUMN pricing_model TEXT NOT NULL DEFAULT '';  -- '' = price `model`
ALTER TABLE events ADD COLUMN model_guessed INTEGER NOT NULL DEFAULT 0;
-- Bumped on every insert or change of a row: the outbox is every row after
-- the pushed (change_seq, rowid) mark. Existing rows start unsent (0).
ALTER TABLE events ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_change ON events (change_seq);
-- Spans over which an imported file is the complete record of a source: its
-- `replay` events (partial local copies) inside them are superseded.
CREATE TABLE coverage (source TEXT NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL,
                       PRIMARY KEY (source, from_ms, to_ms));
CREATE TABLE push_state (
  endpoint TEXT PRIMARY KEY,
  seq INTEGER NOT NULL DEFAULT -1,   -- last (change_seq, rowid) acknowledged by the endpoint
  row INTEGER NOT NULL DEFAULT -1,
  last_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_success_ms INTEGER NOT NULL DEFAULT 0,
  last_result TEXT NOT NULL DEFAULT ''
);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,         -- SHA-256 of the token; the token itself is never stored
  prefix TEXT NOT NULL,              -- first characters, to recognise it in `token list`
  user TEXT NOT NULL,
  role TEXT NOT NULL,                -- member | manager | admin
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER
);
ALTER TABLE machines ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE machines ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE machines ADD COLUMN agent_version TEXT NOT NULL DEFAULT '';
)sql",
        // 3: rows an endpoint refused by name (a 400 whose reason is about
        // 'events[i]'), per endpoint. One bad row must not hold back the rows
        // after it: it is skipped until its content changes (a new change_seq).
        R"sql(
CREATE TABLE push_set_aside (
  endpoint TEXT NOT NULL,
  event_id TEXT NOT NULL,
  change_seq INTEGER NOT NULL,       -- the row's change_seq when it was refused
  reason TEXT NOT NULL,              -- the endpoint's reason, as it gave it
  set_aside_ms INTEGER NOT NULL,
  PRIMARY KEY (endpoint, event_id)
);
)sql",
        // 4: the usage rollup, its triggers and its fill (rollup_schema.cpp):
        // reports read whole hours from it instead of every event.
        rollup_migration_sql(),
        // 5: the daily rollup, kept from the hourly one (rollup_schema.cpp).
        rollup_day_migration_sql(),
        // 6: the git remote of the event's project folder (UsageEvent::repository).
        "ALTER TABLE events ADD COLUMN repository TEXT NOT NULL DEFAULT '';",
        // 7: the rollups keyed by repository too (rollup_schema.cpp).
        rollup_repository_migration_sql(),
        // 8: failed calls, counted apart from the events (rollup_schema.cpp).
        rollup_failure_migration_sql(),
        // 9: the event is a sum of several calls (UsageEvent::aggregate):
        // priced at base rates, now and on every re-price. Rows stored
        // before were priced per call and stay so until a source re-reads them.
        "ALTER TABLE events ADD COLUMN aggregate INTEGER NOT NULL DEFAULT 0;",
        // 10: the session cost ledger: a tool's own figure for a whole
        // session (Claude Code's statusline cost.total_cost_usd), which
        // reports prefer to the sum of estimated events. Keyed by session;
        // only ever grows (Store::record_session_cost keeps the largest).
        R"sql(
CREATE TABLE session_ledger (
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  cost_micros INTEGER NOT NULL,
  model TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',   -- of the tool that reported the figure
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (source, session_id)
);
)sql",
        // 11: budget alerts delivered (usage/budget/budget.hpp): one row per
        // threshold, period, scope and notifier, so an alert goes out once
        // per period to each notifier, across restarts.
        R"sql(
CREATE TABLE budget_alerts (
  budget TEXT NOT NULL,
  scope TEXT NOT NULL,             -- '' for everyone; the user or project of a per-user/project budget
  period_start_ms INTEGER NOT NULL,
  threshold INTEGER NOT NULL,      -- percent
  notifier TEXT NOT NULL,          -- BudgetNotifier::key()
  delivered_ms INTEGER NOT NULL,
  PRIMARY KEY (budget, period_start_ms, scope, threshold, notifier)
);
)sql",
        // 12: the latest rate-limit reading of each plan window
        // (usage/store/limit_store.hpp): one row per (source, window), kept
        // only while no newer reading arrives.
        R"sql(
CREATE TABLE limit_snapshots (
  source TEXT NOT NULL,
  window_key TEXT NOT NULL,              -- primary, secondary, 5h, 7d, ...
  window_minutes INTEGER NOT NULL DEFAULT 0,  -- 0 = not reported
  used_percent REAL NOT NULL,
  resets_at_ms INTEGER NOT NULL DEFAULT 0,    -- 0 = not reported
  plan TEXT NOT NULL DEFAULT '',
  observed_ms INTEGER NOT NULL,
  session_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (source, window_key)
);
)sql",
    };
    return migrations;
}

UsageEvent pricing_inputs_from_row(const SQLite::Statement& st, int first) {
    UsageEvent e;
    e.model = st.getColumn(first).getString();
    e.tokens = {st.getColumn(first + 1).getInt64(), st.getColumn(first + 2).getInt64(),
                st.getColumn(first + 3).getInt64(), st.getColumn(first + 4).getInt64(),
                st.getColumn(first + 5).getInt64(), st.getColumn(first + 6).getInt64()};
    if (!st.getColumn(first + 7).isNull()) e.reported_cost_micros = st.getColumn(first + 7).getInt64();
    e.aggregate = st.getColumn(first + 8).getInt() != 0;
    return e;
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& v) {
    if (v)
        st.bind(index, static_cast<std::int64_t>(*v));
    else
        st.bind(index);
}

}  // namespace usage::detail
