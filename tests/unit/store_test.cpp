// Store: upsert by id merging copies (TokenCounts::merge_copy), replay superseding, cursors in the
// same transaction, machine id, re-pricing, and nothing ever deleted - on every backend
// (store_backends.hpp), with the same exact numbers.
#include "usage/store/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <map>

#include "store_backends.hpp"
#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"

namespace {

usage::UsageEvent event(const std::string& id, std::int64_t input, std::int64_t output) {
    usage::UsageEvent e;
    e.id = "test:" + id;
    e.source = "claude-code";
    e.session_id = "s1";
    e.model = "claude-sonnet-4-5-20250929";
    e.timestamp_ms = 1767225600000;  // 2026-01-01T00:00:00Z
    e.tokens.input = input;
    e.tokens.output = output;
    return e;
}

usage::FileBatch batch(std::vector<usage::UsageEvent> events) {
    usage::FileBatch b;
    b.source = "claude-code";
    b.path = "/x.jsonl";
    b.events = std::move(events);
    return b;
}

usage::Totals totals(const usage::Store& store) {
    return usage::run_query(store, {}).totals;
}

}  // namespace

TEST_CASE("store: same id twice keeps the larger copy, never the sum") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        auto opened = backend.open();
        usage::Store& store = *opened;
        store.use_prices(prices);
        auto a = store.apply({batch({event("m1", 10, 5)})});
        CHECK(a.inserted == 1);
        auto b = store.apply({batch({event("m1", 10, 50)})});  // later streaming copy
        CHECK(b.updated == 1);
        auto c = store.apply({batch({event("m1", 8, 20)})});  // smaller copy: no change
        CHECK(c.unchanged == 1);
        auto t = totals(store);
        CHECK(t.events == 1);
        CHECK(t.input_tokens == 10);
        CHECK(t.output_tokens == 50);
        // Cost follows the merged counts: 10*3 + 50*15 micro-dollars.
        CHECK(t.cost_micros == 780);
        CHECK(t.estimated_cost_micros == 780);
    });
}

TEST_CASE("store: copies in separate batches never mix two prompts, in either order") {
    auto partial = event("gw", 15000, 300);
    auto final_copy = event("gw", 12, 900);
    final_copy.tokens.cache_write_5m = 2000;
    final_copy.tokens.cache_read = 14988;
    for (bool partial_first : {true, false}) {
        CAPTURE(partial_first);
        testing::for_each_backend([&](const testing::StoreBackend& backend) {
            usage::PriceBook prices;
            auto opened = backend.open();
            usage::Store& store = *opened;
            store.use_prices(prices);
            store.apply({batch({partial_first ? partial : final_copy})});
            auto second = store.apply({batch({partial_first ? final_copy : partial})});
            CHECK(second.updated == (partial_first ? 1 : 0));
            CHECK(second.unchanged == (partial_first ? 0 : 1));
            auto t = totals(store);
            CHECK(t.events == 1);
            CHECK(t.input_tokens == 12);
            CHECK(t.cache_read_tokens == 14988);
            CHECK(t.cache_write_5m_tokens == 2000);
            CHECK(t.output_tokens == 900);
            CHECK(t.total_tokens() == 17900);
        });
    }
}

TEST_CASE("store: a copy without a timestamp never moves the event's time") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        auto opened = backend.open();
        usage::Store& store = *opened;
        store.use_prices(prices);
        store.apply({batch({event("m1", 10, 5)})});
        auto later = event("m1", 10, 90);
        later.timestamp_ms = 0;
        store.apply({batch({later})});
        usage::Query q;
        q.group = usage::GroupBy::day;
        auto r = usage::run_query(store, q);
        REQUIRE(r.rows.size() == 1);
        CHECK(r.rows[0].key == "2026-01-01");
        CHECK(r.rows[0].totals.output_tokens == 90);
    });
}

TEST_CASE("store: a replay is superseded by the real call of the same group, in either order") {
    for (bool replay_first : {true, false}) {
        CAPTURE(replay_first);
        testing::for_each_backend([&](const testing::StoreBackend& backend) {
            usage::PriceBook prices;
            auto opened = backend.open();
            usage::Store& store = *opened;
            store.use_prices(prices);
            auto real = event("msg:reqA", 100, 10);
            real.dedup_group = "test:msg:";
            auto replay = event("msg:reqB", 100, 10);
            replay.dedup_group = "test:msg:";
            replay.replay = true;
            auto other = event("other:reqC", 1, 1);
            other.dedup_group = "test:other:";
            other.replay = true;  // a sidechain call of its own: stays
            if (replay_first) {
                store.apply({batch({replay, other})});
                CHECK(totals(store).events == 2);
                store.apply({batch({real})});
            } else {
                store.apply({batch({real})});
                store.apply({batch({replay, other})});
            }
            auto t = totals(store);
            CHECK(t.events == 2);
            CHECK(t.input_tokens == 101);
        });
    }
}

