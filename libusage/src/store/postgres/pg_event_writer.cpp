// The PostgreSQL event writer. What a writer is given is kept until commit()
// and then written in one transaction, set by set: a batch's new events in
// one INSERT (unnest of arrays), each known id through the same merge as
// SQLite's (TokenCounts::merge_copy), then the replays the batch supersedes
// in one UPDATE. Kept until commit(), the work can be run again whole when a
// concurrent replica's transaction makes this one a deadlock victim or a
// serialization failure (run_transaction), which is how several `serve`
// processes on one database stay exact.
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "store/postgres/pg_array.hpp"
#include "store/postgres/pg_backend.hpp"
#include "store/postgres/pg_transaction.hpp"
#include "usage/os/wall_clock.hpp"

namespace usage::pg {
namespace {

constexpr const char* kInsertSql = R"sql(
INSERT INTO events (id, source, session_id, parent_session_id, model, provider, project_name,
  project_path, git_branch, surface, machine, user_name, ts_ms, input, output, reasoning, cache_read,
  cache_write_5m, cache_write_1h, reported_cost_micros, cost_micros, cost_origin, dedup_len, replay,
  pricing_model, model_guessed, repository, aggregate, failure)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::bigint[], $14::bigint[], $15::bigint[],
  $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[], $22::smallint[],
  $23::integer[], $24::boolean[], $25::text[], $26::boolean[], $27::text[], $28::boolean[], $29::text[])
ON CONFLICT (id) DO NOTHING
RETURNING id
)sql";

// The merge of SQLite's store_writer.cpp, column for column, for a set of
// copies with distinct ids: `n` is a new copy, `e` the stored row as it was
// before this UPDATE. Everything that
// reads `e` is written inline, never in a CTE: when a concurrent replica
// merged the same id first, PostgreSQL re-evaluates the SET list and WHERE
// against the row it committed (READ COMMITTED), so no per-field max is lost.
constexpr std::string_view kMergeTemplate = R"sql(
WITH n AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[],
  $15::bigint[], $16::bigint[], $17::bigint[], $18::boolean[], $19::text[], $20::boolean[], $21::text[],
  $22::boolean[])
  AS n(id, session_id, parent_session_id, model, provider, project_name, project_path, git_branch, surface, ts_ms,
       input, output, reasoning, cache_read, cache_write_5m, cache_write_1h, reported_cost_micros, replay,
       pricing_model, model_guessed, repository, aggregate))
UPDATE events e SET
  session_id = CASE WHEN {new_session_wins} THEN n.session_id ELSE e.session_id END,
  parent_session_id = CASE WHEN {new_session_wins} THEN n.parent_session_id
    WHEN e.parent_session_id = '' AND n.session_id = e.session_id THEN n.parent_session_id
    ELSE e.parent_session_id END,
  pricing_model = CASE WHEN {model_wins} THEN n.pricing_model ELSE e.pricing_model END,
  model = CASE WHEN {model_wins} THEN n.model ELSE e.model END,
  model_guessed = CASE WHEN {model_wins} THEN n.model_guessed ELSE e.model_guessed END,
  provider = CASE WHEN e.provider = '' THEN n.provider ELSE e.provider END,
  project_name = CASE WHEN e.project_name = '' THEN n.project_name ELSE e.project_name END,
  project_path = CASE WHEN e.project_path = '' THEN n.project_path ELSE e.project_path END,
  git_branch = CASE WHEN e.git_branch = '' THEN n.git_branch ELSE e.git_branch END,
  repository = CASE WHEN e.repository = '' THEN n.repository ELSE e.repository END,
  surface = CASE WHEN e.surface = '' THEN n.surface ELSE e.surface END,
  ts_ms = CASE WHEN n.ts_ms = 0 THEN e.ts_ms WHEN e.ts_ms = 0 THEN n.ts_ms ELSE least(e.ts_ms, n.ts_ms) END,
  input = CASE WHEN {prompt_wins} THEN n.input ELSE e.input END,
  cache_read = CASE WHEN {prompt_wins} THEN n.cache_read ELSE e.cache_read END,
  cache_write_5m = CASE WHEN {prompt_wins} THEN n.cache_write_5m ELSE e.cache_write_5m END,
  cache_write_1h = CASE WHEN {prompt_wins} THEN n.cache_write_1h ELSE e.cache_write_1h END,
  output = greatest(e.output, n.output),
  reasoning = greatest(e.reasoning, n.reasoning),
  reported_cost_micros = greatest(coalesce(e.reported_cost_micros, n.reported_cost_micros),
                                  coalesce(n.reported_cost_micros, e.reported_cost_micros)),
  replay = e.replay AND n.replay,
  aggregate = e.aggregate OR n.aggregate,
  revision = e.revision + 1,
  change_seq = nextval('events_change_seq')
