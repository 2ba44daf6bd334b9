// The SQLite event writer: the write path of a scan and of an endpoint's
// ingest. New calls take one INSERT; a known id takes the merge UPDATE
// (TokenCounts::merge_copy) and is re-priced.
#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sqlite/rollup_fill.hpp"
#include "store/sqlite/rollup_schema.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "store/sqlite/store_schema.hpp"
#include "usage/os/wall_clock.hpp"

namespace usage::detail {
namespace {

constexpr const char* kInsertSql = R"sql(
INSERT INTO events (id, source, session_id, parent_session_id, model, provider, project_name,
  project_path, git_branch, surface, machine, user, ts_ms, input, output, reasoning, cache_read,
  cache_write_5m, cache_write_1h, reported_cost_micros, cost_micros, cost_origin, dedup_len, replay,
  pricing_model, model_guessed, change_seq, repository, aggregate, failure)
VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30)
ON CONFLICT (id) DO NOTHING
)sql";

constexpr const char* kMergeTemplate = R"sql(
UPDATE events SET
  session_id = CASE WHEN {new_session_wins} THEN ?3 ELSE session_id END,
  parent_session_id = CASE WHEN {new_session_wins} THEN ?4
    WHEN parent_session_id = '' AND ?3 = session_id THEN ?4 ELSE parent_session_id END,
  pricing_model = CASE WHEN model = '' OR (model_guessed AND NOT ?26 AND ?5 <> '') THEN ?25 ELSE pricing_model END,
  model = CASE WHEN model = '' OR (model_guessed AND NOT ?26 AND ?5 <> '') THEN ?5 ELSE model END,
  model_guessed = CASE WHEN model = '' OR (model_guessed AND NOT ?26 AND ?5 <> '') THEN ?26 ELSE model_guessed END,
  provider = CASE WHEN provider = '' THEN ?6 ELSE provider END,
  project_name = CASE WHEN project_name = '' THEN ?7 ELSE project_name END,
  project_path = CASE WHEN project_path = '' THEN ?8 ELSE project_path END,
  git_branch = CASE WHEN git_branch = '' THEN ?9 ELSE git_branch END,
  repository = CASE WHEN repository = '' THEN ?28 ELSE repository END,
  surface = CASE WHEN surface = '' THEN ?10 ELSE surface END,
  ts_ms = CASE WHEN ?13 = 0 THEN ts_ms WHEN ts_ms = 0 THEN ?13 ELSE min(ts_ms, ?13) END,
  input = CASE WHEN {new_prompt_wins} THEN ?14 ELSE input END,
  cache_read = CASE WHEN {new_prompt_wins} THEN ?17 ELSE cache_read END,
  cache_write_5m = CASE WHEN {new_prompt_wins} THEN ?18 ELSE cache_write_5m END,
  cache_write_1h = CASE WHEN {new_prompt_wins} THEN ?19 ELSE cache_write_1h END,
  output = max(output, ?15),
  reasoning = max(reasoning, ?16),
  reported_cost_micros = max(coalesce(reported_cost_micros, ?20), coalesce(?20, reported_cost_micros)),
  replay = replay AND ?24,
  aggregate = aggregate OR ?29,
  revision = revision + 1,
  change_seq = ?27
WHERE id = ?1 AND ({new_prompt_wins} OR ?15 > output OR ?16 > reasoning OR (replay AND NOT ?24)
   OR coalesce(?20, 0) > coalesce(reported_cost_micros, 0)
   OR (model = '' AND ?5 <> '') OR (model_guessed AND NOT ?26 AND ?5 <> '') OR {new_session_wins}
   OR (repository = '' AND ?28 <> '') OR (?29 AND NOT aggregate))
RETURNING coalesce(nullif(pricing_model, ''), model), input, output, reasoning, cache_read, cache_write_5m, cache_write_1h, reported_cost_micros, aggregate, superseded
)sql";

// The new copy's prompt figures replace the stored ones as a whole, never
// field by field: TokenCounts::prompt_outranks as a row-value comparison
// (every SET expression sees the row's values from before the UPDATE).
constexpr std::string_view kNewPromptWins =
    "(?14 + ?17 + ?18 + ?19, (?17 + ?18 + ?19) > 0, ?17, ?18, ?19) > "
    "(input + cache_read + cache_write_5m + cache_write_1h, "
    "(cache_read + cache_write_5m + cache_write_1h) > 0, cache_read, cache_write_5m, cache_write_1h)";

