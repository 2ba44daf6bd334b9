// The outbox: every row after the acknowledged (change_seq, rowid) mark,
// bounded batches, and rows that change after they were sent come back.
#include "usage/sync/outbox.hpp"

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
    CHECK(box.pending().rows == 5);
    auto first = box.next(box.state().acknowledged, 2, 1 << 20);
    REQUIRE(first.size() == 2);
    CHECK(first[0].event.event.id == "test:0");
    CHECK(first[1].event.event.id == "test:1");
    CHECK(box.pending().rows == 5);  // reading is not sending
    box.acknowledge(first.back().mark);
    CHECK(box.pending().rows == 3);

    // A sent row that grows comes back after the unsent ones.
    store_calls(store, {call(0, 99)});
    CHECK(box.pending().rows == 4);
    auto rest = box.next(box.state().acknowledged, 100, 1 << 20);
    REQUIRE(rest.size() == 4);
    CHECK(rest.back().event.event.id == "test:0");
    CHECK(rest.back().event.event.tokens.output == 99);
    CHECK(rest.back().event.revision == 2);
    box.acknowledge(rest.back().mark);
    CHECK(box.pending().rows == 0);

    // Another endpoint has its own mark: it gets everything.
    CHECK(usage::sync::Outbox(store, "http://other.example").pending().rows == 5);
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

TEST_CASE("outbox: a set-aside row is skipped until it changes, and is then sent and no longer set aside") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    store_calls(store, {call(1, 1), call(2, 2), call(3, 3)});
    usage::sync::Outbox box(store, "http://team.example");
    auto all = box.next({}, 100, 1 << 20);
    REQUIRE(all.size() == 3);
    box.set_aside(all[1], "'events[1].tokens.output' must be at least 0");
    CHECK(box.pending().rows == 2);
    auto rest = box.next({}, 100, 1 << 20);
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].event.event.id == "test:1");
    CHECK(rest[1].event.event.id == "test:3");
    CHECK(box.set_aside_count() == 1);
    auto last = box.set_aside_last(5);
    REQUIRE(last.size() == 1);
    CHECK(last[0].event_id == "test:2");
    CHECK(last[0].reason == "'events[1].tokens.output' must be at least 0");
    // Set aside for this endpoint only.
    CHECK(usage::sync::Outbox(store, "http://other.example").pending().rows == 3);

    box.acknowledge(rest.back().mark);
    CHECK(box.pending().rows == 0);
    store_calls(store, {call(2, 20)});  // its content changes: a new change_seq
    CHECK(box.set_aside_count() == 0);
    CHECK(box.pending().rows == 1);
    box.forget_changed_set_asides();
    CHECK(box.set_aside_last(5).empty());
    CHECK(box.next(box.state().acknowledged, 100, 1 << 20).at(0).event.event.tokens.output == 20);
}

TEST_CASE("outbox: counts are shown as events, or rows with their superseded copies and failed calls") {
    auto number = [](std::uint64_t n) { return std::to_string(n); };
    CHECK(usage::sync::describe_rows({0, 0}, number) == "0 events");
    CHECK(usage::sync::describe_rows({1, 0}, number) == "1 event");
    CHECK(usage::sync::describe_rows({4, 1}, number) == "4 rows (3 events, 1 superseded copy)");
    CHECK(usage::sync::describe_rows({2, 2}, number) == "2 rows (0 events, 2 superseded copies)");
    CHECK(usage::sync::describe_rows({1, 1}, number) == "1 row (0 events, 1 superseded copy)");
    CHECK(usage::sync::describe_rows({5, 1, 1}, number) == "5 rows (3 events, 1 superseded copy, 1 failed call)");
    CHECK(usage::sync::describe_rows({3, 0, 2}, number) == "3 rows (1 event, 2 failed calls)");
}

TEST_CASE("outbox: rows of another machine (brought in by store import) are not this machine's to push") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    const std::string self = store.machine_id();
    std::vector<usage::UsageEvent> events;
    for (int i = 0; i < 5; ++i) events.push_back(call(i, 10));
    events[0].machine_id = self;
    events[1].machine_id = self + "/windows";  // a variant: WSL's Windows side
    events[2].machine_id = "0000aaaa-0000-4000-8000-000000000001";
    events[3].machine_id = "0000aaaa-0000-4000-8000-000000000001/windows";
    // events[4]: no machine (stores written before machines were recorded): sent as this machine's
    {
        usage::StoreWriter writer(store);
        writer.record_machine({self, "laptop", "", "", ""});
        writer.record_machine({self + "/windows", "laptop (windows)", "", "", ""});
        writer.record_machine({events[2].machine_id, "old-laptop", "", "", ""});
        writer.record_machine({events[3].machine_id, "old-laptop (windows)", "", "", ""});
        writer.add({"claude-code", "/x.jsonl", events, std::nullopt});
        writer.commit();
    }
    usage::sync::Outbox box(store, "http://team.example");
    CHECK(box.pending().rows == 3);
    auto batch = box.next(box.state().acknowledged, 100, 1 << 20);
    REQUIRE(batch.size() == 3);
    CHECK(batch[0].event.event.id == "test:0");
    CHECK(batch[1].event.event.id == "test:1");
    CHECK(batch[2].event.event.id == "test:4");
    box.acknowledge(batch.back().mark);
    CHECK(box.pending().rows == 0);
}
