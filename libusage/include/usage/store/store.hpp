// usage/store/store.hpp — the store of events, file cursors, machines and
// tokens, whatever engine holds them: a local SQLite file (always the agent's)
// or, for a team endpoint, a PostgreSQL database (usage/store/store_location.hpp).
//
// Events are upserted by id merging copies (TokenCounts::merge_copy), so a re-read file
// or a second copy of a message never double counts. A file's events and its
// new cursor are written in one transaction. Nothing is deleted when a
// transcript disappears: the store is the lasting history. Store is a facade:
// each engine is a backend behind it (libusage/src/store/store_backend.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "usage/model/event.hpp"
#include "usage/pricing/pricing.hpp"
#include "usage/scan/file_cursor.hpp"

namespace usage {

struct StoreLocation;
namespace detail {
class StoreBackend;
class EventWriter;
}  // namespace detail

/// Default state dir: $USAGE_AGENT_STATE_DIR, else $XDG_STATE_HOME/usage-agent.
/// Throws std::invalid_argument when USAGE_AGENT_STATE_DIR is set but empty.
std::filesystem::path default_state_dir(const class Environment& env);

/// The events and cursor produced by reading one file.
struct FileBatch {
    std::string source;
    std::filesystem::path path;
    std::vector<UsageEvent> events;
    std::optional<FileCursor> cursor;  ///< nullopt: do not touch the cursor
};

/// What a writer did, in rows (an endpoint answers in these). A row is an
/// event or a superseded copy of one (kept, counted nowhere); the `_superseded`
/// fields let a scan speak of events, as reports count them.
struct ApplyStats {
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
    std::uint64_t unchanged = 0;
    std::uint64_t inserted_superseded = 0;  ///< of `inserted`, rows superseded by now
    std::uint64_t updated_superseded = 0;   ///< of `updated`, rows that were superseded copies
    std::uint64_t superseded = 0;           ///< events stored before this writer that it superseded
    std::uint64_t inserted_failed = 0;      ///< of `inserted`, failed calls (UsageEvent::failure) not superseded
    /// Events added: new rows that count as events (not superseded, not failed calls).
    [[nodiscard]] std::uint64_t events_new() const { return inserted - inserted_superseded - inserted_failed; }
    [[nodiscard]] std::uint64_t events_updated() const { return updated - updated_superseded; }
};

/// What an endpoint knows of a machine (sync protocol's MachineInfo).
struct MachineDetails {
    std::string id;
    std::string name;  ///< empty: named by its id
    std::string os;
    std::string time_zone;
    std::string agent_version;

    bool operator==(const MachineDetails&) const = default;
};

/// A tool's own figure for what a whole session cost (Claude Code hands its
/// statusline `cost.total_cost_usd`): authoritative where the events' costs
/// are estimates, so reports prefer it for the session's total.
struct SessionCost {
    std::string source;  ///< the source the session's events have ("claude-code")
    std::string session_id;
    std::int64_t cost_micros = 0;
    std::string model;            ///< the model the tool named with the figure
    std::string version;          ///< the tool's version
    std::int64_t updated_ms = 0;  ///< when the figure was recorded (UTC)
};

/// One budget alert delivered (usage/budget/budget.hpp): a threshold of a
/// budget in one period, for one scope (a user or project of a per-user or
/// per-project budget; '' for everyone), to one notifier. Kept so an alert
/// is delivered once per period to each notifier, across restarts.
struct BudgetDelivery {
    std::string budget;
    std::string scope;
    std::int64_t period_start_ms = 0;  ///< UTC start of the period
    int threshold = 0;                 ///< percent
    std::string notifier;              ///< BudgetNotifier::key()
    std::int64_t delivered_ms = 0;
};

class StoreWriter;

class Store {
public:
    /// Open (creating and migrating) the SQLite store `dir/usage.db`.
    /// Throws std::runtime_error naming the file.
    explicit Store(const std::filesystem::path& dir);
    /// Open (creating and migrating) the store at `location`: SQLite, or
    /// PostgreSQL when the library is built with it (else std::runtime_error).
    explicit Store(const StoreLocation& location);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// The schema version a new SQLite store has.
    static constexpr int kSchemaVersion = 12;

    /// Where the store is, for messages: the SQLite file, or the PostgreSQL
    /// URI without its password.
    [[nodiscard]] std::string display() const;
    [[nodiscard]] int schema_version() const;
    /// Whether writers on several connections (or processes) gain by
    /// writing at once: true for PostgreSQL, false for SQLite (one writer at
    /// a time; a second one waits for the lock).
    [[nodiscard]] bool concurrent_writers() const;

    /// The random machine id (UUID v4) created on first open.
    [[nodiscard]] std::string machine_id() const;

