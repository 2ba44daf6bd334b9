// run_query answers from the rollup exactly what the event scan answers: for
// every grouping, several filters and ranges, in zones with whole-hour,
// half-hour and 45-minute offsets and DST changes inside the data.
#include <date/tz.h>
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "analytics/query_paths.hpp"
#include "analytics/read_plan.hpp"
#include "report_lines.hpp"
#include "rollup_fixture.hpp"
#include "test_support.hpp"
#include "usage/analytics/analytics.hpp"

namespace {

using usage::GroupBy;

using testing::describe;

struct Range {
    const char* name;
    const char* since;
    const char* until;
};

// 2025-03-25T07:23:17.123Z: inside the data, on no hour.
constexpr std::int64_t kNow = rollup_fixture::kStartMs + 20 * 24 * rollup_fixture::kHourMs + 26597123;

const Range kRanges[] = {
    {"all", "", ""}, {"24h", "", ""}, {"7d", "", ""}, {"", "2025-03-28", "2025-04-02"}, {"", "", "2025-03-10"}};

const GroupBy kGroups[] = {GroupBy::none,    GroupBy::source, GroupBy::model,      GroupBy::project,
                           GroupBy::machine, GroupBy::user,   GroupBy::repository, GroupBy::session,
                           GroupBy::hour,    GroupBy::day,    GroupBy::week,       GroupBy::month};

std::vector<usage::Filters> filters() {
    std::vector<usage::Filters> out(10);
    out[1].source = "claude-code";
    out[2].model = "SONNET";  // a substring, any case
    out[3].project = "api";
    out[4].machine = "laptop";    // a name two machines share
    out[5].machine = "m-aaaaaa";  // the first 8 characters of an id
    out[6].machine = "m-cccccccc-3";
    out[7].user = "alice";
    out[7].source = "cursor";
    out[8].repository = "https://github.com/acme/r1.git";
    out[9].repository = "git@example.com:acme/late.git";  // only events a later copy moved there
    out[9].project = "web";
    return out;
}

// Checks both paths agree; returns how many queries it ran.
int check_zone(const usage::Store& store, const std::string& tz) {
    int queries = 0;
    for (const auto& range : kRanges) {
        usage::Query q;
        q.tz = tz;
        q.range = usage::resolve_range(range.name, range.since, range.until, tz, kNow);
        const auto all_filters = filters();
        for (std::size_t f = 0; f < all_filters.size(); ++f)
            for (GroupBy g : kGroups) {
                q.filters = all_filters[f];
                q.group = g;
                for (bool with_models : {false, true}) {
                    if (with_models && f > 1) continue;
                    INFO(tz, " range ", range.name, range.since, "..", range.until, " filter ", f, " group ",
                         static_cast<int>(g), " models ", with_models);
                    const auto planned =
                        describe(usage::detail::run_query_via(store, q, with_models, usage::detail::ReadPath::planned));
                    const auto scanned =
                        describe(usage::detail::run_query_via(store, q, with_models, usage::detail::ReadPath::events));
                    ++queries;
                    REQUIRE(planned.size() == scanned.size());
                    for (std::size_t i = 0; i < planned.size(); ++i) REQUIRE(planned[i] == scanned[i]);
                }
            }
    }
    return queries;
}

void check_zone_on_random_store(const std::string& tz) {
    testing::TempDir dir;
    usage::PriceBook first, second;
    rollup_fixture::first_prices(first);
    rollup_fixture::second_prices(second);
    usage::Store store(dir.path());
    store.use_prices(first);
    rollup_fixture::fill(store, 11, 300);
    store.use_prices(second);
    CHECK(usage::run_query(store, {}).totals.events > 3000);
    CHECK(check_zone(store, tz) == 5 * (10 * 12 + 2 * 12));
}

std::vector<usage::detail::ReadInterval> plan(const char* tz, GroupBy g, std::optional<std::int64_t> since,
                                              std::optional<std::int64_t> until) {
    return usage::detail::plan_reads(
        {since, until}, g, date::locate_zone(tz),
        std::make_pair(rollup_fixture::kStartMs, rollup_fixture::kStartMs + 30 * 24 * rollup_fixture::kHourMs));
}

std::string show(const std::vector<usage::detail::ReadInterval>& parts) {
    std::string s;
    auto h = [](std::optional<std::int64_t> t) {
        return t ? std::to_string((*t - rollup_fixture::kStartMs) / 60000) : std::string("-");
    };
    using usage::detail::ReadFrom;
    for (const auto& p : parts)
        s += std::string(p.table == ReadFrom::days    ? "D"
                         : p.table == ReadFrom::hours ? "R"
                                                      : "E") +
             "[" + h(p.from_ms) + "," + h(p.to_ms) + ") ";
    return s;
}

}  // namespace

