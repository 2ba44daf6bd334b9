// todays_cost: print what AI coding assistants cost today on this machine,
// using libusage directly (scan every source into the default store, query).
#include <chrono>
#include <cstdio>
#include <exception>
#include <usage/analytics/analytics.hpp>
#include <usage/config/config.hpp>
#include <usage/scan/scan_engine.hpp>
#include <usage/store/store.hpp>

int main() try {
    auto env = usage::Environment::from_process();
    auto config = usage::load_config(usage::default_config_path(env), env);
    usage::PriceBook prices;
    prices.set_overrides(config.price_overrides);
    usage::Store store(usage::default_state_dir(env));
    store.use_prices(prices);
    usage::scan_sources(store, config, env, {});

    usage::Query q;
    q.tz = usage::local_time_zone();
    auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    q.range = usage::resolve_range("today", "", "", q.tz, now);
    auto report = usage::run_query(store, q);
    std::printf("today: %lld events, %lld tokens, $%.2f", static_cast<long long>(report.totals.events),
                static_cast<long long>(report.totals.total_tokens()),
                static_cast<double>(report.totals.cost_micros) / 1e6);
    if (report.totals.unpriced_events > 0)
        std::printf(" (+%lld events with unknown price)", static_cast<long long>(report.totals.unpriced_events));
    std::printf("\n");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "todays_cost: %s\n", e.what());
    return 1;
}
