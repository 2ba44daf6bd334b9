// The storage interface: what a backend (store/sqlite, store/postgres) gives
// usage::Store, the facade every caller holds. Everything above this line is
// backend-neutral - the merge rules (TokenCounts::merge_copy), pricing, the
// read plan and the aggregation - and everything below it is one engine's SQL.
//
// Three roles, as in osquery's database plugins:
//  - StoreBackend: the store's tables outside a scan (meta, machines, prices,
//    cursors, tokens) and the factories of the other two;
//  - EventWriter: one write transaction of events, their cursors, coverage
//    spans and machines, made durable together by commit();
//  - UsageReader: run_query's sources of rows (events, the rollups, failed
//    calls), read in one snapshot.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analytics/usage_row.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/model/limit_snapshot.hpp"
#include "usage/store/store.hpp"
#include "usage/store/token_store.hpp"
#include "usage/sync/protocol.hpp"

namespace date {
class time_zone;
}

namespace usage::detail {

class EventWriter {
public:
    virtual ~EventWriter() = default;
    /// Upsert the batch's events by id (a known id merges the copies by
    /// TokenCounts::merge_copy and is re-priced), supersede replays as
    /// event.hpp says, and save the batch's cursor.
    virtual void add(const FileBatch& batch) = 0;
    virtual void add_coverage(const std::string& source, std::int64_t from_ms, std::int64_t to_ms) = 0;
    virtual void supersede(const std::string& id) = 0;
    /// Record (or update) a machine with its details.
    virtual void record_machine(const MachineDetails& machine) = 0;
    /// Make everything added durable; the writer goes on in a new transaction.
    virtual void commit() = 0;
    [[nodiscard]] virtual const ApplyStats& stats() const = 0;
};

enum class RollupLevel { hour, day };

/// Which descriptive fields of a UsageRow a query's aggregation reads:
/// project, surface and the machine's name only matter to session rows (and
/// the name to machine rows). A reader may leave the others empty.
struct RowNeeds {
    bool session_fields = false;  ///< project, surface
    /// The machine's name (session and machine rows) and, for machine rows,
    /// its id as the key: both from KnownMachines, one read of the machines
    /// table instead of a join on every row.
    bool machine_name = false;
    /// The join with the machines table, for a machine filter (by id, name
    /// or short id).
    bool machines = false;
};

inline RowNeeds row_needs(const Query& q) {
    const bool session = q.group == GroupBy::session;
    return {session, session || q.group == GroupBy::machine, !q.filters.machine.empty()};
}

/// The machines table by machines.key, read once per query by a reader:
/// each machine's id and name (coalesce(name, id, '')); '' for a key the
/// table does not hold, as a LEFT JOIN gave.
class KnownMachines {
public:
    void add(std::int64_t key, std::string id, std::string name) {
        machines_.insert_or_assign(key, Machine{std::move(id), std::move(name)});
    }
    std::string_view id(std::int64_t key) { return find(key).id; }
    std::string_view name(std::int64_t key) { return find(key).name; }
    /// A row's machine name and, grouped by machine, its key (the id).
    void describe(UsageRow& r, GroupBy group) {
        r.machine_name = name(r.machine);
        if (group == GroupBy::machine) r.key = id(r.machine);
    }

private:
    struct Machine {
        std::string id, name;
    };
    // Rows come in runs of one machine: the last one found is kept.
    const Machine& find(std::int64_t key) {
        if (key != last_key_ || !last_) {
            last_key_ = key;
            const auto it = machines_.find(key);
            last_ = it == machines_.end() ? &unknown_ : &it->second;
        }
        return *last_;
    }
    std::unordered_map<std::int64_t, Machine> machines_;
    Machine unknown_;
    std::int64_t last_key_ = 0;
    const Machine* last_ = nullptr;
};

class UsageReader {
public:
    virtual ~UsageReader() = default;
    /// The counted events with from <= ts_ms < to (nullopt: unbounded).
    virtual void events(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) = 0;
    /// The hourly (or daily) rollup rows of the UTC hours (days) starting in
    /// [from, to). Returns false, having stopped, at a sum that left 64 bits:
    /// read the events instead.
    virtual bool rollup(RollupLevel level, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                        const RowSink& sink) = 0;
    /// The failed calls (UsageEvent::failure) with from <= ts_ms < to, as
    /// rows of one failed request and nothing else (no rollup holds them).
    virtual void failures(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) = 0;
    /// The first and last UTC hour the rollup holds; nullopt when it is empty.
    virtual std::optional<std::pair<std::int64_t, std::int64_t>> rollup_hours() = 0;
};

class StoreBackend {
public:
    virtual ~StoreBackend() = default;

