// find_insights on a store built to hold one of each: a day and an hour far
// above their baselines (in cost and in tokens), a session far costlier than
// the median, two models first seen in the last week, one of them unpriced,
// and a cache hit share that fell. Exact sentences, on every backend.
#include "usage/analytics/insights.hpp"

#include <doctest/doctest.h>

#include "store_backends.hpp"
#include "usage/pricing/pricing.hpp"

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kJan1Noon = 1767268800000;  // 2026-01-01T12:00:00Z

usage::UsageEvent call(int day, const std::string& session, const std::string& model, std::int64_t input,
                       std::int64_t cache_read, std::optional<std::int64_t> reported_micros) {
    usage::UsageEvent e;
    e.id = "claude-code:" + session + ":" + model;
    e.source = "claude-code";
    e.session_id = session;
    e.project_name = "api";
    e.model = model;
    e.timestamp_ms = kJan1Noon + (day - 1) * kDay;
    e.tokens = {input, 0, 0, cache_read, 0, 0};
    e.reported_cost_micros = reported_micros;
    return e;
}

}  // namespace

TEST_CASE("insights: spikes, a costly session, new and unpriced models, a falling cache hit share") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        auto store = backend.open();
        usage::PriceBook prices;
        store->use_prices(prices);
        usage::FileBatch b;
        b.source = "claude-code";
        b.path = "/t";
        for (int d = 1; d <= 4; ++d)
            b.events.push_back(call(d, "s" + std::to_string(d), "claude-sonnet-4-5", 100'000, 900'000, 2'000'000));
        for (int d = 5; d <= 7; ++d)
            b.events.push_back(call(d, "s" + std::to_string(d), "claude-sonnet-4-5", 100'000, 0, 2'000'000));
        b.events.push_back(call(8, "s8", "gpt-5", 5'000'000, 0, 10'000'000));
        auto unpriced = call(8, "s9", "mystery", 10, 0, std::nullopt);
        unpriced.timestamp_ms += 30 * 60'000;
        b.events.push_back(unpriced);
        store->apply({b});

        usage::Query q;  // everything, in UTC
        const auto found = usage::find_insights(*store, q, kJan1Noon + 7 * kDay + 12 * 3'600'000);  // Jan 9, 00:00
        std::vector<std::string> lines;
        for (const auto& i : found) lines.push_back(i.kind + " | " + i.subject + " | " + i.message);
        const std::vector<std::string> expected = {
            "day_cost | 2026-01-08 | 2026-01-08: $10.00, 5.0x the median of the 7 active days before ($2.00)",
            "day_tokens | 2026-01-08 | 2026-01-08: 5.00M tokens, 5.0x the median of the 7 active days before "
            "(1.00M tokens)",
            "hour_cost | 2026-01-08T12 | 2026-01-08T12: $10.00, 5.0x the median of the 6 active hours before ($2.00)",
            "hour_tokens | 2026-01-08T12 | 2026-01-08T12: 5.00M tokens, 9.1x the median of the 6 active hours "
            "before (550000 tokens)",
            "costly_session | s8 | session s8 (claude-code, api): $10.00, 5.0x the median session ($2.00)",
            "new_model | gpt-5 | model gpt-5 first seen on 2026-01-08",
            "new_model | mystery | model mystery first seen on 2026-01-08",
            "unpriced_model | mystery | model mystery: 1 request has no known price and is not in the cost",
            "cache_hit_falling | 2026-01-05 | cache hit share fell from 90.0% to 0.0% (the last 4 active days "
            "against the 4 before)",
        };
        CHECK(lines == expected);
        REQUIRE(found.size() == expected.size());
        CHECK(found[0].value == 10.0);
        CHECK(found[0].baseline == 2.0);
        CHECK(found[8].baseline == doctest::Approx(0.9));

        // A filter that leaves only steady days: nothing stands out.
        q.filters.model = "sonnet";
        q.range.until_ms = kJan1Noon + 4 * kDay;  // days 1-4
        CHECK(usage::find_insights(*store, q, kJan1Noon + 7 * kDay + 12 * 3'600'000).empty());
    });
}

TEST_CASE("insights: a day of many failed requests and a model whose requests often fail") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        auto store = backend.open();
        usage::PriceBook prices;
        store->use_prices(prices);
        usage::FileBatch b;
        b.source = "claude-code";
        b.path = "/t";
        for (int d = 1; d <= 5; ++d)
            b.events.push_back(call(d, "s" + std::to_string(d), "claude-sonnet-4-5", 1'000, 0, 2'000));
        // Day 5: six calls failed; day 3: one (a wobble, not a line). With the
        // other model's one a day: 1 in 12 requests fail on a usual day.
        for (int i = 0; i < 7; ++i) {
            auto failed = call(i < 6 ? 5 : 3, "s-f", "claude-sonnet-4-5", 0, 0, std::nullopt);
            failed.id += ":" + std::to_string(i);
            failed.timestamp_ms += i * 60'000;
            failed.failure = "overloaded_error";
            b.events.push_back(failed);
        }
        // Another model fails too, but rarely: 5 of its 55 requests, under 10%.
        for (int i = 0; i < 50; ++i) {
            auto ok = call(1 + i % 5, "s-h" + std::to_string(i), "claude-haiku-4-5", 10, 0, 10);
            b.events.push_back(ok);
        }
        for (int i = 0; i < 5; ++i) {
            auto failed = call(1 + i, "s-hf", "claude-haiku-4-5", 0, 0, std::nullopt);
            failed.id += ":" + std::to_string(i);
            failed.failure = "rate_limit";
            b.events.push_back(failed);
        }
        store->apply({b});

        // A month later: no model is new, no hour recent.
        const auto found = usage::find_insights(*store, {}, kJan1Noon + 30 * kDay);
        std::vector<std::string> lines;
        for (const auto& i : found) lines.push_back(i.kind + " | " + i.subject + " | " + i.message);
        CHECK(lines == std::vector<std::string>{
                           "day_failures | 2026-01-05 | 2026-01-05: 7 of 18 requests failed (38.9%), 4.7x the "
                           "median of the 4 active days before (8.3%)",
                           "failing_model | claude-sonnet-4-5 | model claude-sonnet-4-5: 7 of 12 requests failed "
                           "(58.3%)",
                       });
        REQUIRE(found.size() == 2);
        CHECK(found[1].value == doctest::Approx(7.0 / 12));
    });
}
