// UsageEvent::aggregate in the store, SQLite and PostgreSQL alike: stored,
// read back (export, import), kept through merges and re-pricing, so a sum
// of calls is priced at base rates however often the store re-prices it;
// and a store from before the column opens with every row a single call.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <functional>
#include <sstream>
#include <string>

#include "sqlite_store_at_version.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/store/store.hpp"
#include "usage/store/store_archive.hpp"
#include "usage/store/store_location.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "pg_connection.hpp"
#include "postgres_server.hpp"
#endif

namespace {

// Claude Sonnet 4.5, a prompt of 1,250,000 tokens: above the 200k tier.
usage::UsageEvent sonnet(const std::string& id, const std::string& session, bool aggregate) {
    usage::UsageEvent e;
    e.id = "goose:" + id;
    e.source = "goose";
    e.session_id = session;
    e.model = "claude-sonnet-4-5";
    e.timestamp_ms = 1767225600000;
    e.tokens.input = 250'000;
    e.tokens.output = 10'000;
    e.tokens.cache_read = 1'000'000;
    e.aggregate = aggregate;
    return e;
}

usage::FileBatch batch(std::vector<usage::UsageEvent> events) {
    return usage::FileBatch{"goose", "/sessions.db", std::move(events), std::nullopt};
}

// "session=cost" per session, in session order.
std::string costs(const usage::Store& store) {
    usage::Query q;
    q.group = usage::GroupBy::session;
    std::string out;
    for (const auto& row : usage::run_query(store, q).rows)
        out += row.key + "=" + std::to_string(row.totals.cost_micros) + " ";
    return out;
}

// Half the price, the same shape: the store re-prices when the book changes.
void cheaper(usage::PriceBook& prices) {
    prices.set_price_file(
        {{"claude-sonnet-4-5", "anthropic", {2.0, 10.0, 0.2, 2.5, 4.0}, {{200000, {4.0, 20.0, 0.4, 5.0, 8.0}}}}});
}

// The life of an aggregate event in `store`; `flags` answers "id=flag ..."
// from the stored rows in id order.
void check_store(const std::function<std::unique_ptr<usage::Store>()>& open,
                 const std::function<std::string()>& flags) {
    usage::PriceBook builtin, lower;
    cheaper(lower);
    {
        auto store = open();
        store->use_prices(builtin);
        CHECK(store->apply({batch({sonnet("sum", "s1", true), sonnet("one", "s2", false)})}).inserted == 2);
        CHECK(flags() == "goose:one=0 goose:sum=1 ");
        // 250,000 x $3 + 10,000 x $15 + 1,000,000 x $0.30; the single call at the tier's $6 / $22.50 / $0.60.
        CHECK(costs(*store) == "s1=1200000 s2=2325000 ");
    }
    {
        // Reopened and re-priced by another book: the sum keeps base rates.
        auto store = open();
        store->use_prices(lower);
        CHECK(costs(*store) == "s1=800000 s2=1600000 ");
        // A copy without the flag never clears it; one with it sets it.
        auto grown = sonnet("sum", "s1", false);
        grown.tokens.output = 20'000;
        auto now_sum = sonnet("one", "s2", true);
        CHECK(store->apply({batch({grown, now_sum})}).updated == 2);
        CHECK(flags() == "goose:one=1 goose:sum=1 ");
        // 500,000 + 200,000 + 200,000; 500,000 + 100,000 + 200,000.
        CHECK(costs(*store) == "s1=900000 s2=800000 ");
        CHECK(store->apply({batch({sonnet("sum", "s1", false)})}).unchanged == 1);
        store->use_prices(builtin);
        CHECK(costs(*store) == "s1=1350000 s2=1200000 ");
    }
}

std::string sqlite_flags(const std::filesystem::path& db) {
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    SQLite::Statement st(d, "SELECT id, aggregate FROM events ORDER BY id");
    std::string out;
    while (st.executeStep()) out += st.getColumn(0).getString() + "=" + st.getColumn(1).getString() + " ";
    return out;
}

}  // namespace

TEST_CASE("aggregate store: SQLite stores the flag and re-prices a sum at base rates") {
    testing::TempDir dir;
    check_store([&] { return std::make_unique<usage::Store>(dir.path()); },
                [&] { return sqlite_flags(dir.path() / "usage.db"); });
}

TEST_CASE("aggregate store: the flag survives export and import, and the import prices at base rates") {
    testing::TempDir from_dir, to_dir;
    usage::PriceBook prices;
    std::stringstream file;
    {
        usage::Store from(from_dir.path());
        from.use_prices(prices);
        from.apply({batch({sonnet("sum", "s1", true), sonnet("one", "s2", false)})});
        // The rows as the outbox and the export read them.
        std::string read;
        from.backend().each_row(
            [&](const usage::sync::WireEvent& w) { read += w.event.id + "=" + (w.event.aggregate ? "1 " : "0 "); });
        CHECK(read == "goose:sum=1 goose:one=0 ");
        CHECK(usage::export_store(from, file).rows.events() == 2);
    }
    usage::Store to(to_dir.path());
    to.use_prices(prices);
    const auto stats = usage::import_store(to, file, "export.jsonl");
    CHECK(stats.invalid == 0);
    CHECK(stats.applied.inserted == 2);
    CHECK(sqlite_flags(to_dir.path() / "usage.db") == "goose:one=0 goose:sum=1 ");
    CHECK(costs(to) == "s1=1200000 s2=2325000 ");
}

TEST_CASE("aggregate store: a SQLite store of schema 8 opens with every row a single call, priced per call") {
    testing::TempDir dir;
    {
        SQLite::Database db = testing::sqlite_store_at_version(dir.path(), 8);
        db.exec(
            "INSERT INTO events (id, source, session_id, model, ts_ms, input, output, cache_read, cost_micros, "
            "cost_origin) VALUES ('goose:old', 'goose', 's1', 'claude-sonnet-4-5', 1767225600000, 250000, 10000, "
            "1000000, 2325000, 1)");
    }
    usage::PriceBook lower;
    cheaper(lower);
    usage::Store store(dir.path());
    CHECK(store.schema_version() == usage::Store::kSchemaVersion);
    CHECK(sqlite_flags(dir.path() / "usage.db") == "goose:old=0 ");
    store.use_prices(lower);  // re-priced as the single call it was taken for: the tier
    CHECK(costs(store) == "s1=1600000 ");
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("aggregate store: PostgreSQL stores the flag and re-prices a sum at base rates") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string uri = pg->fresh_database();
    const auto location = usage::StoreLocation::parse(uri);
    check_store([&] { return std::make_unique<usage::Store>(location); },
                [&] {
                    testing::PgConnection c(uri);
                    std::string out;
                    for (const auto& row : c.query("SELECT id, (aggregate::int)::text FROM events ORDER BY id "
                                                   "COLLATE \"C\""))
                        out += row[0] + "=" + row[1] + " ";
                    return out;
                });
}
#endif
