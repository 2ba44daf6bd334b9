// Plan limits (issue 15): the store's latest reading per window on every
// backend, the `limits` view's cost per 1% from known priced events, and the
// read API's /api/v1/limits.
#include "usage/analytics/limits.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>

#include "serve_helpers.hpp"
#include "store_backends.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/store/limit_store.hpp"

using namespace serve_test;

namespace {

constexpr std::int64_t kHour = 3600 * 1000;

std::int64_t now_seconds_ms() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
               .count() *
           1000;
}

usage::LimitSnapshot snapshot(const std::string& source, const std::string& window, double used, std::int64_t minutes,
                              std::int64_t resets_at_ms, std::int64_t observed_ms) {
    return {source, window, minutes, used, resets_at_ms, "plus", observed_ms, "thread-1"};
}

usage::UsageEvent call(const std::string& id, const std::string& source, const std::string& model, std::int64_t ts,
                       std::int64_t input, std::int64_t output, const std::string& user = "alice") {
    usage::UsageEvent e;
    e.id = id;
    e.source = source;
    e.session_id = "s-" + id;
    e.model = model;
    e.timestamp_ms = ts;
    e.tokens.input = input;
    e.tokens.output = output;
    e.user = user;
    return e;
}

void apply(usage::Store& store, const std::string& source, std::vector<usage::UsageEvent> events) {
    usage::FileBatch b;
    b.source = source;
    b.path = "/" + source;
    b.events = std::move(events);
    store.apply({b});
}

// gpt-5 ($1.25 per M input, $10 per M output): 200k input 2 h before `now`
// is $0.25; the primary 5 h window (resets in 2 h, 2.5% used) holds it.
void fill_window(usage::Store& store, std::int64_t now) {
    apply(store, "codex-cli", {call("x:1", "codex-cli", "gpt-5", now - 2 * kHour, 200000, 0)});
    CHECK(usage::record_limit(store, snapshot("codex-cli", "primary", 2.5, 300, now + 2 * kHour, now - 10 * 60000)));
}

}  // namespace

TEST_CASE("limits: the store keeps the newest reading per window, exactly, on every backend") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        auto opened = backend.open();
        usage::Store& store = *opened;
        CHECK(usage::stored_limits(store).empty());
        const auto first = snapshot("codex-cli", "primary", 41.2, 300, 1796443200000, 1000);
        CHECK(usage::record_limit(store, first));
        CHECK_FALSE(usage::record_limit(store, first));  // the same reading: nothing written
        auto older = first;
        older.observed_ms = 500;
        older.used_percent = 99;
        CHECK_FALSE(usage::record_limit(store, older));  // a re-read old file never moves a window back
        CHECK(usage::stored_limits(store) == std::vector<usage::LimitSnapshot>{first});

        auto newer = first;
        newer.observed_ms = 2000;
        newer.used_percent = 1.0 / 3.0;  // survives the trip to the store bit for bit
        newer.plan = "";
        newer.resets_at_ms = 0;
        newer.window_minutes = 0;
        CHECK(usage::record_limit(store, newer));
        const auto seven_day = snapshot("claude-code", "7d", 100.5, 10080, 1796875200000, 1500);
        const auto secondary = snapshot("codex-cli", "secondary", 0, 10080, 1796875200000, 1000);
        CHECK(usage::record_limit(store, secondary));
        CHECK(usage::record_limit(store, seven_day));
        CHECK(usage::stored_limits(store) == std::vector<usage::LimitSnapshot>{seven_day, newer, secondary});

        CHECK_THROWS_AS(usage::record_limit(store, snapshot("", "primary", 1, 1, 1, 1)), std::invalid_argument);
        CHECK_THROWS_AS(usage::record_limit(store, snapshot("codex-cli", "", 1, 1, 1, 1)), std::invalid_argument);
    });
}

