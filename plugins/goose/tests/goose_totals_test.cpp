// The counting rules of Goose's running totals, without a database: the
// difference between two observations, counters that go down, the cost, the
// state round trip and the split of a difference above the per-call limit.
#include "../goose_totals.hpp"

#include <doctest/doctest.h>

#include "usage/model/token_limits.hpp"

using namespace usage::plugins::goose;

TEST_CASE("goose totals: the difference of two observations, total beyond input + output is reasoning") {
    const Totals before{1000, 200, 1200, 50'000};
    const Totals now{1500, 260, 1800, 80'000};
    const Delta d = difference(before, now);
    CHECK(d.tokens.input == 500);
    CHECK(d.tokens.output == 60 + 40);  // total grew by 600 = 500 + 60 + 40 extra
    CHECK(d.tokens.reasoning == 40);
    CHECK(d.tokens.cache_read == 0);
    CHECK(d.tokens.total() == 600);
    REQUIRE(d.cost_micros);
    CHECK(*d.cost_micros == 30'000);

    // A total below input + output (or NULL = 0) adds nothing.
    const Delta low = difference({0, 0, 0, 0}, {100, 50, 0, 0});
    CHECK(low.tokens.input == 100);
    CHECK(low.tokens.output == 50);
    CHECK(low.tokens.reasoning == 0);
    CHECK_FALSE(low.cost_micros);  // cost 0 -> 0: nothing reported
    CHECK(difference(now, now).empty());
}

TEST_CASE("goose totals: a counter that goes down counts 0 and is the new baseline") {
    const Delta d = difference({1000, 200, 1200, 90'000}, {400, 250, 650, 10'000});
    CHECK(d.tokens.input == 0);
    CHECK(d.tokens.output == 50);
    CHECK(d.tokens.reasoning == 0);
    CHECK_FALSE(d.cost_micros);  // the cost went down: nothing reported
    const Delta next = difference({400, 250, 650, 10'000}, {700, 250, 950, 25'000});
    CHECK(next.tokens.input == 300);
    CHECK(next.tokens.output == 0);
    REQUIRE(next.cost_micros);
    CHECK(*next.cost_micros == 15'000);
}

TEST_CASE("goose totals: a cost is only reported between two observations that both have one") {
    CHECK_FALSE(difference({10, 10, 20, std::nullopt}, {20, 20, 40, 5'000}).cost_micros);
    CHECK_FALSE(difference({10, 10, 20, 5'000}, {20, 20, 40, std::nullopt}).cost_micros);
}

TEST_CASE("goose totals: the state round trip, damaged states count from scratch") {
    CountedSessions s;
    s["20260101_1"] = Counted{1767258000000, 3, Totals{1500, 300, 1850, 80'000}};
    s["20260101_2"] = Counted{0, 1, Totals{7, 8, 0, std::nullopt}};
    const std::string text = to_state(s);
    CHECK(text == "goose-v1\n20260101_1\t1767258000000\t3\t1500\t300\t1850\t80000\n20260101_2\t0\t1\t7\t8\t0\t-\n");
    const CountedSessions back = parse_state(text);
    REQUIRE(back.size() == 2);
    CHECK(back.at("20260101_1").events == 3);
    CHECK(back.at("20260101_1").totals == Totals{1500, 300, 1850, 80'000});
    CHECK(back.at("20260101_2").totals == Totals{7, 8, 0, std::nullopt});
    CHECK(parse_state("").empty());
    CHECK(parse_state("v1 123 abc").empty());
    CHECK(parse_state("goose-v1\n20260101_1\t1\t2\tx\t0\t0\t-\n").empty());
    CHECK_FALSE(storable_id("a\tb"));
    CHECK_FALSE(storable_id(""));
}

TEST_CASE("goose totals: a difference above the per-call limit is split into equal parts") {
    Delta d;
    d.tokens.input = 2'500'000'001;  // 3 parts: 833333333 x2 + 833333335
    d.tokens.output = 10;
    d.tokens.reasoning = 7;
    d.cost_micros = 100;
    const auto parts = split_to_call_limit(d);
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].tokens.input == 833'333'333);
    CHECK(parts[2].tokens.input == 833'333'335);
    CHECK(parts[0].tokens.output == 3);
    CHECK(parts[2].tokens.output == 4);
    CHECK(parts[0].tokens.reasoning == 2);
    CHECK(parts[2].tokens.reasoning == 3);
    CHECK(*parts[0].cost_micros == 33);
    CHECK(*parts[2].cost_micros == 34);
    std::int64_t input = 0;
    for (const auto& p : parts) {
        CHECK(p.tokens.input <= usage::kMaxTokensPerCall);
        input += p.tokens.input;
    }
    CHECK(input == 2'500'000'001);
    CHECK(split_to_call_limit(Delta{}).size() == 1);
}