FROM n
WHERE e.id = n.id COLLATE "C" AND ({prompt_wins} OR n.output > e.output OR n.reasoning > e.reasoning
   OR (e.replay AND NOT n.replay) OR coalesce(n.reported_cost_micros, 0) > coalesce(e.reported_cost_micros, 0)
   OR (e.model = '' AND n.model <> '') OR (e.model_guessed AND NOT n.model_guessed AND n.model <> '')
   OR {new_session_wins} OR (e.repository = '' AND n.repository <> '') OR (n.aggregate AND NOT e.aggregate))
RETURNING e.id, coalesce(nullif(e.pricing_model, ''), e.model), e.input, e.output, e.reasoning, e.cache_read,
  e.cache_write_5m, e.cache_write_1h, e.reported_cost_micros, e.aggregate, e.superseded
)sql";

// TokenCounts::prompt_outranks as a row-value comparison: the new copy's
// prompt figures replace the stored ones as a whole, never field by field.
constexpr std::string_view kPromptWins =
    "(n.input + n.cache_read + n.cache_write_5m + n.cache_write_1h, "
    "(n.cache_read + n.cache_write_5m + n.cache_write_1h) > 0, n.cache_read, n.cache_write_5m, n.cache_write_1h) > "
    "(e.input + e.cache_read + e.cache_write_5m + e.cache_write_1h, "
    "(e.cache_read + e.cache_write_5m + e.cache_write_1h) > 0, e.cache_read, e.cache_write_5m, e.cache_write_1h)";
constexpr std::string_view kModelWins = "(e.model = '' OR (e.model_guessed AND NOT n.model_guessed AND n.model <> ''))";
// The session whose id sorts first, in byte order as SQLite and C++ compare
// (COLLATE "C": the database's collation may sort otherwise).
constexpr std::string_view kNewSessionWins =
    "(n.session_id <> '' AND (e.session_id = '' OR n.session_id < e.session_id COLLATE \"C\"))";

const std::string& merge_sql() {
    static const std::string sql = [] {
        std::string out(kMergeTemplate);
        for (auto [slot, text] : {std::pair{std::string_view("{prompt_wins}"), kPromptWins},
                                  std::pair{std::string_view("{model_wins}"), kModelWins},
                                  std::pair{std::string_view("{new_session_wins}"), kNewSessionWins}})
            for (auto at = out.find(slot); at != std::string::npos; at = out.find(slot, at))
                out.replace(at, slot.size(), text);
        return out;
    }();
    return sql;
}

constexpr const char* kSupersedeSet =
    "superseded = true, revision = e.revision + 1, change_seq = nextval('events_change_seq')";

struct Coverage {
    std::string source;
    std::int64_t from_ms = 0, to_ms = 0;
};
struct Supersede {
    std::string id;
};
using Step = std::variant<FileBatch, Coverage, Supersede, MachineDetails>;

class PgEventWriter final : public usage::detail::EventWriter {
public:
    PgEventWriter(PgBackend& backend, const PriceBook& prices) : backend_(backend), prices_(prices) {}

