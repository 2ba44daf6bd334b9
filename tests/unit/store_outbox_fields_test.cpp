// Store fields added by schema 2: the pricing model and guessed flag, the
// change sequence behind the push outbox, import coverage, and the upgrade
// of a version-1 store.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include "sqlite_store_at_version.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/store/store.hpp"

namespace {

usage::UsageEvent call(const std::string& id, std::int64_t ts_ms, std::int64_t input) {
    usage::UsageEvent e;
    e.id = "cursor:" + id;
    e.source = "cursor";
    e.session_id = "c1";
    e.model = "claude-4.5-sonnet";
    e.pricing_model = "claude-sonnet-4-5";
    e.timestamp_ms = ts_ms;
    e.tokens.input = input;
    return e;
}

usage::FileBatch batch(std::vector<usage::UsageEvent> events) {
    return usage::FileBatch{"cursor", "/state.vscdb", std::move(events), std::nullopt};
}

std::int64_t scalar(const usage::Store& store, const std::string& sql) {
    return usage::detail::sqlite_database(store).execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("store: an event is priced by its pricing model and shown by its own name") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    store.apply({batch({call("b1", 1767225600000, 1000)})});
    usage::Query by_model;
    by_model.group = usage::GroupBy::model;
    auto report = usage::run_query(store, by_model);
    REQUIRE(report.rows.size() == 1);
    CHECK(report.rows[0].key == "claude-4.5-sonnet");
    CHECK(report.totals.cost_micros == 3000);  // 1000 input tokens at $3 / M
    CHECK(store.unpriced_models().empty());
}

TEST_CASE("store: a guessed model gives way to a recorded one for the same call") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    auto guessed = call("b1", 1767225600000, 10);
    guessed.model = "gpt-5";
    guessed.pricing_model.clear();
    guessed.model_guessed = true;
    store.apply({batch({guessed})});
    auto recorded = guessed;
    recorded.model = "gpt-5-codex";
    recorded.model_guessed = false;
    CHECK(store.apply({batch({recorded})}).updated == 1);
    CHECK(usage::detail::sqlite_database(store)
              .execAndGet("SELECT model || '/' || model_guessed FROM events")
              .getString() == "gpt-5-codex/0");
    // And never the other way round.
    CHECK(store.apply({batch({guessed})}).unchanged == 1);
}

TEST_CASE("store: every insert or change takes a new change_seq, unchanged rows keep theirs") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    store.apply({batch({call("a", 1767225600000, 10), call("b", 1767225600000, 10)})});
    CHECK(usage::detail::sqlite_database(store)
              .execAndGet("SELECT group_concat(change_seq) FROM (SELECT change_seq FROM events ORDER BY id)")
              .getString() == "1,2");
    store.apply({batch({call("a", 1767225600000, 10)})});  // unchanged
    store.apply({batch({call("b", 1767225600000, 20)})});  // grew
    CHECK(usage::detail::sqlite_database(store)
              .execAndGet("SELECT group_concat(change_seq) FROM (SELECT change_seq FROM events ORDER BY id)")
              .getString() == "1,3");
}

TEST_CASE("store: an import's coverage supersedes partial replay copies, stored before or after it") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    auto local = [](const std::string& id, std::int64_t ts) {
        auto e = call(id, ts, 100);
        e.replay = true;
        e.dedup_group = e.id;
        return e;
    };
    // Stored before the import: one inside the span, one after it.
    store.apply({batch({local("in1", 1000), local("out", 5000)})});
    {
        usage::StoreWriter w(store);
        auto imported = call("csv:2000", 2000, 150);
        imported.replay = false;
        w.add(batch({imported}));
        w.add_coverage("cursor", 1000, 3000);
        w.commit();
    }
    // Arriving after the import, inside the span.
    store.apply({batch({local("in2", 2500)})});
    auto t = usage::run_query(store, {}).totals;
    CHECK(t.events == 2);  // the import's row and the local copy outside the span
    CHECK(t.input_tokens == 250);
    CHECK(scalar(store, "SELECT count(*) FROM events") == 4);  // nothing deleted
}

TEST_CASE("store: a version-1 store is upgraded in place and its events wait to be pushed") {
    testing::TempDir dir;
    {
        SQLite::Database db = testing::sqlite_store_at_version(dir.path(), 1);
        db.exec("INSERT INTO events (id, source, ts_ms, input) VALUES ('claude-code:m:r', 'claude-code', 1, 7)");
    }
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    CHECK(store.schema_version() == usage::Store::kSchemaVersion);
    CHECK(scalar(store, "SELECT change_seq FROM events") == 0);
    CHECK(scalar(store, "SELECT input FROM events") == 7);
}
