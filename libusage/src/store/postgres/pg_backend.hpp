// The PostgreSQL backend: a team endpoint's store, shared by any number of
// `serve` replicas. Each Store holds a small pool (a broken connection is
// replaced on the next call); statements are in pg_backend.cpp (tables),
// pg_event_writer.cpp (writes) and pg_usage_reader.cpp (run_query's rows).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/postgres/pg_array.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/store_backend.hpp"

namespace usage::pg {

class PgBackend final : public usage::detail::StoreBackend {
public:
    /// Connects and migrates. Throws usage::StoreUnavailable when the server
    /// cannot be reached, std::runtime_error naming it otherwise.
    explicit PgBackend(const std::string& uri);

    [[nodiscard]] std::string display() const override { return display_; }
    [[nodiscard]] int schema_version() const override;
    [[nodiscard]] bool concurrent_writers() const override { return true; }
    [[nodiscard]] std::optional<std::string> meta(const std::string& key) const override;
    void set_meta(const std::string& key, const std::string& value) override;
    void record_machine(const std::string& id, const std::string& name) override;
    void reprice_all(const PriceBook& prices) override;
    [[nodiscard]] std::optional<FileCursor> cursor(const std::string& source,
                                                   const std::filesystem::path& path) const override;
    [[nodiscard]] std::vector<std::pair<std::string, FileCursor>> cursors(const std::string& source) const override;
    [[nodiscard]] std::int64_t file_count(const std::string& source) const override;
    void forget_cursors(const std::string& source) override;
    [[nodiscard]] std::map<std::string, std::int64_t> events_by_source() const override;
    [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> unpriced_models() const override;
    void release_memory() override {}
    // A team store is backed up and moved with PostgreSQL's own tools
    // (docs/scaling.md); the export is the local store's.
    void each_row(const std::function<void(const sync::WireEvent&)>&) const override { refuse_export(); }
    [[nodiscard]] std::vector<MachineDetails> machines() const override { refuse_export(); }
    std::int64_t add_token(const std::string& hash, const std::string& prefix, const std::string& user,
                           const std::string& role, std::int64_t now_ms) override;
    [[nodiscard]] std::optional<TokenRecord> find_token(const std::string& hash) const override;
    [[nodiscard]] std::vector<TokenRecord> list_tokens() const override;
    bool revoke_token(std::int64_t id, std::int64_t now_ms) override;
    bool record_session_cost(const SessionCost& cost) override;
    [[nodiscard]] std::optional<SessionCost> session_cost(const std::string& source,
                                                          const std::string& session_id) const override;
    [[nodiscard]] std::vector<SessionCost> session_costs() const override;
    void record_budget_delivery(const BudgetDelivery& delivery) override;
    [[nodiscard]] std::vector<BudgetDelivery> budget_deliveries(const std::string& budget,
                                                                std::int64_t period_start_ms) const override;
    bool record_limit(const LimitSnapshot& snapshot) override;
    [[nodiscard]] std::vector<LimitSnapshot> limits() const override;
    void set_lock_wait_ms(int ms) override;
    void skip_checkpoint_on_close() override;
    std::unique_ptr<usage::detail::EventWriter> writer(const PriceBook& prices) override;
    std::unique_ptr<usage::detail::UsageReader> reader(const Query& query, const date::time_zone* tz) const override;

    [[nodiscard]] Lease lease() const { return pool_.lease(); }

    /// machines.key of a machine id a committed write has used (keys never
    /// change): spares a writer two statements per batch.
    [[nodiscard]] std::optional<std::int64_t> machine_key(const std::string& id) const {
        auto it = machine_keys_.find(id);
        return it == machine_keys_.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
    }
    void remember_machine_key(const std::string& id, std::int64_t key) { machine_keys_[id] = key; }

    /// Whether this backend wrote these very details of a machine less than
    /// a minute before `now_ms`. A machine's row was rewritten with every
    /// batch it pushed, a commit of its own each time; `updated_ms` (which
    /// nothing reads back) now says when within a minute.
    [[nodiscard]] bool machine_written_recently(const MachineDetails& m, std::int64_t now_ms) const {
        const auto it = machines_written_.find(m.id);
        return it != machines_written_.end() && it->second.first == m && now_ms >= it->second.second &&
               now_ms - it->second.second < 60'000;
    }
    void remember_machine_written(const MachineDetails& m, std::int64_t now_ms) {
        machines_written_.insert_or_assign(m.id, std::make_pair(m, now_ms));
    }

private:
    [[noreturn]] void refuse_export() const;
    std::unordered_map<std::string, std::int64_t> machine_keys_;
    std::unordered_map<std::string, std::pair<MachineDetails, std::int64_t>> machines_written_;
    mutable Pool pool_;
    std::string display_;
};

/// What pricing needs of a stored event, from columns [first, first + 9) of
/// a row selected as: model, input, output, reasoning, cache_read,
/// cache_write_5m, cache_write_1h, reported_cost_micros, aggregate.
UsageEvent pricing_inputs(const Result& row_set, int row, int first);

/// New costs of stored events, written in one statement.
class CostUpdates {
public:
    void add(std::string_view id, const PricedCost& cost);
    [[nodiscard]] bool empty() const { return ids_.size() == 0; }
    /// `bump_revision`: re-pricing stored events changes the rows (as
    /// SQLite's does); pricing a merge is part of the merge's own change.
    void write(Connection& c, bool bump_revision) const;

private:
    ArrayLiteral ids_, costs_, origins_;
};

/// meta[key] = value, on a connection (inside its transaction, if any).
void upsert_meta(Connection& c, const std::string& key, const std::string& value);

}  // namespace usage::pg