    /// Remember the display name of a machine id (for reports).
    void record_machine(const std::string& id, const std::string& name);

    /// Prices used for new and merged events. Must outlive the store's use.
    /// Re-prices every stored event when the book's fingerprint changed.
    void use_prices(const PriceBook& prices);

    /// The saved cursor of a file.
    [[nodiscard]] std::optional<FileCursor> cursor(const std::string& source, const std::filesystem::path& path) const;
    /// Every saved cursor of a source (path -> cursor).
    [[nodiscard]] std::vector<std::pair<std::string, FileCursor>> cursors(const std::string& source) const;

    /// Apply several file batches in ONE transaction (events + cursors).
    ApplyStats apply(const std::vector<FileBatch>& batches);

    /// The prices in use (set by use_prices); throws std::logic_error before.
    [[nodiscard]] const PriceBook& prices() const;
    /// The prices in use, or nullptr before use_prices.
    [[nodiscard]] const PriceBook* prices_if_set() const noexcept { return prices_; }

    /// How many files of a source a scan has read (each keeps a cursor).
    [[nodiscard]] std::int64_t file_count(const std::string& source) const;
    /// Events that count (not superseded, not failed) per source, by source name.
    [[nodiscard]] std::map<std::string, std::int64_t> events_by_source() const;
    /// Give the connection's page cache back to the system: an agent that
    /// idles for hours holds no more than it needs.
    void release_memory();

    /// Drop every cursor of a source (for --full-rescan). Events stay.
    void forget_cursors(const std::string& source);

    /// Models of unpriced events, with their event counts.
    [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> unpriced_models() const;

    [[nodiscard]] std::optional<std::string> meta(const std::string& key) const;
    void set_meta(const std::string& key, const std::string& value);

    /// Put `cost` in the session cost ledger unless it already holds a figure
    /// at least as large for the session (a session's cost only grows: an
    /// older figure arriving late must not lower it). Returns whether the
    /// ledger changed. Writes nothing, and takes no write lock, otherwise.
    bool record_session_cost(const SessionCost& cost);
    /// The ledger's figure for a session, if it has one.
    [[nodiscard]] std::optional<SessionCost> session_cost(const std::string& source,
                                                          const std::string& session_id) const;
    /// Every figure of the ledger (one per session a tool reported on).
    [[nodiscard]] std::vector<SessionCost> session_costs() const;

    /// Record a delivered budget alert; a second record of the same
    /// (budget, scope, period, threshold, notifier) changes nothing.
    void record_budget_delivery(const BudgetDelivery& delivery);
    /// The deliveries of a budget's period (every scope), ordered by scope,
    /// threshold and notifier.
    [[nodiscard]] std::vector<BudgetDelivery> budget_deliveries(const std::string& budget,
                                                                std::int64_t period_start_ms) const;

    /// How long a write waits for another writer's lock before failing with
    /// a busy store_failure (default 10 s). A statusline waits a few ms: it
    /// must answer at once and can record its figure next time.
    void set_lock_wait_ms(int ms);
    /// Leave folding SQLite's write-ahead log into the store to the next
    /// process that opens it: the last connection to close otherwise does
    /// it, with an fsync, which costs a process that lives a few ms (the
    /// statusline) a third of its time. No effect on PostgreSQL.
    void skip_checkpoint_on_close();

    /// The engine behind the facade (for the library's own layers).
    [[nodiscard]] detail::StoreBackend& backend() const { return *backend_; }

private:
    std::unique_ptr<detail::StoreBackend> backend_;
    const PriceBook* prices_ = nullptr;
};

/// A long write transaction for a scan or an endpoint's ingest: files are
/// added one at a time as they are parsed, and commit() makes everything
/// added so far durable and starts a new transaction. A file's events and its
/// cursor always land in the same transaction; destroying the writer without
/// commit() drops what was added since the last commit. SQLite writes each
/// add() at once inside its open transaction (nothing is held in memory);
/// PostgreSQL keeps the adds until commit() and writes them in one
/// transaction it can run again whole when a concurrent writer gets in its way.
class StoreWriter {
public:
    explicit StoreWriter(Store& store);
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    void add(const FileBatch& batch);
    /// Record a machine with its details in this transaction.
    void record_machine(const MachineDetails& machine);
    /// Record that an imported file is the complete record of `source` over
    /// [from_ms, to_ms]: its replay events there, stored or to come, are
    /// superseded (see ScanResult::covers).
    void add_coverage(const std::string& source, std::int64_t from_ms, std::int64_t to_ms);
    /// Mark an event superseded (it stays stored, out of every total).
    void mark_superseded(const std::string& id);
    void commit();
    [[nodiscard]] const ApplyStats& stats() const;

private:
    std::unique_ptr<detail::EventWriter> writer_;
};

}  // namespace usage
