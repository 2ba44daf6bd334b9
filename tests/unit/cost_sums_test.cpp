// Cost arithmetic and sums at the edges: one call at the token and price
// caps costs an exact integer, numbers outside the rule are held to the
// per-call bounds, sums over many calls at the caps are exact, and sums over
// impossible stored numbers saturate and say so instead of wrapping.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/model/saturating.hpp"
#include "usage/model/token_limits.hpp"
#include "usage/pricing/pricing.hpp"
#include "usage/store/store.hpp"

namespace {

constexpr std::int64_t kCap = usage::kMaxTokensPerCall;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

usage::ModelPrice price_at_cap(bool with_1h) {
    usage::ModelPrice p;
    p.model = "cap-model";
    p.base = {usage::kMaxPricePerMillion, usage::kMaxPricePerMillion, usage::kMaxPricePerMillion,
              usage::kMaxPricePerMillion, with_1h ? std::optional<double>(usage::kMaxPricePerMillion) : std::nullopt};
    return p;
}

usage::UsageEvent call(const std::string& id, const std::string& model, usage::TokenCounts tokens) {
    usage::UsageEvent e;
    e.id = "test:" + id;
    e.source = "claude-code";
    e.session_id = "s-" + id;
    e.model = model;
    e.timestamp_ms = 1767225600000;
    e.tokens = tokens;
    return e;
}

void store_events(usage::Store& store, std::vector<usage::UsageEvent> events) {
    usage::FileBatch b;
    b.source = "claude-code";
    b.path = "/x.jsonl";
    b.events = std::move(events);
    store.apply({b});
}

}  // namespace

TEST_CASE("cost: a call with every class at the token cap and the price cap is an exact integer") {
    const usage::TokenCounts all{kCap, kCap, kCap, kCap, kCap, kCap};
    // 5 classes x 1e9 tokens x 10,000 USD per million = 5e13 micro-USD.
    CHECK(usage::cost_micros(price_at_cap(true), all) == 50'000'000'000'000);
    // Without a 1-hour rate, 1-hour writes cost 2x input: 6e13.
    CHECK(usage::cost_micros(price_at_cap(false), all) == 60'000'000'000'000);
    auto tiered = price_at_cap(false);
    tiered.tiers = {{200000, tiered.base}};
    CHECK(usage::cost_micros(tiered, all) == 60'000'000'000'000);
    CHECK(usage::cost_micros(tiered, all) < usage::kMaxCostMicrosPerCall);
}

TEST_CASE("cost: numbers outside the rule are held to the per-call bounds, never converted out of range") {
    const usage::TokenCounts huge{kMax, kMax, kMax, kMax, kMax, kMax};
    CHECK(huge.total() == kMax);  // saturates instead of wrapping
    CHECK(huge.prompt() == kMax);
    CHECK(usage::cost_micros(price_at_cap(true), huge) == usage::kMaxCostMicrosPerCall);
    CHECK(usage::cost_micros(price_at_cap(true), {-5, -5, 0, 0, 0, 0}) == 0);
    auto nan = price_at_cap(true);
    nan.base.input = std::nan("");
    CHECK(usage::cost_micros(nan, {1, 0, 0, 0, 0, 0}) == 0);
    auto inf = price_at_cap(true);
    inf.base.output = std::numeric_limits<double>::infinity();
    CHECK(usage::cost_micros(inf, {0, 1, 0, 0, 0, 0}) == usage::kMaxCostMicrosPerCall);
}

TEST_CASE("sums: ten thousand calls at the caps add up exactly") {
    testing::TempDir dir;
    usage::PriceBook prices;
    prices.set_overrides({price_at_cap(true)});
    usage::Store store(dir.path());
    store.use_prices(prices);
    std::vector<usage::UsageEvent> events;
    for (int i = 0; i < 10'000; ++i)
        events.push_back(call(std::to_string(i), "cap-model", {kCap, kCap, kCap, kCap, kCap, kCap}));
    store_events(store, std::move(events));

    const auto t = usage::run_query(store, {}).totals;
    CHECK(t.events == 10'000);
    CHECK(t.sessions == 10'000);
    CHECK(t.input_tokens == 10'000'000'000'000);
    CHECK(t.output_tokens == 10'000'000'000'000);
    CHECK(t.reasoning_tokens == 10'000'000'000'000);
    CHECK(t.cache_read_tokens == 10'000'000'000'000);
    CHECK(t.cache_write_tokens() == 20'000'000'000'000);
    CHECK(t.total_tokens() == 50'000'000'000'000);
    CHECK(t.cost_micros == 500'000'000'000'000'000);  // 10,000 x 5e13
    CHECK(t.estimated_cost_micros == 500'000'000'000'000'000);
    CHECK(t.avg_cost_micros_per_session() == 50'000'000'000'000);
    CHECK_FALSE(t.overflow);
}

TEST_CASE("sums: impossible stored numbers saturate and are flagged, never wrap") {
    // What a store written before the rule can hold (the library stores what
    // it is given): counts and a reported cost near the 64-bit limit.
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    auto a = call("a", "mystery", {kMax / 2, 1, 0, 0, 0, 0});
    a.reported_cost_micros = kMax / 2;
    auto b = call("b", "mystery", {kMax / 2, 2, 0, 0, 0, 0});
    b.reported_cost_micros = kMax / 2;
    auto c = call("c", "mystery", {kMax / 2, 3, 0, 0, 0, 0});
    c.reported_cost_micros = kMax / 2;
    auto sane = call("d", "claude-sonnet-4-5-20250929", {10, 5, 0, 0, 0, 0});
    sane.source = "codex-cli";
    store_events(store, {a, b, c, sane});

    usage::Query q;
    q.group = usage::GroupBy::source;
    const auto report = usage::run_query(store, q);
    const auto& t = report.totals;
    CHECK(t.overflow);
    CHECK(t.events == 4);
    CHECK(t.input_tokens == kMax);
    CHECK(t.output_tokens == 11);  // the sums that fit stay exact
    CHECK(t.total_tokens() == kMax);
    CHECK(t.cost_micros == kMax);
    CHECK(t.reported_cost_micros == kMax);
    CHECK(t.estimated_cost_micros == 105);  // 10 x 3 + 5 x 15
    REQUIRE(report.rows.size() == 2);
    for (const auto& row : report.rows) {
        INFO(row.key);
        CHECK(row.totals.overflow == (row.key == "claude-code"));
    }
}

TEST_CASE("saturating sums stop at the int64 limits and say so") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    bool overflow = false;
    CHECK(usage::saturating_add(max - 1, 1, overflow) == max);
    CHECK_FALSE(overflow);
    CHECK(usage::saturating_add(max, 1, overflow) == max);
    CHECK(overflow);
    overflow = false;
    CHECK(usage::saturating_add(min, -1, overflow) == min);
    CHECK(overflow);
    CHECK(usage::saturating_add(max, min) == -1);
}