TEST_CASE("store: a failed call's replayed copy is superseded like an event's, and counted once as a failure") {
    // OpenCode's legacy copy of a failed message (a replay) and its database row, in one writer
    // and in two: the writer's counts never take the failure for a new or a superseded event.
    for (bool one_writer : {true, false}) {
        CAPTURE(one_writer);
        testing::for_each_backend([&](const testing::StoreBackend& backend) {
            usage::PriceBook prices;
            auto opened = backend.open();
            usage::Store& store = *opened;
            store.use_prices(prices);
            auto legacy = event("msg:json", 0, 0);
            legacy.dedup_group = "test:msg:";
            legacy.replay = true;
            legacy.failure = "http_429";
            auto row = legacy;
            row.id = "test:msg:db";
            row.replay = false;
            auto answered = event("ok:db", 10, 1);
            usage::ApplyStats stats;
            if (one_writer) {
                stats = store.apply({batch({legacy, row, answered})});
                CHECK(stats.inserted == 3);
                CHECK(stats.inserted_superseded == 1);
                CHECK(stats.inserted_failed == 1);
                CHECK(stats.events_new() == 1);
            } else {
                stats = store.apply({batch({legacy, answered})});
                CHECK(stats.inserted_failed == 1);
                CHECK(stats.events_new() == 1);
                stats = store.apply({batch({row})});
                CHECK(stats.inserted == 1);
                CHECK(stats.inserted_failed == 1);
                CHECK(stats.superseded == 0);  // the copy superseded was a failed call, not an event
                CHECK(stats.events_new() == 0);
            }
            const auto t = totals(store);
            CHECK(t.events == 1);
            CHECK(t.failed_requests == 1);
        });
    }
}

TEST_CASE("store: cursors are saved with the events, survive reopen, machine id is stable") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        std::string id;
        {
            auto opened = backend.open();
            usage::Store& store = *opened;
            store.use_prices(prices);
            id = store.machine_id();
            CHECK(id.size() == 36);
            auto b = batch({event("m1", 1, 1)});
            usage::FileCursor c;
            c.stat = {1, 2, 300, 4};
            c.offset = 250;
            c.head_hash = 77;
            c.tail_hash = 88;
            c.state = "{\"k\":1}";
            b.cursor = c;
            store.apply({b});
        }
        auto reopened = backend.open();
        usage::Store& again = *reopened;
        again.use_prices(prices);
        CHECK(again.machine_id() == id);
        CHECK(again.schema_version() == (backend.name == "sqlite" ? usage::Store::kSchemaVersion : 10));
        CHECK(again.file_count("claude-code") == 1);
        CHECK(again.events_by_source() == std::map<std::string, std::int64_t>{{"claude-code", 1}});
        auto c = again.cursor("claude-code", "/x.jsonl");
        REQUIRE(c);
        CHECK(c->offset == 250);
        CHECK(c->stat.size == 300);
        CHECK(c->head_hash == 77);
        CHECK(c->tail_hash == 88);
        CHECK(c->state == "{\"k\":1}");
        again.forget_cursors("claude-code");
        CHECK_FALSE(again.cursor("claude-code", "/x.jsonl"));
        CHECK(again.file_count("claude-code") == 0);
        CHECK(totals(again).events == 1);  // forgetting cursors never deletes events
    });
}

TEST_CASE("store: prices changing re-prices stored events, unknown models are unpriced") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        {
            auto opened = backend.open();
            usage::Store& store = *opened;
            store.use_prices(prices);
            auto unknown = event("u", 1000, 0);
            unknown.model = "mystery-model";
            store.apply({batch({event("m1", 100000, 0), unknown})});
            auto t = totals(store);
            CHECK(t.cost_micros == 300000);
            CHECK(t.unpriced_events == 1);
            auto models = store.unpriced_models();
            REQUIRE(models.size() == 1);
            CHECK(models[0].first == "mystery-model");
        }
        usage::ModelPrice o;
        o.model = "mystery-model";
        o.base = {2.0, 2.0, 2.0, 2.0, std::nullopt};
        prices.set_overrides({o});
        auto reopened = backend.open();
        usage::Store& store = *reopened;
        store.use_prices(prices);
        auto t = totals(store);
        CHECK(t.unpriced_events == 0);
        CHECK(t.cost_micros == 300000 + 2000);
        CHECK(store.unpriced_models().empty());
    });
}

TEST_CASE("store: a schema newer than the binary is refused with a clear message") {
    testing::TempDir dir;
    { usage::Store store(dir.path()); }
    {
        SQLite::Database db((dir.path() / "usage.db").string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = 99");
    }
    CHECK_THROWS_WITH_AS(usage::Store(dir.path()), doctest::Contains("newer than this usage-agent"),
                         std::runtime_error);
}