// A call copied into several sessions (a resumed session copies earlier
// lines into its own file) belongs to the session whose id sorts first, with
// that copy's parent: UsageEvent::merge's rule, so the session a call counts
// in never depends on which file was read (or committed) first.
constexpr std::string_view kNewSessionWins = "(?3 <> '' AND (session_id = '' OR ?3 < session_id))";

const std::string& merge_sql() {
    static const std::string sql = [] {
        std::string out = kMergeTemplate;
        for (const auto& [slot, text] :
             {std::pair<std::string_view, std::string_view>{"{new_prompt_wins}", kNewPromptWins},
              {"{new_session_wins}", kNewSessionWins}})
            for (auto at = out.find(slot); at != std::string::npos; at = out.find(slot, at))
                out.replace(at, slot.size(), text);
        return out;
    }();
    return sql;
}

// Bind an event to the numbered parameters shared by kInsertSql and the merge
// UPDATE (which leaves out ?30: a row's failure never changes). The strings
// are bound without copying: they outlive the statement's step.
void bind_event(SQLite::Statement& st, const UsageEvent& e, const PricedCost& cost, std::int64_t machine,
                std::int64_t change_seq, bool insert) {
    int i = 1;
    for (const std::string* s : {&e.id, &e.source, &e.session_id, &e.parent_session_id, &e.model, &e.provider,
                                 &e.project_name, &e.project_path, &e.git_branch, &e.surface})
        st.bindNoCopy(i++, *s);
    st.bind(i++, machine);  // machines.key of e.machine_id
    st.bindNoCopy(i++, e.user);
    st.bind(i++, static_cast<std::int64_t>(e.timestamp_ms));
    for (auto v : {e.tokens.input, e.tokens.output, e.tokens.reasoning, e.tokens.cache_read, e.tokens.cache_write_5m,
                   e.tokens.cache_write_1h})
        st.bind(i++, static_cast<std::int64_t>(v));
    bind_optional(st, i++, e.reported_cost_micros);
    bind_optional(st, i++, cost.micros);
    st.bind(i++, static_cast<int>(cost.origin));
    // The group is a prefix of the id: its length is all the row needs.
    st.bind(i++, static_cast<std::int64_t>(e.dedup_group.size()));
    st.bind(i++, e.replay ? 1 : 0);
    st.bindNoCopy(i++, e.pricing_model);
    st.bind(i++, e.model_guessed ? 1 : 0);
    st.bind(i++, change_seq);
    st.bindNoCopy(i++, e.repository);
    st.bind(i++, e.aggregate ? 1 : 0);
    if (insert) st.bindNoCopy(i++, e.failure);
}

// Which dedup groups a writer has seen, as a fixed bitset of group hashes:
// "maybe" costs one index probe, "no" is exact. A false "maybe" (about 1% at
// 100,000 groups, 11% at a million) only spends a probe, and one bit test
// per event keeps the first scan's writer - the one thread every event
// passes through - free of a node allocation per event.
class GroupFilter {
public:
    void add(std::size_t hash) {
        if (bits_.empty()) bits_.assign(kBits / 64, 0);  // on first use
        bits_[(hash >> 6) & kWordMask] |= std::uint64_t{1} << (hash & 63);
    }
    [[nodiscard]] bool maybe_contains(std::size_t hash) const {
        return !bits_.empty() && ((bits_[(hash >> 6) & kWordMask] >> (hash & 63)) & 1);
    }

private:
    static constexpr std::size_t kBits = std::size_t{1} << 23;  // 1 MiB
    static constexpr std::size_t kWordMask = kBits / 64 - 1;
    std::vector<std::uint64_t> bits_;
};

}  // namespace

class SqliteEventWriter final : public EventWriter {
public:
    SqliteEventWriter(SqliteBackend& backend, const PriceBook& prices);
    void add(const FileBatch& batch) override;
    void add_coverage(const std::string& source, std::int64_t from_ms, std::int64_t to_ms) override;
    void supersede(const std::string& id) override;
    void record_machine(const MachineDetails& machine) override;
    void commit() override;
    [[nodiscard]] const ApplyStats& stats() const override { return stats_; }

private:
    struct Statements;
    std::int64_t machine_key(const std::string& machine_id);
    void count_superseded(SQLite::Statement& st);
    SqliteBackend& backend_;
    const PriceBook& prices_;
    std::unique_ptr<Statements> st_;
    ApplyStats stats_;
};

