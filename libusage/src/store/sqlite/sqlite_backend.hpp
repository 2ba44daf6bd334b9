// The SQLite backend: one usage.db file in WAL mode, the agent's store and
// the default endpoint store. Its writer and reader live beside it
// (store_writer.cpp, usage_reader.cpp); its schema in store_schema.cpp.
#pragma once

#include <filesystem>
#include <memory>

#include "store/store_backend.hpp"

namespace SQLite {
class Database;
}

namespace usage::detail {

class SqliteBackend final : public StoreBackend {
public:
    /// Opens (creating and migrating) `dir/usage.db`. Throws std::runtime_error naming it.
    explicit SqliteBackend(const std::filesystem::path& dir);
    ~SqliteBackend() override;

    [[nodiscard]] std::string display() const override { return path_.string(); }
    [[nodiscard]] int schema_version() const override;
    [[nodiscard]] bool concurrent_writers() const override { return false; }
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
    void release_memory() override;
    void each_row(const std::function<void(const sync::WireEvent&)>& sink) const override;
    [[nodiscard]] std::vector<MachineDetails> machines() const override;
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
    std::unique_ptr<EventWriter> writer(const PriceBook& prices) override;
    std::unique_ptr<UsageReader> reader(const Query& query, const date::time_zone* tz) const override;

    [[nodiscard]] SQLite::Database& db() const { return *db_; }
    /// Whether a replay event was ever stored (kept in meta: a writer that
    /// knows there is none skips a probe per event).
    [[nodiscard]] bool has_replays() const { return has_replays_; }
    void note_replays();

private:
    void migrate();
    std::filesystem::path path_;
    std::unique_ptr<SQLite::Database> db_;
    bool has_replays_ = false;
};

/// The SQLite database of a store, for the agent-local parts that only
/// SQLite holds (the outbox) and for tests. Throws std::logic_error naming
/// the store when its backend is another engine.
SQLite::Database& sqlite_database(const Store& store);

}  // namespace usage::detail
