// Codex's plan windows: the `rate_limits` of token_count lines (codex-rs
// protocol RateLimitSnapshot: `resets_in_seconds` before Codex 0.48,
// `resets_at` since) as the plugin's LimitSnapshots, and through the REAL
// binary `report limits --json` with the cost per 1% of each window.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "codex_scan.hpp"

using namespace codex_test;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// A token_count line with a call (`info`) and `rate_limits`.
std::string counted(std::int64_t ms, const Vec& total, const Vec& call, ordered_json limits) {
    return line(ms, "event_msg",
                {{"type", "token_count"},
                 {"info", {{"total_token_usage", usage_json(total)}, {"last_token_usage", usage_json(call)}}},
                 {"rate_limits", std::move(limits)}});
}

// A rate-limit refresh: `info` null, only `rate_limits`.
std::string refresh(std::int64_t ms, ordered_json limits) {
    return line(ms, "event_msg", {{"type", "token_count"}, {"info", nullptr}, {"rate_limits", std::move(limits)}});
}

ordered_json window_at(double used, std::int64_t minutes, std::int64_t resets_at_s) {
    return {{"used_percent", used}, {"window_minutes", minutes}, {"resets_at", resets_at_s}};
}

ordered_json window_in(double used, std::int64_t minutes, std::int64_t resets_in_seconds) {
    return {{"used_percent", used}, {"window_minutes", minutes}, {"resets_in_seconds", resets_in_seconds}};
}

void check_limit(const usage::LimitSnapshot& l, const std::string& window, double used, std::int64_t minutes,
                 std::int64_t resets_at_ms, const std::string& plan, std::int64_t observed_ms) {
    INFO("window " << l.window);
    CHECK(l.source == "codex-cli");
    CHECK(l.window == window);
    CHECK(l.used_percent == used);
    CHECK(l.window_minutes == minutes);
    CHECK(l.resets_at_ms == resets_at_ms);
    CHECK(l.plan == plan);
    CHECK(l.observed_ms == observed_ms);
}

}  // namespace

TEST_CASE("codex rate limits: both shapes of rate_limits become the file's latest reading per window") {
    const std::string thread = v7(kT0, 1);
    Rollout r(meta(thread));
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5");
    const std::int64_t t0s = kT0 / 1000;
    r.raw(counted(kT0 + 2000, {1000, 0, 100}, {1000, 0, 100},
                  {{"limit_id", "codex"},
                   {"primary", window_at(12.5, 300, t0s + 3600)},
                   {"secondary", window_at(40, 10080, t0s + 86400)},
                   {"credits", {{"has_credits", false}, {"unlimited", false}, {"balance", nullptr}}},
                   {"plan_type", "pro"}}));
    // Codex before 0.48: seconds until the reset, counted from the line's time;
    // no secondary (null) leaves the earlier secondary reading standing.
    r.raw(refresh(kT0 + 3000, {{"primary", window_in(20.0, 300, 1800)}, {"secondary", nullptr}}));
    // Another metered limit (a model with limits of its own) is another window.
    r.raw(refresh(kT0 + 4000, {{"limit_id", "codex_other"}, {"primary", window_at(5, 60, t0s + 600)}}));
    // Nothing to read: null rate limits, a window without used_percent, a used_percent of the wrong type.
    r.raw(refresh(kT0 + 5000, nullptr));
    r.raw(refresh(kT0 + 6000, {{"primary", {{"window_minutes", 300}}}}));
    r.raw(refresh(kT0 + 7000, {{"secondary", {{"used_percent", "99"}, {"window_minutes", 10080}}}}));
    r.rate_limit(kT0 + 8000);  // {"primary": null}

    const auto result = scan_rollout(r);
    CHECK(result.malformed_lines == 0);
    REQUIRE(result.events.size() == 1);
    REQUIRE(result.limits.size() == 3);
    check_limit(result.limits[0], "primary", 20.0, 300, kT0 + 3000 + 1800 * 1000, "", kT0 + 3000);
    check_limit(result.limits[1], "secondary", 40, 10080, (t0s + 86400) * 1000, "pro", kT0 + 2000);
    check_limit(result.limits[2], "codex_other/primary", 5, 60, (t0s + 600) * 1000, "", kT0 + 4000);
    for (const auto& l : result.limits) CHECK(l.session_id == thread);

    // Read on from the end of the call's line: only the later readings.
    std::string head = r.text();
    head = head.substr(0, head.find(R"("info":null)"));
    head = head.substr(0, head.rfind('\n') + 1);
    testing::TempDir home;
    const auto path = write_rollout(home.path(), r, r.text());
    const auto later = scan_file(home.path(), path, {head.size(), ""});
    REQUIRE(later.limits.size() == 2);
    CHECK(later.limits[0].window == "primary");
    CHECK(later.limits[1].window == "codex_other/primary");
}

