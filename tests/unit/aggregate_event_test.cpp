// UsageEvent::aggregate: a sum of several calls is priced at base rates (a
// long-context tier is decided per call, and the sum's prompt is no call's),
// keeps the flag through a merge, and carries it on the wire.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "usage/pricing/pricing.hpp"
#include "usage/sync/protocol.hpp"

namespace {

// Claude Sonnet 4.5's built-in rates: $3 / $15 / $0.30 per million, and 2x
// input, 1.5x output above a 200k-token prompt.
usage::UsageEvent sonnet_event(bool aggregate) {
    usage::UsageEvent e;
    e.id = "goose:s1:3";
    e.source = "goose";
    e.session_id = "s1";
    e.model = "claude-sonnet-4-5";
    e.timestamp_ms = 1767225600000;
    e.tokens.input = 250'000;  // prompt 1,250,000: above the 200k threshold
    e.tokens.output = 10'000;
    e.tokens.cache_read = 1'000'000;
    e.aggregate = aggregate;
    return e;
}

std::string refusal(const std::string& body) {
    try {
        (void)usage::sync::decode_batch(body);
    } catch (const usage::sync::ProtocolError& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("aggregate: cost_micros prices a sum above 200k at base rates, a single call at the tier rate") {
    usage::PriceBook prices;
    const auto sonnet = prices.resolve("claude-sonnet-4-5");
    REQUIRE(sonnet.has_value());
    const usage::TokenCounts t = sonnet_event(false).tokens;
    // 250,000 x $6 + 10,000 x $22.50 + 1,000,000 x $0.60 per million.
    CHECK(usage::cost_micros(sonnet->price, t) == 2'325'000);
    CHECK(usage::cost_micros(sonnet->price, t, false) == 2'325'000);
    // 250,000 x $3 + 10,000 x $15 + 1,000,000 x $0.30 per million.
    CHECK(usage::cost_micros(sonnet->price, t, true) == 1'200'000);
    // Below the threshold the flag changes nothing.
    usage::TokenCounts small;
    small.input = 100'000;
    small.output = 1'000;
    CHECK(usage::cost_micros(sonnet->price, small, false) == 315'000);
    CHECK(usage::cost_micros(sonnet->price, small, true) == 315'000);
}

TEST_CASE("aggregate: with several tiers an aggregate takes none of them") {
    usage::ModelPrice p;
    p.model = "qwen-like";
    p.base = {1.2, 6.0, 0.12, 0, std::nullopt};
    p.tiers = {{32000, {1.8, 9.0, 0.18, 0, std::nullopt}}, {128000, {3.0, 15.0, 0.3, 0, std::nullopt}}};
    usage::TokenCounts t;
    t.input = 300'000;
    t.output = 2'000;
    CHECK(usage::cost_micros(p, t, false) == 930'000);  // 300,000 x 3.0 + 2,000 x 15.0
    CHECK(usage::cost_micros(p, t, true) == 372'000);   // 300,000 x 1.2 + 2,000 x 6.0
}

TEST_CASE("aggregate: PriceBook estimates and overrides honour the flag, a reported cost wins") {
    usage::PriceBook prices;
    auto single = sonnet_event(false);
    auto sum = sonnet_event(true);
    CHECK(prices.evaluate(single).micros == 2'325'000);
    CHECK(prices.evaluate(single).origin == usage::CostOrigin::estimated);
    CHECK(prices.evaluate(sum).micros == 1'200'000);
    CHECK(prices.evaluate(sum).origin == usage::CostOrigin::estimated);
    prices.price(sum);
    CHECK(sum.cost_micros == 1'200'000);

    // A user override with its own tier: still base rates for a sum.
    usage::ModelPrice o;
    o.model = "claude-sonnet-4-5";
    o.base = {1.0, 2.0, 0.1, 0, std::nullopt};
    o.tiers = {{200000, {10.0, 20.0, 1.0, 0, std::nullopt}}};
    prices.set_overrides({o});
    CHECK(prices.evaluate(single).micros == 3'700'000);  // 2,500,000 + 200,000 + 1,000,000
    CHECK(prices.evaluate(sum).micros == 370'000);       // 250,000 + 20,000 + 100,000
    CHECK(prices.evaluate(sum).origin == usage::CostOrigin::override_price);

    usage::PriceBook plain;
    sum.reported_cost_micros = 4242;
    CHECK(plain.evaluate(sum).micros == 4242);
    CHECK(plain.evaluate(sum).origin == usage::CostOrigin::reported);
}

TEST_CASE("aggregate: merge keeps the flag when either copy has it") {
    for (const auto& [mine, theirs] : {std::pair{false, false}, {false, true}, {true, false}, {true, true}}) {
        CAPTURE(mine);
        CAPTURE(theirs);
        auto a = sonnet_event(mine);
        a.merge(sonnet_event(theirs));
        CHECK(a.aggregate == (mine || theirs));
    }
}

TEST_CASE("aggregate: the wire carries the flag only when set, and an endpoint reads it back") {
    usage::sync::IngestBatch b;
    b.machine = {"m-1", "box", "linux", "UTC", "0.1.0"};
    usage::sync::WireEvent w;
    w.event = sonnet_event(true);
    w.event.machine_id = "m-1";
    b.events.push_back(w);
    w.event = sonnet_event(false);
    w.event.id = "goose:s1:4";
    w.event.machine_id = "m-1";
    b.events.push_back(w);

    const auto doc = nlohmann::json::parse(usage::sync::encode_batch(b));
    CHECK(doc["events"][0]["aggregate"] == true);
    CHECK(doc["events"][1].contains("aggregate") == false);  // as older agents send it
    const auto d = usage::sync::decode_batch(doc.dump());
    REQUIRE(d.events.size() == 2);
    CHECK(d.events[0].event.aggregate);
    CHECK_FALSE(d.events[1].event.aggregate);
    // Priced on arrival at the endpoint, the sum keeps base rates.
    usage::PriceBook prices;
    CHECK(prices.evaluate(d.events[0].event).micros == 1'200'000);
    CHECK(prices.evaluate(d.events[1].event).micros == 2'325'000);

    // A store export line too.
    const auto stored = usage::sync::decode_stored_event(usage::sync::encode_stored_event(b.events[0]));
    CHECK(stored.event.aggregate);
    // An explicit false is accepted and means false.
    auto explicit_false = doc;
    explicit_false["events"][0]["aggregate"] = false;
    CHECK_FALSE(usage::sync::decode_batch(explicit_false.dump()).events[0].event.aggregate);
}

TEST_CASE("aggregate: a flag that is not a boolean is refused with its name") {
    for (const char* raw : {"1", "\"true\"", "[]", "{}"}) {
        CAPTURE(raw);
        CHECK(refusal(std::string(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s",)") +
                      R"("timestamp_ms":1,"tokens":{},"aggregate":)" + raw + "}]}") ==
              "'events[0].aggregate' must be true or false");
    }
    // null is absent, as for every optional field: false.
    CHECK(usage::sync::decode_batch(
              R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,"tokens":{},)"
              R"("aggregate":null}]})")
              .events[0]
              .event.aggregate == false);
}
