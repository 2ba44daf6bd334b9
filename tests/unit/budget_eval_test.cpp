// Budget evaluation on every store backend: the period's bounds, spend from
// the rollups with the budget's filter, the forecast, the thresholds crossed,
// and which alerts are still owed after deliveries are recorded.
#include <doctest/doctest.h>

#include "store_backends.hpp"
#include "usage/budget/budget.hpp"

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kJan1 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kJan16 = kJan1 + 15 * kDay;

usage::UsageEvent spend(const std::string& id, const std::string& user, const std::string& project, std::int64_t ts_ms,
                        std::int64_t micros) {
    usage::UsageEvent e;
    e.id = "test:" + id;
    e.source = "claude-code";
    e.session_id = "s-" + user;
    e.model = "claude-sonnet-4-5-20250929";
    e.project_name = project;
    e.user = user;
    e.timestamp_ms = ts_ms;
    e.tokens.input = 1000;
    e.reported_cost_micros = micros;  // the tool's figure: the cost, whatever the prices
    return e;
}

void fill(usage::Store& store) {
    usage::FileBatch b;
    b.source = "claude-code";
    b.path = "/x.jsonl";
    b.events = {
        spend("before", "alice", "shop", kJan1 - 1000, 5'000'000),               // December: another period
        spend("a1", "alice", "shop", kJan1 + 9 * kDay, 2'000'000),               // 2026-01-10
        spend("a2", "alice", "blog", kJan1 + 14 * kDay + 3'600'000, 1'000'000),  // 2026-01-15T01:00Z
        spend("b1", "bob", "shop", kJan1 + 14 * kDay + 7'200'000, 500'000),
        spend("after", "bob", "shop", kJan16 + kDay, 9'000'000),  // after the instant asked about
    };
    store.apply({b});
}

usage::BudgetConfig monthly(usage::BudgetScope per = usage::BudgetScope::all) {
    usage::BudgetConfig b;
    b.name = "monthly";
    b.period = usage::BudgetPeriod::month;
    b.time_zone = "UTC";
    b.limit_usd = 4;
    b.per = per;
    return b;
}

}  // namespace

TEST_CASE("budget: periods are the day, the ISO week and the month holding the instant, in the budget's zone") {
    const std::int64_t noon15 = kJan1 + 14 * kDay + 12 * 3'600'000;  // Thursday 2026-01-15T12:00Z
    auto d = usage::budget_period(usage::BudgetPeriod::day, "UTC", noon15);
    CHECK(d.start_ms == kJan1 + 14 * kDay);
    CHECK(d.end_ms == kJan1 + 15 * kDay);
    CHECK(d.label == "2026-01-15");
    auto w = usage::budget_period(usage::BudgetPeriod::week, "UTC", noon15);
    CHECK(w.start_ms == kJan1 + 11 * kDay);  // Monday 2026-01-12
    CHECK(w.end_ms == kJan1 + 18 * kDay);
    CHECK(w.label == "2026-W03");
    auto m = usage::budget_period(usage::BudgetPeriod::month, "UTC", noon15);
    CHECK(m.start_ms == kJan1);
    CHECK(m.end_ms == kJan1 + 31 * kDay);
    CHECK(m.label == "2026-01");
    // Berlin is UTC+1 in January: its day starts at 23:00Z the day before.
    auto berlin = usage::budget_period(usage::BudgetPeriod::day, "Europe/Berlin", kJan1 + 14 * kDay + 23 * 3'600'000);
    CHECK(berlin.start_ms == kJan1 + 14 * kDay + 23 * 3'600'000);
    CHECK(berlin.label == "2026-01-16");
    // The month of March 2026 holds the switch to summer time: 31 days less one hour.
    auto march = usage::budget_period(usage::BudgetPeriod::month, "Europe/Berlin", kJan1 + 70 * kDay);
    CHECK(march.end_ms - march.start_ms == 31 * kDay - 3'600'000);
}

TEST_CASE("budget: the forecast carries the period's spend so far on at the same rate") {
    const auto month = usage::budget_period(usage::BudgetPeriod::month, "UTC", kJan16);
    CHECK(usage::budget_forecast_micros(3'000'000, month, kJan16) == 6'200'000);  // 15 of 31 days gone
    CHECK(usage::budget_forecast_micros(0, month, kJan16) == 0);
    CHECK(usage::budget_forecast_micros(3'500'000, month, kJan16) == 7'233'333);
    CHECK(usage::budget_forecast_micros(1'000'000, month, month.end_ms) == 1'000'000);  // over: final
}

