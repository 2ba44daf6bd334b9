// A model's cost split into input (prompt and cache) and output by its list
// rates, scaled to the cost it has: the parts always add up to it exactly.
#include "usage/analytics/cost_split.hpp"

#include <doctest/doctest.h>

namespace {

usage::Totals totals(std::int64_t input, std::int64_t output, std::int64_t cache_read, std::int64_t write_5m,
                     std::int64_t write_1h, std::int64_t cost_micros) {
    usage::Totals t;
    t.input_tokens = input;
    t.output_tokens = output;
    t.cache_read_tokens = cache_read;
    t.cache_write_5m_tokens = write_5m;
    t.cache_write_1h_tokens = write_1h;
    t.cost_micros = cost_micros;
    return t;
}

}  // namespace

TEST_CASE("cost split: an estimated cost splits exactly as its rates price each side") {
    usage::PriceBook prices;
    prices.set_overrides({{"house", "", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}}});
    // input 1500 x 3 + cache read 13000 x 0.3 + 5m writes 300 x 3.75 + 1h writes 100 x 6 (2 x input) = 10125;
    // output 300 x 15 = 4500.
    const auto split = usage::split_cost(prices, "house", totals(1500, 300, 13000, 300, 100, 14625));
    CHECK(split.input_micros == 10125);
    CHECK(split.output_micros == 4500);
    CHECK(split.unsplit_micros == 0);
}

TEST_CASE("cost split: a reported cost splits in the proportion of the model's rates, to the micro-dollar") {
    usage::PriceBook prices;  // gpt-5: 1.25 input, 10 output
    // 2000 x 1.25 = 2500 against 400 x 10 = 4000: output is 8/13 of 1,234,567 = 759,733.54.
    const auto split = usage::split_cost(prices, "gpt-5", totals(2000, 400, 0, 0, 0, 1'234'567));
    CHECK(split.output_micros == 759'734);
    CHECK(split.input_micros == 474'833);
    CHECK(split.input_micros + split.output_micros == 1'234'567);
}

TEST_CASE("cost split: without rates (or tokens) the cost stays unsplit") {
    usage::PriceBook prices;
    auto split = usage::split_cost(prices, "mystery-model", totals(10, 10, 0, 0, 0, 500));
    CHECK(split.unsplit_micros == 500);
    CHECK(split.input_micros + split.output_micros == 0);
    prices.set_overrides({{"free", "", {0, 0, 0, 0, std::nullopt}, {}}});
    split = usage::split_cost(prices, "free", totals(10, 10, 0, 0, 0, 7));
    CHECK(split.unsplit_micros == 7);
    split = usage::split_cost(prices, "gpt-5", totals(0, 0, 0, 0, 0, 0));
    CHECK(split.unsplit_micros == 0);
    CHECK(split.input_micros == 0);
}
