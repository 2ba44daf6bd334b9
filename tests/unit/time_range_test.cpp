// Time ranges and buckets in IANA zones, including DST and ISO weeks.
#include <doctest/doctest.h>

#include "analytics/time_zone.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/scan/iso_time.hpp"

namespace {
// 2026-03-29T12:00:00Z: the day Europe/Berlin switches to summer time.
constexpr std::int64_t kDstDayNoon = 1774785600000;
}  // namespace

TEST_CASE("ISO-8601 parsing to UTC milliseconds") {
    using usage::detail::parse_iso8601_ms;
    CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_iso8601_ms("2025-09-03T00:47:19.293Z") == 1756860439293);
    CHECK(parse_iso8601_ms("2025-09-03T02:47:19.293+02:00") == 1756860439293);
    CHECK(parse_iso8601_ms("2025-09-03T00:47:19") == 1756860439000);
    CHECK(parse_iso8601_ms("2025-09-03T00:47:19.5Z") == 1756860439500);
    CHECK_FALSE(parse_iso8601_ms("yesterday"));
    CHECK_FALSE(parse_iso8601_ms("2025-13-03T00:47:19Z"));
}

TEST_CASE("buckets: hour, day, ISO week and month in the requested zone") {
    const auto* berlin = usage::detail::zone("Europe/Berlin");
    const auto* utc = usage::detail::zone("UTC");
    // 2025-12-31T23:30:00Z is already 2026-01-01 00:30 in Berlin.
    const std::int64_t t = 1767223800000;
    CHECK(usage::detail::bucket_key(t, utc, 'd') == "2025-12-31");
    CHECK(usage::detail::bucket_key(t, berlin, 'd') == "2026-01-01");
    CHECK(usage::detail::bucket_key(t, berlin, 'h') == "2026-01-01T00");
    CHECK(usage::detail::bucket_key(t, berlin, 'm') == "2026-01");
    CHECK(usage::detail::bucket_key(t, utc, 'w') == "2026-W01");              // ISO week of Wed 2025-12-31
    CHECK(usage::detail::bucket_key(1735603200000, utc, 'w') == "2025-W01");  // Tue 2024-12-31
    CHECK(usage::detail::bucket_key(1609459200000, utc, 'w') == "2020-W53");  // Fri 2021-01-01
}

TEST_CASE("named ranges start at local midnight, custom dates are inclusive") {
    auto today = usage::resolve_range("today", "", "", "Europe/Berlin", kDstDayNoon);
    REQUIRE(today.since_ms);
    CHECK(*today.since_ms == 1774738800000);  // 2026-03-29T00:00+01:00
    CHECK_FALSE(today.until_ms);

    auto week = usage::resolve_range("7d", "", "", "UTC", kDstDayNoon);
    CHECK(*week.since_ms == 1774224000000);  // 2026-03-23T00:00Z: today and the 6 days before

    auto day24 = usage::resolve_range("24h", "", "", "UTC", kDstDayNoon);
    CHECK(*day24.since_ms == kDstDayNoon - 86400000);

    auto month = usage::resolve_range("month", "", "", "UTC", kDstDayNoon);
    CHECK(*month.since_ms == 1772323200000);  // 2026-03-01

    auto custom = usage::resolve_range("", "2026-03-29", "2026-03-29", "Europe/Berlin", kDstDayNoon);
    CHECK(*custom.since_ms == 1774738800000);
    CHECK(*custom.until_ms == 1774821600000);  // 2026-03-30T00:00+02:00: a 23-hour day

    CHECK_FALSE(usage::resolve_range("all", "", "", "UTC", kDstDayNoon).since_ms);
    CHECK_THROWS_AS(usage::resolve_range("fortnight", "", "", "UTC", 0), std::invalid_argument);
    CHECK_THROWS_AS(usage::resolve_range("", "2026-02-30", "", "UTC", 0), std::invalid_argument);
    CHECK_THROWS_AS(usage::resolve_range("", "2026-03-02", "2026-03-01", "UTC", 0), std::invalid_argument);
    CHECK_THROWS_AS(usage::resolve_range("today", "", "", "Not/AZone", 0), std::invalid_argument);
}

TEST_CASE("buckets on DST days: the skipped hour never appears, the repeated hour holds both") {
    const auto* berlin = usage::detail::zone("Europe/Berlin");
    // Spring forward 2026-03-29: 01:59 CET is followed by 03:00 CEST.
    CHECK(usage::detail::bucket_key(1774744200000, berlin, 'h') == "2026-03-29T01");  // 00:30Z = 01:30 CET
    CHECK(usage::detail::bucket_key(1774747800000, berlin, 'h') == "2026-03-29T03");  // 01:30Z = 03:30 CEST
    CHECK(usage::detail::bucket_key(1774821599000, berlin, 'd') == "2026-03-29");     // 21:59:59Z, last second
    CHECK(usage::detail::bucket_key(1774821600000, berlin, 'd') == "2026-03-30");     // 22:00Z = midnight CEST
    // Fall back 2026-10-25: 02:00-02:59 happens twice (CEST, then CET).
    CHECK(usage::detail::bucket_key(1792888200000, berlin, 'h') == "2026-10-25T02");  // 00:30Z = 02:30 CEST
    CHECK(usage::detail::bucket_key(1792891800000, berlin, 'h') == "2026-10-25T02");  // 01:30Z = 02:30 CET
    CHECK(usage::detail::bucket_key(1792967400000, berlin, 'd') == "2026-10-25");     // 22:30Z = 23:30 CET
    CHECK(usage::detail::bucket_key(1792969200000, berlin, 'd') == "2026-10-26");     // 23:00Z = midnight CET
    // The 25-hour day as a custom range: from 22:00Z the day before to 23:00Z.
    auto day = usage::resolve_range("", "2026-10-25", "2026-10-25", "Europe/Berlin", 0);
    CHECK(*day.since_ms == 1792879200000);
    CHECK(*day.until_ms == 1792969200000);
    CHECK(*day.until_ms - *day.since_ms == 25 * 3600000LL);
}