    void add(const FileBatch& batch) override {
        for (const auto& e : batch.events)
            if (!e.id.starts_with(e.dedup_group))
                throw std::logic_error("event " + e.id + ": dedup_group '" + e.dedup_group +
                                       "' is not a prefix of its id");
        steps_.emplace_back(batch);
    }
    void add_coverage(const std::string& source, std::int64_t from_ms, std::int64_t to_ms) override {
        steps_.emplace_back(Coverage{source, from_ms, to_ms});
    }
    void supersede(const std::string& id) override { steps_.emplace_back(Supersede{id}); }
    void record_machine(const MachineDetails& m) override { steps_.emplace_back(m); }

    void commit() override {
        if (steps_.empty()) return;
        auto conn = backend_.lease();
        // A machine's details first, each in a statement of its own: inside
        // the batch's transaction its row lock would be held to the commit,
        // and every batch of one machine - through any replica - would wait
        // on the one before. Details landing just before their events are
        // harmless; events never wait for them (their key is found or made
        // in the transaction).
        const std::int64_t now = unix_now_ms();
        for (const auto& step : steps_) {
            const auto* m = std::get_if<MachineDetails>(&step);
            if (m == nullptr || backend_.machine_written_recently(*m, now)) continue;
            write_machine(*conn, *m, now);
            backend_.remember_machine_written(*m, now);
        }
        ApplyStats stats;
        std::unordered_set<std::string> inserted;
        std::unordered_map<std::string, std::int64_t> learned;
        run_transaction(*conn, [&](Connection& c) {
            learned.clear();
            // A repeated attempt starts from what was committed.
            stats = stats_;
            inserted = inserted_;
            for (const auto& step : steps_) {
                if (const auto* b = std::get_if<FileBatch>(&step)) write_batch(c, *b, stats, inserted, learned);
                if (const auto* v = std::get_if<Coverage>(&step)) write_coverage(c, *v, stats, inserted);
                if (const auto* s = std::get_if<Supersede>(&step)) {
                    count_superseded(c.exec(std::string("UPDATE events e SET ") + kSupersedeSet +
                                                " WHERE e.id = $1 AND NOT e.superseded RETURNING e.id, e.failure <> ''",
                                            {s->id}),
                                     stats, inserted);
                }
            }
        });
        stats_ = stats;
        inserted_ = std::move(inserted);
        for (const auto& [id, key] : learned) backend_.remember_machine_key(id, key);
        steps_.clear();
    }