TEST_CASE("budget: spend, percent, forecast and thresholds of a period, for everyone and per user") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        auto store = backend.open();
        store->use_prices(prices);
        fill(*store);

        auto all = usage::evaluate_budget(*store, monthly(), kJan16);
        REQUIRE(all.size() == 1);
        CHECK(all[0].scope.empty());
        CHECK(all[0].spent_micros == 3'500'000);  // not December's, not the 17th's
        CHECK(all[0].limit_micros == 4'000'000);
        CHECK(all[0].percent() == doctest::Approx(87.5));
        CHECK(all[0].forecast_micros == 7'233'333);
        CHECK(all[0].crossed == std::vector<int>{50, 80});
        CHECK(all[0].fired.empty());
        CHECK(all[0].span.label == "2026-01");

        auto per_user = usage::evaluate_budget(*store, monthly(usage::BudgetScope::user), kJan16);
        REQUIRE(per_user.size() == 2);
        CHECK(per_user[0].scope == "alice");
        CHECK(per_user[0].spent_micros == 3'000'000);
        CHECK(per_user[0].forecast_micros == 6'200'000);
        CHECK(per_user[0].crossed == std::vector<int>{50});
        CHECK(per_user[1].scope == "bob");
        CHECK(per_user[1].spent_micros == 500'000);
        CHECK(per_user[1].crossed.empty());

        auto per_project = usage::evaluate_budget(*store, monthly(usage::BudgetScope::project), kJan16);
        REQUIRE(per_project.size() == 2);
        CHECK(per_project[0].scope == "blog");
        CHECK(per_project[0].spent_micros == 1'000'000);
        CHECK(per_project[1].scope == "shop");
        CHECK(per_project[1].spent_micros == 2'500'000);

        auto filtered = monthly();
        filtered.filter.project = "shop";
        auto shop = usage::evaluate_budget(*store, filtered, kJan16);
        REQUIRE(shop.size() == 1);
        CHECK(shop[0].spent_micros == 2'500'000);
        CHECK(shop[0].crossed == std::vector<int>{50});
    });
}

TEST_CASE("budget: each crossed threshold is owed once per notifier and period until its delivery is recorded") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        auto store = backend.open();
        store->use_prices(prices);
        fill(*store);
        auto budget = monthly();
        budget.notify = {{usage::BudgetNotifier::Kind::webhook, "http://127.0.0.1:1/hook", {}},
                         {usage::BudgetNotifier::Kind::command, "", {"/bin/true"}}};

        auto due = usage::due_budget_alerts(*store, {budget}, kJan16);
        REQUIRE(due.size() == 2);  // 50 and 80 crossed at once: one alert each
        CHECK(due[0].threshold == 50);
        CHECK(due[1].threshold == 80);
        CHECK(due[0].pending == std::vector<std::string>{"webhook http://127.0.0.1:1/hook", "command /bin/true"});

        // The webhook took the 50% alert; the command did not (yet).
        store->record_budget_delivery({"monthly", "", kJan1, 50, "webhook http://127.0.0.1:1/hook", kJan16});
        store->record_budget_delivery({"monthly", "", kJan1, 50, "webhook http://127.0.0.1:1/hook", kJan16});  // no-op
        due = usage::due_budget_alerts(*store, {budget}, kJan16);
        REQUIRE(due.size() == 2);
        CHECK(due[0].pending == std::vector<std::string>{"command /bin/true"});
        CHECK(usage::evaluate_budget(*store, budget, kJan16)[0].fired.empty());

        store->record_budget_delivery({"monthly", "", kJan1, 50, "command /bin/true", kJan16});
        due = usage::due_budget_alerts(*store, {budget}, kJan16);
        REQUIRE(due.size() == 1);
        CHECK(due[0].threshold == 80);
        CHECK(usage::evaluate_budget(*store, budget, kJan16)[0].fired == std::vector<int>{50});
        CHECK(store->budget_deliveries("monthly", kJan1).size() == 2);

        // A store opened again (a restart) knows the same.
        store.reset();
        auto reopened = backend.open();
        reopened->use_prices(prices);
        CHECK(usage::due_budget_alerts(*reopened, {budget}, kJan16).size() == 1);

        // February is another period: December's and January's records do not count there.
        CHECK(usage::evaluate_budget(*reopened, budget, kJan1 + 32 * kDay)[0].spent_micros == 0);
        CHECK(reopened->budget_deliveries("monthly", kJan1 + 31 * kDay).empty());
    });
}