TEST_CASE("rollup query: the same report as the event scan in UTC") {
    check_zone_on_random_store("UTC");
}
TEST_CASE("rollup query: the same report as the event scan in Europe/Paris") {
    check_zone_on_random_store("Europe/Paris");
}
TEST_CASE("rollup query: the same report as the event scan in America/New_York") {
    check_zone_on_random_store("America/New_York");
}
TEST_CASE("rollup query: the same report as the event scan in Asia/Kolkata") {
    check_zone_on_random_store("Asia/Kolkata");
}
TEST_CASE("rollup query: the same report as the event scan in Asia/Kathmandu") {
    check_zone_on_random_store("Asia/Kathmandu");
}
TEST_CASE("rollup query: the same report as the event scan in Pacific/Chatham") {
    check_zone_on_random_store("Pacific/Chatham");
}

TEST_CASE("rollup query: the plan reads whole hours from the rollup, split hours and range edges from events") {
    constexpr std::int64_t H = rollup_fixture::kHourMs;
    constexpr std::int64_t day0 = rollup_fixture::kStartMs;  // 2025-03-05T00:00Z, in minutes from it below
    // Whole-hour zone, open range: the rollup alone.
    // UTC days are whole local days: the daily rollup, then the last hour.
    CHECK(show(plan("UTC", GroupBy::day, {}, {})) == "D[-,43200) R[43200,-) ");
    CHECK(show(plan("Europe/Paris", GroupBy::hour, {}, {})) == "R[-,-) ");
    // A range starting and ending inside hours: those parts from the events.
    CHECK(show(plan("UTC", GroupBy::source, day0 + 90 * 60000, day0 + 5 * H + 60000)) ==
          "E[90,120) R[120,300) E[300,301) ");
    // Kolkata (+05:30): days change at 18:30 UTC, so that hour comes from events.
    CHECK(show(plan("Asia/Kolkata", GroupBy::day, day0, day0 + 48 * H)) ==
          "R[0,1080) E[1080,1140) R[1140,2520) E[2520,2580) R[2580,2880) ");
    // ... but only for time buckets; and hourly buckets there split every hour.
    CHECK(show(plan("Asia/Kolkata", GroupBy::model, day0, day0 + 48 * H)) == "D[0,2880) ");
    // Paris days straddle UTC days (hourly rows); its weeks hold most UTC days whole (daily rows),
    // but not the UTC day holding the local Monday's midnight (2025-03-09T23:00Z).
    CHECK(show(plan("Europe/Paris", GroupBy::day, day0, day0 + 48 * H)) == "R[0,2880) ");
    CHECK(show(plan("Europe/Paris", GroupBy::week, day0, day0 + 7 * 24 * H)) ==
          "D[0,5760) R[5760,7200) D[7200,10080) ");
    CHECK(show(plan("Asia/Kolkata", GroupBy::hour, day0, day0 + 48 * H)) == "E[0,2880) ");
    // Chatham (+13:45 from 2025-04-06 03:45 local, +12:45 after): local midnight at 10:15 or 11:15 UTC.
    const auto chatham = show(plan("Pacific/Chatham", GroupBy::week, day0, day0 + 2 * 24 * H));
    CHECK(chatham == "R[0,600) E[600,660) R[660,2040) E[2040,2100) R[2100,2880) ");
}

TEST_CASE("rollup query: a rollup sum past 64 bits sends the query to the events, which saturate and flag it") {
    testing::TempDir dir;
    usage::PriceBook prices;
    usage::Store store(dir.path());
    store.use_prices(prices);
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    usage::FileBatch b;
    b.source = "claude-code";
    b.path = "/x";
    for (int i = 0; i < 3; ++i) {
        usage::UsageEvent e;
        e.id = "t:" + std::to_string(i);
        e.source = "claude-code";
        e.session_id = "s";
        e.model = "mystery";
        e.timestamp_ms = rollup_fixture::kStartMs + i;
        e.tokens = {kMax / 2, 1, 0, 0, 0, 0};
        b.events.push_back(e);
    }
    store.apply({b});
    usage::Query q;
    q.group = GroupBy::day;
    const auto report = usage::run_query(store, q);
    CHECK(report.totals.overflow);
    CHECK(report.totals.input_tokens == kMax);
    CHECK(report.totals.output_tokens == 3);
    CHECK(describe(report) == describe(usage::detail::run_query_via(store, q, false, usage::detail::ReadPath::events)));
}