    [[nodiscard]] const ApplyStats& stats() const override { return stats_; }

private:
    static void write_machine(Connection& c, const MachineDetails& m, std::int64_t now_ms) {
        c.exec(R"sql(
INSERT INTO machines (id, name, updated_ms, os, time_zone, agent_version) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_ms = excluded.updated_ms, os = excluded.os,
  time_zone = excluded.time_zone, agent_version = excluded.agent_version)sql",
               {m.id, m.name.empty() ? m.id : m.name, now_ms, m.os, m.time_zone, m.agent_version});
    }

    // machines.key of each machine id of `events` (a new id is named by
    // itself). Keys never change, so the backend remembers them - but only
    // those of committed transactions: `learned` joins its cache after commit.
    std::unordered_map<std::string, std::int64_t> machine_keys(
        Connection& c, const std::vector<UsageEvent>& events,
        std::unordered_map<std::string, std::int64_t>& learned) const {
        std::unordered_map<std::string, std::int64_t> keys;
        ArrayLiteral ids;
        for (const auto& e : events) {
            if (e.machine_id.empty() || keys.contains(e.machine_id)) continue;
            if (auto known = backend_.machine_key(e.machine_id)) {
                keys.emplace(e.machine_id, *known);
            } else if (auto it = learned.find(e.machine_id); it != learned.end()) {
                keys.emplace(e.machine_id, it->second);
            } else {
                keys.emplace(e.machine_id, 0);
                ids.add(e.machine_id);
            }
        }
        if (ids.size() == 0) return keys;
        c.exec(
            "INSERT INTO machines (id, name, updated_ms) SELECT id, id, 0 FROM unnest($1::text[]) AS u(id) "
            "ORDER BY id ON CONFLICT (id) DO NOTHING",
            {ids.text()});
        const Result r = c.exec("SELECT id, key FROM machines WHERE id = ANY($1::text[])", {ids.text()});
        for (int i = 0; i < r.rows(); ++i) learned[r.string(i, 0)] = keys[r.string(i, 0)] = r.int64(i, 1);
        return keys;
    }

    // Writers that share a dedup group take turns (a transaction-scoped
    // advisory lock per group, in one order): a replay and the real call of
    // its message written at once through two replicas would otherwise each
    // miss the other's uncommitted row, and both would count. Taken before
    // the INSERT, so every later statement sees what the other committed.
    static void lock_groups(Connection& c, const std::vector<UsageEvent>& events) {
        ArrayLiteral groups;
        for (const auto& e : events)
            if (!e.dedup_group.empty()) groups.add(e.dedup_group);
        if (groups.size() == 0) return;
        c.exec(
            "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(g, 0) AS k "
            "FROM unnest($1::text[]) AS u(g) ORDER BY 1) AS s",
            {groups.text()});
    }

    void write_batch(Connection& c, const FileBatch& batch, ApplyStats& stats,
                     std::unordered_set<std::string>& inserted,
                     std::unordered_map<std::string, std::int64_t>& learned) {
        const auto& events = batch.events;
        const auto keys = machine_keys(c, events, learned);
        lock_groups(c, events);
        // In id order: two replicas writing overlapping batches lock rows in the same order.
        std::vector<std::size_t> order(events.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return events[a].id < events[b].id; });
        std::vector<PricedCost> costs(events.size());
        constexpr int kColumns = 29;
        std::vector<ArrayLiteral> cols(kColumns);
        for (std::size_t i : order) {
            const UsageEvent& e = events[i];
            costs[i] = prices_.evaluate(e);
            int k = 0;
            for (const std::string* s : {&e.id, &e.source, &e.session_id, &e.parent_session_id, &e.model, &e.provider,
                                         &e.project_name, &e.project_path, &e.git_branch, &e.surface})
                cols[k++].add(*s);
            cols[k++].add(e.machine_id.empty() ? std::int64_t{0} : keys.at(e.machine_id));
            cols[k++].add(e.user);
            for (std::int64_t v : {e.timestamp_ms, e.tokens.input, e.tokens.output, e.tokens.reasoning,
                                   e.tokens.cache_read, e.tokens.cache_write_5m, e.tokens.cache_write_1h})
                cols[k++].add(v);
            cols[k++].add(e.reported_cost_micros);
            cols[k++].add(costs[i].micros);
            cols[k++].add(static_cast<std::int64_t>(costs[i].origin));
            cols[k++].add(static_cast<std::int64_t>(e.dedup_group.size()));
            cols[k++].add(e.replay);
            cols[k++].add(e.pricing_model);
            cols[k++].add(e.model_guessed);
            cols[k++].add(e.repository);
            cols[k++].add(e.aggregate);
            cols[k++].add(e.failure);  // only inserted: a row's failure never changes
        }
        std::unordered_set<std::string> new_ids;
        if (!events.empty()) {
            std::vector<Param> params;
            params.reserve(kColumns);
            for (const auto& col : cols) params.emplace_back(col.text());
            const Result r = c.exec(kInsertSql, params);
            for (int i = 0; i < r.rows(); ++i) new_ids.insert(r.string(i, 0));
        }
        // Each new id counts once as inserted; any other copy of it merges:
        // the first copy of each id in one statement, a second copy of an id
        // (rare: one file holding a message twice) after it, on its own.
        std::vector<const UsageEvent*> copies, repeats;
        std::unordered_set<std::string_view> merging;
        for (std::size_t i : order) {
            const UsageEvent& e = events[i];
            if (new_ids.erase(e.id) == 1) {
                ++stats.inserted;
                if (!e.failure.empty()) ++stats.inserted_failed;
                inserted.insert(e.id);
            } else {
                (merging.insert(e.id).second ? copies : repeats).push_back(&e);
            }
        }
        merge(c, copies, stats);
        for (const UsageEvent* e : repeats) merge(c, {e}, stats);
        supersede_replays(c, events, stats, inserted);
        if (batch.cursor) {
            const FileCursor& cur = *batch.cursor;
            c.exec(R"sql(
INSERT INTO cursors (source, path, device, inode, size, mtime_ns, read_offset, head_hash, tail_hash, state)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (source, path) DO UPDATE SET device = excluded.device, inode = excluded.inode, size = excluded.size,
  mtime_ns = excluded.mtime_ns, read_offset = excluded.read_offset, head_hash = excluded.head_hash,
  tail_hash = excluded.tail_hash, state = excluded.state)sql",
                   {batch.source, batch.path.string(), static_cast<std::int64_t>(cur.stat.device),
                    static_cast<std::int64_t>(cur.stat.inode), static_cast<std::int64_t>(cur.stat.size),
                    static_cast<std::int64_t>(cur.stat.mtime_ns), static_cast<std::int64_t>(cur.offset),
                    static_cast<std::int64_t>(cur.head_hash), static_cast<std::int64_t>(cur.tail_hash), cur.state});
        }
    }

    void merge(Connection& c, const std::vector<const UsageEvent*>& copies, ApplyStats& stats) {
        if (copies.empty()) return;
        std::vector<ArrayLiteral> cols(22);
        for (const UsageEvent* e : copies) {
            int k = 0;
            for (const std::string* s : {&e->id, &e->session_id, &e->parent_session_id, &e->model, &e->provider,
                                         &e->project_name, &e->project_path, &e->git_branch, &e->surface})
                cols[k++].add(*s);
            for (std::int64_t v : {e->timestamp_ms, e->tokens.input, e->tokens.output, e->tokens.reasoning,
                                   e->tokens.cache_read, e->tokens.cache_write_5m, e->tokens.cache_write_1h})
                cols[k++].add(v);
            cols[k++].add(e->reported_cost_micros);
            cols[k++].add(e->replay);
            cols[k++].add(e->pricing_model);
            cols[k++].add(e->model_guessed);
            cols[k++].add(e->repository);
            cols[k++].add(e->aggregate);
        }
        std::vector<Param> params;
        params.reserve(cols.size());
        for (const auto& col : cols) params.emplace_back(col.text());
        const Result r = c.exec(merge_sql(), params);
        stats.updated += static_cast<std::uint64_t>(r.rows());
        stats.unchanged += copies.size() - static_cast<std::size_t>(r.rows());
        // Grown copies of known calls: price the merged counts.
        CostUpdates merged;
        for (int i = 0; i < r.rows(); ++i) {
            if (r.boolean(i, 10)) ++stats.updated_superseded;
            merged.add(r.text(i, 0), prices_.evaluate(pricing_inputs(r, i, 1)));
        }
        merged.write(c, false);
    }

    // What event.hpp says of replays, for the whole batch at once: a replay
    // is superseded by any non-replay call of its group (stored or in the
    // batch) and by a coverage span of its source; a non-replay supersedes
    // the stored replays of its group.
    void supersede_replays(Connection& c, const std::vector<UsageEvent>& events, ApplyStats& stats,
                           const std::unordered_set<std::string>& inserted) {
        ArrayLiteral plain_groups, plain_ends, plain_ids, replay_ids, replay_groups, replay_ends;
        for (const auto& e : events) {
            if (e.replay) {
                replay_ids.add(e.id);
                replay_groups.add(e.dedup_group);
                replay_ends.add(e.dedup_group.empty() ? std::string() : dedup_group_end(e.dedup_group));
            } else if (!e.dedup_group.empty()) {
                plain_groups.add(e.dedup_group);
                plain_ends.add(dedup_group_end(e.dedup_group));
                plain_ids.add(e.id);
            }
        }
        // Almost every batch supersedes nothing. A SELECT (through the index
        // of live replays) says so without running the UPDATE, whose
        // statement triggers - the rollups' - run even when no row changes.
        // The groups' advisory locks (lock_groups) keep the answer true until
        // the UPDATE.
        constexpr const char* kGroups = "unnest($1::text[], $2::text[], $3::text[]) AS g(grp, grp_end, id)";
        constexpr const char* kLiveReplays =
            "e.id >= g.grp COLLATE \"C\" AND e.id < g.grp_end COLLATE \"C\" "
            "AND e.id <> g.id COLLATE \"C\" AND e.replay AND NOT e.superseded";
        if (plain_ids.size() > 0) {
            const std::vector<Param> params{plain_groups.text(), plain_ends.text(), plain_ids.text()};
            const std::string any = std::string("SELECT 1 FROM ") + kGroups + ", events e WHERE " + kLiveReplays;
            if (c.exec(any + " LIMIT 1", params).rows() > 0)
                count_superseded(c.exec(std::string("UPDATE events e SET ") + kSupersedeSet + " FROM " + kGroups +
                                            " WHERE " + kLiveReplays + " RETURNING e.id, e.failure <> ''",
                                        params),
                                 stats, inserted);
        }
        if (replay_ids.size() > 0)
            count_superseded(
                c.exec(std::string("UPDATE events e SET ") + kSupersedeSet +
                           " FROM unnest($1::text[], $2::text[], $3::text[]) AS g(id, grp, grp_end) "
                           "WHERE e.id = g.id COLLATE \"C\" AND NOT e.superseded AND ("
                           " EXISTS (SELECT 1 FROM coverage v WHERE v.source = e.source"
                           "  AND e.ts_ms BETWEEN v.from_ms AND v.to_ms)"
                           " OR (g.grp <> '' AND EXISTS (SELECT 1 FROM events o WHERE o.id >= g.grp COLLATE \"C\""
                           "  AND o.id < g.grp_end COLLATE \"C\" AND o.id <> g.id COLLATE \"C\" AND NOT o.replay)))"
                           " RETURNING e.id, e.failure <> ''",
                       {replay_ids.text(), replay_groups.text(), replay_ends.text()}),
                stats, inserted);
    }

    void write_coverage(Connection& c, const Coverage& v, ApplyStats& stats,
                        const std::unordered_set<std::string>& inserted) {
        c.exec("INSERT INTO coverage (source, from_ms, to_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               {v.source, v.from_ms, v.to_ms});
        count_superseded(c.exec(std::string("UPDATE events e SET ") + kSupersedeSet +
                                    " WHERE e.source = $1 AND e.ts_ms BETWEEN $2 AND $3 AND e.replay "
                                    "AND NOT e.superseded RETURNING e.id, e.failure <> ''",
                                {v.source, v.from_ms, v.to_ms}),
                         stats, inserted);
    }

    // A superseded row this writer inserted is a new row that counts nowhere
    // (no longer a failed call either, when it was one); any other was an
    // event counted before, or a failed call (which no event count held).
    static void count_superseded(const Result& r, ApplyStats& stats, const std::unordered_set<std::string>& inserted) {
        for (int i = 0; i < r.rows(); ++i) {
            const bool failed = r.boolean(i, 1);
            if (inserted.contains(std::string(r.text(i, 0)))) {
                ++stats.inserted_superseded;
                if (failed) --stats.inserted_failed;
            } else if (!failed) {
                ++stats.superseded;
            }
        }
    }

    PgBackend& backend_;
    const PriceBook& prices_;
    std::vector<Step> steps_;
    ApplyStats stats_;
    // Ids this writer inserted (over all its commits): a superseded one is a
    // new row, not an event counted before.
    std::unordered_set<std::string> inserted_;
};

}  // namespace

std::unique_ptr<usage::detail::EventWriter> PgBackend::writer(const PriceBook& prices) {
    return std::make_unique<PgEventWriter>(*this, prices);
}

}  // namespace usage::pg