TEST_CASE("codex rate limits: a fork's replayed parent lines are old readings and are not kept") {
    const std::string parent_id = v7(kT0, 1);
    Rollout parent(meta(parent_id));
    parent.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5");
    parent.raw(refresh(kT0 + 2000, {{"primary", window_at(80, 300, kT0 / 1000 + 3600)}}));

    const std::int64_t forked = kT0 + 10 * 60 * 1000;
    Meta m = meta(v7(forked, 3), forked);
    m.forked_from = parent_id;
    Rollout child(m);
    child.replay(parent, forked);  // re-stamped with the fork's time, as Codex does
    child.turn(forked + 1000, v7(forked + 1000, 4), "gpt-5");
    child.raw(refresh(forked + 2000, {{"secondary", window_at(7.5, 10080, kT0 / 1000 + 86400)}}));

    const auto result = scan_rollout(child);
    REQUIRE(result.limits.size() == 1);
    check_limit(result.limits[0], "secondary", 7.5, 10080, (kT0 / 1000 + 86400) * 1000, "", forked + 2000);
}

TEST_CASE("codex rate limits: report limits --json gives each window's use, reset and exact cost per 1%") {
    using std::chrono::hours;
    using std::chrono::minutes;
    testing::AgentHome h;
    h.env["CODEX_HOME"] = (h.dir / "codex").string();
    // Whole seconds: resets_at is written in seconds.
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() *
        1000;
    const std::int64_t hour = 3600 * 1000;
    // Two gpt-5 calls ($1.25 per M input, $10 per M output): 5 h ago 200k
    // input = $0.25; 2 h ago 100k input + 10k output = $0.225.
    Rollout a(meta(v7(now - 6 * hour, 1), now - 6 * hour));
    a.turn(now - 5 * hour - 1000, v7(now - 5 * hour - 1000, 2), "gpt-5");
    a.call(now - 5 * hour, {200000, 0, 0});
    a.turn(now - 2 * hour - 1000, v7(now - 2 * hour - 1000, 3), "gpt-5");
    a.raw(counted(now - 2 * hour, {300000, 0, 10000}, {100000, 0, 10000},
                  {{"primary", window_at(10, 300, (now + 3 * hour) / 1000)},
                   {"secondary", window_at(40, 10080, (now + 6 * 24 * hour) / 1000)},
                   {"plan_type", "plus"}}));
    // Another thread, 30 min ago, in the older shape: the newer primary reading.
    // It resets in 2.5 h, so its 5 h window started 3 h ago: only the second call.
    Rollout b(meta(v7(now - hour, 5), now - hour));
    b.raw(refresh(now - 30 * 60 * 1000, {{"primary", window_in(30, 300, 9000)}, {"secondary", nullptr}}));
    write_rollout(h.dir / "codex", a, a.text());
    write_rollout(h.dir / "codex", b, b.text());

    const json got = h.report("limits", {}, true);
    INFO(got.dump(2));
    REQUIRE(got.at("limits").size() == 2);
    const json& primary = got["limits"][0];
    CHECK(primary.at("source") == "codex-cli");
    CHECK(primary.at("window") == "primary");
    CHECK(primary.at("window_minutes") == 300);
    CHECK(primary.at("used_percent") == 30.0);
    CHECK(primary.at("resets_at") == iso(now + 2 * hour));
    CHECK(primary.at("window_start") == iso(now - 3 * hour));
    CHECK(primary.at("reset_passed") == false);
    CHECK(primary.at("plan") == "");
    CHECK(primary.at("observed_at") == iso(now - 30 * 60 * 1000));
    CHECK(primary.at("stale") == false);
    CHECK(primary.at("session_id") == b.meta().id);
    CHECK(primary.at("cost_usd") == 0.225);
    CHECK(primary.at("cost_per_percent_usd") == 0.0075);  // $0.225 / 30
    const auto left = primary.at("resets_in_seconds").get<std::int64_t>();
    CHECK(left <= 2 * 3600);
    CHECK(left > 2 * 3600 - 120);

    const json& secondary = got["limits"][1];
    CHECK(secondary.at("window") == "secondary");
    CHECK(secondary.at("window_minutes") == 10080);
    CHECK(secondary.at("used_percent") == 40.0);
    CHECK(secondary.at("resets_at") == iso(now + 6 * 24 * hour));
    CHECK(secondary.at("window_start") == iso(now - 24 * hour));
    CHECK(secondary.at("plan") == "plus");
    CHECK(secondary.at("observed_at") == iso(now - 2 * hour));
    CHECK(secondary.at("stale") == true);  // read 2 h ago: the plan may have moved since
    CHECK(secondary.at("cost_usd") == 0.475);
    CHECK(secondary.at("cost_per_percent_usd") == 0.011875);  // $0.475 / 40

    // --source narrows; another source has none.
    CHECK(h.report("limits", {"--source", "claude-code"}).at("limits").empty());
    // The table says the same for people.
    const auto table = h.run({"report", "limits", "--no-scan", "--tz", "UTC"});
    INFO(table.out);
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("codex-cli  primary\n  used            30%\n") != std::string::npos);
    CHECK(table.out.find("  per 1%          $0.0075\n") != std::string::npos);
    CHECK(table.out.find("codex-cli  secondary  (plus)\n") != std::string::npos);
    CHECK(table.out.find("(stale)") != std::string::npos);
    // Options with no meaning for the view are refused, not ignored.
    const auto refused = h.run({"report", "limits", "--range", "7d", "--no-scan"});
    CHECK(refused.exit_code != 0);
    CHECK(refused.err.find("--range") != std::string::npos);
}