    /// Where the store is, for messages (no password).
    [[nodiscard]] virtual std::string display() const = 0;
    [[nodiscard]] virtual int schema_version() const = 0;
    /// Whether several writers (each with its own Store) may write at once
    /// and gain by it: PostgreSQL yes; SQLite takes one writer at a time.
    [[nodiscard]] virtual bool concurrent_writers() const = 0;

    [[nodiscard]] virtual std::optional<std::string> meta(const std::string& key) const = 0;
    virtual void set_meta(const std::string& key, const std::string& value) = 0;
    virtual void record_machine(const std::string& id, const std::string& name) = 0;

    /// Price every stored event again with `prices` (their fingerprint changed).
    virtual void reprice_all(const PriceBook& prices) = 0;

    [[nodiscard]] virtual std::optional<FileCursor> cursor(const std::string& source,
                                                           const std::filesystem::path& path) const = 0;
    [[nodiscard]] virtual std::vector<std::pair<std::string, FileCursor>> cursors(const std::string& source) const = 0;
    [[nodiscard]] virtual std::int64_t file_count(const std::string& source) const = 0;
    virtual void forget_cursors(const std::string& source) = 0;

    [[nodiscard]] virtual std::map<std::string, std::int64_t> events_by_source() const = 0;
    [[nodiscard]] virtual std::vector<std::pair<std::string, std::int64_t>> unpriced_models() const = 0;
    virtual void release_memory() = 0;

    /// Every stored row (events, superseded copies, failed calls) in the
    /// order they were first stored, each with its user and machine id, read
    /// in one snapshot (a store export).
    virtual void each_row(const std::function<void(const sync::WireEvent&)>& sink) const = 0;
    /// Every machine the store knows, with its details.
    [[nodiscard]] virtual std::vector<MachineDetails> machines() const = 0;

    virtual std::int64_t add_token(const std::string& hash, const std::string& prefix, const std::string& user,
                                   const std::string& role, std::int64_t now_ms) = 0;
    [[nodiscard]] virtual std::optional<TokenRecord> find_token(const std::string& hash) const = 0;
    [[nodiscard]] virtual std::vector<TokenRecord> list_tokens() const = 0;
    virtual bool revoke_token(std::int64_t id, std::int64_t now_ms) = 0;

    /// The session cost ledger (Store::record_session_cost keeps the largest).
    virtual bool record_session_cost(const SessionCost& cost) = 0;
    [[nodiscard]] virtual std::optional<SessionCost> session_cost(const std::string& source,
                                                                  const std::string& session_id) const = 0;
    [[nodiscard]] virtual std::vector<SessionCost> session_costs() const = 0;
    /// The budget alerts delivered (Store::record_budget_delivery).
    virtual void record_budget_delivery(const BudgetDelivery& delivery) = 0;
    [[nodiscard]] virtual std::vector<BudgetDelivery> budget_deliveries(const std::string& budget,
                                                                        std::int64_t period_start_ms) const = 0;
    /// The limit snapshots (usage/store/limit_store.hpp): record_limit keeps
    /// the newest reading per (source, window).
    virtual bool record_limit(const LimitSnapshot& snapshot) = 0;
    [[nodiscard]] virtual std::vector<LimitSnapshot> limits() const = 0;
    /// How long a statement waits for another writer's lock (Store::set_lock_wait_ms).
    virtual void set_lock_wait_ms(int ms) = 0;
    /// Store::skip_checkpoint_on_close.
    virtual void skip_checkpoint_on_close() = 0;

    /// A write transaction pricing with `prices` (which outlive it).
    virtual std::unique_ptr<EventWriter> writer(const PriceBook& prices) = 0;
    /// A snapshot to answer `query` from; `tz` buckets its time groupings.
    virtual std::unique_ptr<UsageReader> reader(const Query& query, const date::time_zone* tz) const = 0;
};

}  // namespace usage::detail
