// The outbox: every row after the acknowledged (change_seq, rowid) mark,
// bounded batches, and rows that change after they were sent come back.
#include "usage/outbox.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

namespace {

usage::UsageEvent call(int n, std::int64_t output) {
    usage::UsageEvent e;
    e.id = "test:" + std::to_string(n);
    e.source = "claude-code";
    e.model = "claude-sonnet-4-5";
    e.timestamp_ms = 1767225600000 + n;
    e.tokens.output = output;
    return e;
}

void store_calls(usage::Store& store, std::vector<usage::UsageEvent> events) {
    store.apply({usage::FileBatch{"claude-code", "/x.jsonl", std::move(events), std::nullopt}});
}

}  // namespace

TEST_CASE("outbox: batches follow change order, the mark moves only on acknowledge") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    std::vector<usage::UsageEvent> events;
    for (int i = 0; i < 5; ++i) events.push_back(call(i, 10));
    store_calls(store, events);

    usage::sync::Outbox box(store, "http://team.example");
    CHECK(box.pending() == 5);
    auto first = box.next(box.state().acknowledged, 2, 1 << 20);
    REQUIRE(first.size() == 2);
    CHECK(first[0].event.event.id == "test:0");
    CHECK(first[1].event.event.id == "test:1");
    CHECK(box.pending() == 5);  // reading is not sending
    box.acknowledge(first.back().mark);
    CHECK(box.pending() == 3);

    // A sent row that grows comes back after the unsent ones.
    store_calls(store, {call(0, 99)});
    CHECK(box.pending() == 4);
    auto rest = box.next(box.state().acknowledged, 100, 1 << 20);
    REQUIRE(rest.size() == 4);
    CHECK(rest.back().event.event.id == "test:0");
    CHECK(rest.back().event.event.tokens.output == 99);
    CHECK(rest.back().event.revision == 2);
    box.acknowledge(rest.back().mark);
    CHECK(box.pending() == 0);

    // Another endpoint has its own mark: it gets everything.
    CHECK(usage::sync::Outbox(store, "http://other.example").pending() == 5);
}

TEST_CASE("outbox: a batch is cut by bytes but always holds at least one event") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    store_calls(store, {call(1, 1), call(2, 2), call(3, 3)});
    usage::sync::Outbox box(store, "http://team.example");
    auto one = box.next({}, 100, 10);  // 10 bytes: smaller than any event
    CHECK(one.size() == 1);
    const std::size_t two_events = one[0].json.size() * 2 + 10;
    CHECK(box.next({}, 100, two_events).size() == 2);
}