struct SqliteEventWriter::Statements {
    explicit Statements(SQLite::Database& db)
        : tx(std::make_unique<SQLite::Transaction>(db)),
          machine_add(db, "INSERT INTO machines (id, name, updated_ms) VALUES (?, ?, 0) ON CONFLICT (id) DO NOTHING"),
          machine_get(db, "SELECT key FROM machines WHERE id = ?"),
          insert(db, kInsertSql),
          merge(db, merge_sql()),
          reprice(db, "UPDATE events SET cost_micros = ?, cost_origin = ? WHERE id = ?"),
          replay_check(db,
                       "SELECT EXISTS (SELECT 1 FROM events WHERE id >= ?1 AND id < ?2 AND id <> ?3 "
                       "AND replay = 0)"),
          supersede_self(db,
                         "UPDATE events SET superseded = 1, revision = revision + 1, change_seq = ?2 "
                         "WHERE id = ?1 AND superseded = 0 RETURNING rowid, failure <> ''"),
          supersede_replays(db,
                            "UPDATE events SET superseded = 1, revision = revision + 1, change_seq = ?4 "
                            "WHERE id >= ?1 AND id < ?2 AND id <> ?3 AND replay = 1 AND superseded = 0 "
                            "RETURNING rowid, failure <> ''"),
          add_coverage(db, "INSERT INTO coverage (source, from_ms, to_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
          supersede_covered(db,
                            "UPDATE events SET superseded = 1, revision = revision + 1, change_seq = ?4 "
                            "WHERE ts_ms BETWEEN ?2 AND ?3 AND source = ?1 AND replay = 1 AND superseded = 0 "
                            "RETURNING rowid, failure <> ''"),
          save_cursor(db, R"sql(
INSERT INTO cursors (source, path, device, inode, size, mtime_ns, offset, head_hash, tail_hash, state)
VALUES (?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (source, path) DO UPDATE SET device = excluded.device, inode = excluded.inode,
  size = excluded.size, mtime_ns = excluded.mtime_ns, offset = excluded.offset,
  head_hash = excluded.head_hash, tail_hash = excluded.tail_hash, state = excluded.state)sql") {}
    std::unique_ptr<SQLite::Transaction> tx;
    // Set while this writer's transaction fills an empty store: the rollup
    // triggers cost as much as the rest of a first scan (a rollup upsert and
    // a daily one per event), so they are set aside (dropped inside this
    // transaction) and commit() fills both rollups from the events in one
    // pass (rollup_fill.hpp), then restores them. Correct because every
    // event counted is in this transaction (the store was empty in its
    // snapshot, and a write succeeds only while that snapshot is the newest).
    bool rollups_paused = false;
    std::vector<std::string> set_aside_triggers;  // drop_rollup_triggers()
    // Groups written by this writer. When the store held no replay before,
    // a non-replay event can only supersede replays of `replay_groups`; when
    // it held no event at all (a first scan), a replay can only be
    // superseded by a call of `plain_groups`. Both spare a probe per event.
    bool replays_before = false;
    bool empty_before = false;
    GroupFilter replay_groups;
    GroupFilter plain_groups;
    std::unordered_map<std::string, std::int64_t> machine_keys;
    // Events come in runs of one machine: skip the map for a repeat.
    std::string last_machine_id;
    std::int64_t last_machine_key = 0;
    // Imported complete-record spans per source (few: one per import).
    std::unordered_map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> coverage;
    std::int64_t next_seq = 1;
    // Rows are never deleted, so a rowid above this one was inserted by
    // this writer: how a superseded row is told from an event counted before.
    std::int64_t last_rowid_before = 0;
    SQLite::Statement machine_add, machine_get, insert, merge, reprice, replay_check, supersede_self, supersede_replays,
        add_coverage, supersede_covered, save_cursor;

    [[nodiscard]] bool covered(const UsageEvent& e) const {
        auto it = coverage.find(e.source);
        if (it == coverage.end()) return false;
        for (const auto& [from, to] : it->second)
            if (e.timestamp_ms >= from && e.timestamp_ms <= to) return true;
        return false;
    }
};

SqliteEventWriter::SqliteEventWriter(SqliteBackend& backend, const PriceBook& prices)
    : backend_(backend), prices_(prices) {
    auto& db = backend_.db();
    st_ = std::make_unique<Statements>(db);
    st_->replays_before = backend_.has_replays();
    st_->empty_before = db.execAndGet("SELECT NOT EXISTS (SELECT 1 FROM events)").getInt() != 0;
    if (st_->empty_before) {
        st_->set_aside_triggers = drop_rollup_triggers(db);
        st_->rollups_paused = true;
    }
    st_->next_seq = db.execAndGet("SELECT coalesce(max(change_seq), 0) + 1 FROM events").getInt64();
    st_->last_rowid_before = db.execAndGet("SELECT coalesce(max(rowid), 0) FROM events").getInt64();
    SQLite::Statement spans(db, "SELECT source, from_ms, to_ms FROM coverage");
    while (spans.executeStep())
        st_->coverage[spans.getColumn(0).getString()].emplace_back(spans.getColumn(1).getInt64(),
                                                                   spans.getColumn(2).getInt64());
}

void SqliteEventWriter::add_coverage(const std::string& source, std::int64_t from_ms, std::int64_t to_ms) {
    auto& s = *st_;
    s.add_coverage.bind(1, source);
    s.add_coverage.bind(2, from_ms);
    s.add_coverage.bind(3, to_ms);
    s.add_coverage.exec();
    s.add_coverage.reset();
    s.coverage[source].emplace_back(from_ms, to_ms);
    s.supersede_covered.bind(1, source);
    s.supersede_covered.bind(2, from_ms);
    s.supersede_covered.bind(3, to_ms);
    s.supersede_covered.bind(4, s.next_seq++);
    count_superseded(s.supersede_covered);
}

// Destroyed without commit(), the transaction rolls back (SQLite::Transaction).
void SqliteEventWriter::commit() {
    if (st_->rollups_paused) {
        auto& db = backend_.db();
        if (!fill_rollups_from_events(db)) db.exec(std::string(rollup_rebuild_sql()));
        restore_rollup_triggers(db, st_->set_aside_triggers);
        st_->rollups_paused = false;  // later transactions keep the rollups as they go
    }
    st_->tx->commit();
    st_->tx = std::make_unique<SQLite::Transaction>(backend_.db());
}

void SqliteEventWriter::record_machine(const MachineDetails& m) {
    SQLite::Statement st(backend_.db(), R"sql(
INSERT INTO machines (id, name, updated_ms, os, time_zone, agent_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_ms = excluded.updated_ms, os = excluded.os,
  time_zone = excluded.time_zone, agent_version = excluded.agent_version)sql");
    st.bind(1, m.id);
    st.bind(2, m.name.empty() ? m.id : m.name);
    st.bind(3, unix_now_ms());
    st.bind(4, m.os);
    st.bind(5, m.time_zone);
    st.bind(6, m.agent_version);
    st.exec();
}

std::int64_t SqliteEventWriter::machine_key(const std::string& machine_id) {
    if (machine_id.empty()) return 0;
    auto& s = *st_;
    if (machine_id == s.last_machine_id) return s.last_machine_key;
    auto it = s.machine_keys.find(machine_id);
    if (it == s.machine_keys.end()) {
        // A machine seen for the first time is named by its id until
        // record_machine() gives it a name.
        s.machine_add.bind(1, machine_id);
        s.machine_add.bind(2, machine_id);
        s.machine_add.exec();
        s.machine_add.reset();
        s.machine_get.bind(1, machine_id);
        s.machine_get.executeStep();
        const std::int64_t key = s.machine_get.getColumn(0).getInt64();
        s.machine_get.reset();
        it = s.machine_keys.emplace(machine_id, key).first;
    }
    s.last_machine_id = machine_id;
    s.last_machine_key = it->second;
    return it->second;
}

void SqliteEventWriter::supersede(const std::string& id) {
    auto& s = *st_;
    s.supersede_self.bindNoCopy(1, id);
    s.supersede_self.bind(2, s.next_seq++);
    count_superseded(s.supersede_self);
}

// A superseded row this writer inserted is a new row that counts nowhere (no
// longer a failed call either, when it was one); any other was an event
// counted before, or a failed call (which no event count held).
void SqliteEventWriter::count_superseded(SQLite::Statement& st) {
    while (st.executeStep()) {
        const bool failed = st.getColumn(1).getInt() != 0;
        if (st.getColumn(0).getInt64() > st_->last_rowid_before) {
            ++stats_.inserted_superseded;
            if (failed) --stats_.inserted_failed;
        } else if (!failed) {
            ++stats_.superseded;
        }
    }
    st.reset();
}

void SqliteEventWriter::add(const FileBatch& batch) {
    const PriceBook& prices = prices_;
    auto& s = *st_;
    for (const auto& e : batch.events) {
        if (!e.id.starts_with(e.dedup_group))
            throw std::logic_error("event " + e.id + ": dedup_group '" + e.dedup_group + "' is not a prefix of its id");
        const PricedCost cost = prices.evaluate(e);
        const std::int64_t seq = s.next_seq;
        bind_event(s.insert, e, cost, machine_key(e.machine_id), seq, true);
        const bool inserted = s.insert.exec() == 1;
        s.insert.reset();
        if (inserted) {
            ++stats_.inserted;
            if (!e.failure.empty()) ++stats_.inserted_failed;
            ++s.next_seq;
        } else {
            bind_event(s.merge, e, cost, machine_key(e.machine_id), seq, false);
            if (s.merge.executeStep()) {
                ++s.next_seq;
                // A grown copy of a known call: price the merged counts.
                ++stats_.updated;
                if (s.merge.getColumn(9).getInt() != 0) ++stats_.updated_superseded;
                const PricedCost merged = prices.evaluate(pricing_inputs_from_row(s.merge, 0));
                s.merge.reset();
                bind_optional(s.reprice, 1, merged.micros);
                s.reprice.bind(2, static_cast<int>(merged.origin));
                s.reprice.bindNoCopy(3, e.id);
                s.reprice.exec();
                s.reprice.reset();
            } else {
                ++stats_.unchanged;
            }
            s.merge.reset();
        }

        if (e.replay && s.covered(e)) {
            supersede(e.id);
            continue;
        }
        if (e.dedup_group.empty()) continue;
        const std::size_t group_hash = std::hash<std::string>{}(e.dedup_group);
        if (e.replay) {
            if (!s.empty_before || s.plain_groups.maybe_contains(group_hash)) {
                const std::string group_end = dedup_group_end(e.dedup_group);
                s.replay_check.bindNoCopy(1, e.dedup_group);
                s.replay_check.bindNoCopy(2, group_end);
                s.replay_check.bindNoCopy(3, e.id);
                s.replay_check.executeStep();
                bool superseded = s.replay_check.getColumn(0).getInt() != 0;
                s.replay_check.reset();
                if (superseded) supersede(e.id);
            }
            backend_.note_replays();
            if (!s.replays_before) s.replay_groups.add(group_hash);
        } else {
            if (s.empty_before) s.plain_groups.add(group_hash);
            if (!s.replays_before && !s.replay_groups.maybe_contains(group_hash)) continue;
            const std::string group_end = dedup_group_end(e.dedup_group);
            s.supersede_replays.bindNoCopy(1, e.dedup_group);
            s.supersede_replays.bindNoCopy(2, group_end);
            s.supersede_replays.bindNoCopy(3, e.id);
            s.supersede_replays.bind(4, s.next_seq++);
            count_superseded(s.supersede_replays);
        }
    }
    if (batch.cursor) {
        const FileCursor& c = *batch.cursor;
        s.save_cursor.bind(1, batch.source);
        s.save_cursor.bind(2, batch.path.string());
        s.save_cursor.bind(3, static_cast<std::int64_t>(c.stat.device));
        s.save_cursor.bind(4, static_cast<std::int64_t>(c.stat.inode));
        s.save_cursor.bind(5, static_cast<std::int64_t>(c.stat.size));
        s.save_cursor.bind(6, static_cast<std::int64_t>(c.stat.mtime_ns));
        s.save_cursor.bind(7, static_cast<std::int64_t>(c.offset));
        s.save_cursor.bind(8, static_cast<std::int64_t>(c.head_hash));
        s.save_cursor.bind(9, static_cast<std::int64_t>(c.tail_hash));
        s.save_cursor.bind(10, c.state);
        s.save_cursor.exec();
        s.save_cursor.reset();
    }
}

std::unique_ptr<EventWriter> SqliteBackend::writer(const PriceBook& prices) {
    return std::make_unique<SqliteEventWriter>(*this, prices);
}

}  // namespace usage::detail