TEST_CASE("limits: cost per 1% is the source's priced cost since the window start over the percent used") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        auto opened = backend.open();
        usage::Store& store = *opened;
        usage::PriceBook prices;
        store.use_prices(prices);
        const std::int64_t now = now_seconds_ms();
        // codex-cli: $0.25 5 h ago, $0.225 (100k input + 10k output) 2 h ago; claude-code's call is not Codex's.
        apply(store, "codex-cli",
              {call("x:1", "codex-cli", "gpt-5", now - 5 * kHour, 200000, 0),
               call("x:2", "codex-cli", "gpt-5", now - 2 * kHour, 100000, 10000)});
        apply(store, "claude-code", {call("c:1", "claude-code", kSonnet, now - kHour, 100000, 0)});
        // Resets in 2 h: its 5 h window started 3 h ago (only x:2). Read 2 h ago: stale.
        record_limit(store, snapshot("codex-cli", "primary", 30, 300, now + 2 * kHour, now - 2 * kHour));
        // A week's window that started a day ago: both calls.
        record_limit(store, snapshot("codex-cli", "secondary", 40, 10080, now + 6 * 24 * kHour, now - 60000));
        // Reset 10 min ago: the reading is of a window that is over.
        record_limit(store, snapshot("codex-cli", "other/primary", 12, 60, now - 10 * 60000, now - 30 * 60000));
        // Nothing used yet: a cost, but no cost per 1%; no reset known: neither.
        record_limit(store, snapshot("claude-code", "5h", 0, 300, now + kHour, now - 60000));
        record_limit(store, snapshot("claude-code", "7d", 5, 10080, 0, now - 60000));

        const auto views = usage::limit_views(store, now);
        REQUIRE(views.size() == 5);
        // claude-code 5h: started 4 h ago, its one call ($0.30) in it.
        CHECK(views[0].snapshot.window == "5h");
        CHECK(views[0].window_start_ms == now - 4 * kHour);
        CHECK(views[0].cost_micros == 300000);
        CHECK_FALSE(views[0].cost_per_percent_micros.has_value());
        CHECK_FALSE(views[0].stale);
        CHECK(views[1].snapshot.window == "7d");
        CHECK_FALSE(views[1].window_start_ms.has_value());
        CHECK_FALSE(views[1].cost_micros.has_value());
        CHECK_FALSE(views[1].cost_per_percent_micros.has_value());
        CHECK(views[2].snapshot.window == "other/primary");
        CHECK(views[2].reset_passed);
        CHECK(views[2].stale);
        CHECK_FALSE(views[2].cost_micros.has_value());
        CHECK(views[3].snapshot.window == "primary");
        CHECK(views[3].window_start_ms == now - 3 * kHour);
        CHECK(views[3].cost_micros == 225000);
        CHECK(views[3].cost_per_percent_micros == 7500);
        CHECK(views[3].stale);
        CHECK_FALSE(views[3].reset_passed);
        CHECK(views[4].snapshot.window == "secondary");
        CHECK(views[4].window_start_ms == now - 24 * kHour);
        CHECK(views[4].cost_micros == 475000);
        CHECK(views[4].cost_per_percent_micros == 11875);
        CHECK_FALSE(views[4].stale);

        // One source; one user's events only (a member's view).
        CHECK(usage::limit_views(store, now, "codex-cli").size() == 3);
        const auto bob = usage::limit_views(store, now, "codex-cli", "bob");
        CHECK(bob[2].cost_micros == 0);
        CHECK(bob[2].cost_per_percent_micros == 0);
    });
}

TEST_CASE("limits: GET /api/v1/limits answers each window with its cost per 1%, and refuses report parameters") {
    testing::AgentHome home;
    testing::TempDir store_dir;
    const std::int64_t now = now_seconds_ms();
    {
        usage::PriceBook prices;
        usage::Store store(store_dir.path());
        store.use_prices(prices);
        fill_window(store, now);
    }
    testing::ServeProcess server(home, {"--store", store_dir.path().string()});
    const auto body = get_json(server, "/api/v1/limits");
    INFO(body.dump(2));
    REQUIRE(body.at("limits").size() == 1);
    const auto& w = body["limits"][0];
    CHECK(w.at("source") == "codex-cli");
    CHECK(w.at("window") == "primary");
    CHECK(w.at("window_minutes") == 300);
    CHECK(w.at("used_percent") == 2.5);
    CHECK(w.at("resets_at") == usage::format_utc_ms(now + 2 * kHour));
    CHECK(w.at("window_start") == usage::format_utc_ms(now - 3 * kHour));
    CHECK(w.at("plan") == "plus");
    CHECK(w.at("observed_at") == usage::format_utc_ms(now - 10 * 60000));
    CHECK(w.at("stale") == false);
    CHECK(w.at("reset_passed") == false);
    CHECK(w.at("session_id") == "thread-1");
    CHECK(w.at("cost_usd") == 0.25);
    CHECK(w.at("cost_per_percent_usd") == 0.1);

    CHECK(get_json(server, "/api/v1/limits?source=codex-cli").at("limits").size() == 1);
    CHECK(get_json(server, "/api/v1/limits?source=claude-code").at("limits").empty());
    CHECK(get_json(server, "/api/v1/limits?user=bob").at("limits")[0].at("cost_usd") == 0.0);
    const auto ranged = get(server, "/api/v1/limits?range=7d");
    CHECK(ranged.status == 400);
    CHECK(error_of(ranged) == "unknown parameter 'range'");
    CHECK(server.stop() == 0);
}
