// The SQLite side of run_query: the matching events, or the matching rows of
// usage_rollup, of a time interval, with the query's filters and group key.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "analytics/time_zone.hpp"
#include "store/store_backend.hpp"

struct sqlite3_stmt;

namespace SQLite {
class Database;
class Transaction;
}  // namespace SQLite

namespace usage::detail {

class SqliteUsageReader final : public UsageReader {
public:
    /// Outside a transaction, opens a read transaction: every interval read
    /// then sees the same snapshot. Time buckets are of the zone `tz`.
    SqliteUsageReader(SQLite::Database& db, const Query& query, const date::time_zone* tz);
    ~SqliteUsageReader() override;
    SqliteUsageReader(const SqliteUsageReader&) = delete;
    SqliteUsageReader& operator=(const SqliteUsageReader&) = delete;

    /// The counted events with from <= ts_ms < to (nullopt: unbounded).
    void events(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) override;
    /// The rollup rows of the UTC hours starting in [from, to). Returns false,
    /// having stopped, at a sum that left 64 bits (a REAL): read the events.
    bool rollup(RollupLevel level, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                const RowSink& sink) override;
    /// The failed calls with from <= ts_ms < to.
    void failures(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const RowSink& sink) override;
    /// The first and last UTC hour the rollup holds; nullopt when it is empty.
    std::optional<std::pair<std::int64_t, std::int64_t>> rollup_hours() override;

private:
    struct Prepared;
    /// The statement for a table and the bounds given, reset, filters bound,
    /// `from` and `to` bound when given.
    /// table: 0 events, 1 usage_rollup, 2 usage_rollup_day, 3 failed calls.
    Prepared& statement(int table, std::optional<std::int64_t> from, std::optional<std::int64_t> to);
    void read_descriptive(sqlite3_stmt* st, int first, UsageRow& r);
    SQLite::Database& db_;
    Query query_;
    BucketKeys keys_;
    bool bucketed_;
    std::unique_ptr<SQLite::Transaction> snapshot_;
    // Prepared once per shape: a plan may read many intervals.
    std::map<std::tuple<int, bool, bool>, std::unique_ptr<Prepared>> statements_;
    bool name_machines_ = false;  // row_needs: machine names (and ids as keys) from machines_
    KnownMachines machines_;
};

}  // namespace usage::detail
