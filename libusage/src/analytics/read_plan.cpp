#include "analytics/read_plan.hpp"

#include <date/tz.h>

#include <algorithm>
#include <limits>

#include "analytics/time_zone.hpp"

namespace usage::detail {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::int64_t floor_to(std::int64_t t, std::int64_t unit) {
    const std::int64_t q = t / unit;
    return (t % unit != 0 && t < 0 ? q - 1 : q) * unit;
}

std::int64_t ceil_hour(std::int64_t t) {
    const std::int64_t f = floor_to(t, kHourMs);
    return f == t ? t : f + kHourMs;
}

// The zone library's instants, in ms; its open ends (years -32767 and 32767)
// fit, but clamp anyway rather than overflow.
std::int64_t to_ms(date::sys_seconds t) {
    std::int64_t ms = 0;
    if (__builtin_mul_overflow(t.time_since_epoch().count(), std::int64_t{1000}, &ms))
        return t.time_since_epoch().count() < 0 ? std::numeric_limits<std::int64_t>::min()
                                                : std::numeric_limits<std::int64_t>::max();
    return ms;
}

// Whether the UTC day starting at `day` can stand for its events: always
// outside time groupings; with one, when the zone's offset holds all day
// (local time then runs on without a jump) and its first and last instant
// share a bucket.
bool whole_day(std::int64_t day, GroupBy group, const date::time_zone* tz) {
    if (!is_time_bucket(group)) return true;
    if (group == GroupBy::hour) return false;
    const auto info = tz->get_info(date::sys_seconds{std::chrono::seconds{day / 1000}});
    if (to_ms(info.begin) > day || to_ms(info.end) < day + kDayMs) return false;
    const char kind = bucket_kind(group);
    return bucket_key(day, tz, kind) == bucket_key(day + kDayMs - 1, tz, kind);
}

}  // namespace

std::vector<ReadInterval> plan_reads(const TimeRange& range, GroupBy group, const date::time_zone* tz,
                                     std::optional<std::pair<std::int64_t, std::int64_t>> rollup_hours) {
    // An empty rollup means no counted event: the events agree, cheaply.
    if (!rollup_hours) return {{range.since_ms, range.until_ms, ReadFrom::events}};
    // Every counted event lies in the rollup's hours, so nothing outside
    // them needs reading (and an open range gets ends to plan between).
    const std::int64_t lo = std::max(range.since_ms.value_or(rollup_hours->first), rollup_hours->first);
    const std::int64_t hi =
        std::min(range.until_ms.value_or(rollup_hours->second + kHourMs), rollup_hours->second + kHourMs);
    if (lo >= hi) return {};

    // Hours (or parts) that must come from the events.
    std::vector<std::pair<std::int64_t, std::int64_t>> dirty;
    auto mark = [&](std::int64_t from, std::int64_t to) {
        from = std::max(from, lo);
        to = std::min(to, hi);
        if (from < to) dirty.emplace_back(from, to);
    };
    mark(lo, ceil_hour(lo));          // the range starts inside an hour
    mark(floor_to(hi, kHourMs), hi);  // or ends inside one
    if (is_time_bucket(group)) {
        // Walk the zone's periods of constant offset across [lo, hi).
        for (std::int64_t t = lo; t < hi;) {
            const auto info = tz->get_info(date::sys_seconds{std::chrono::seconds{floor_to(t, 1000) / 1000}});
            const std::int64_t begin = to_ms(info.begin);
            const std::int64_t end = std::min(to_ms(info.end), hi);
            // An offset that changes inside an hour splits that hour.
            if (begin > lo && begin % kHourMs != 0) mark(floor_to(begin, kHourMs), floor_to(begin, kHourMs) + kHourMs);
            const std::int64_t offset = info.offset.count() * 1000;
            if (offset % kHourMs != 0) {
                if (group == GroupBy::hour) {
                    mark(floor_to(t, kHourMs), ceil_hour(end));  // every local hour straddles two UTC hours
                } else {
                    // Days, weeks and months change at local midnight: only the
                    // UTC hour holding one is split.
                    for (std::int64_t m = floor_to(t + offset, kDayMs) - offset; m < end; m += kDayMs)
                        if (m >= t && m % kHourMs != 0) mark(floor_to(m, kHourMs), floor_to(m, kHourMs) + kHourMs);
                }
            }
            if (end <= t) break;
            t = end;
        }
    }
    std::sort(dirty.begin(), dirty.end());

    std::vector<ReadInterval> plan;
    auto push = [&](std::int64_t from, std::int64_t to, ReadFrom table) {
        if (!plan.empty() && plan.back().table == table && *plan.back().to_ms >= from)
            plan.back().to_ms = std::max(*plan.back().to_ms, to);
        else
            plan.push_back({from, to, table});
    };
    // Rollup hours [from, to): the whole days in them that may, from the daily rollup.
    auto push_hours = [&](std::int64_t from, std::int64_t to) {
        std::int64_t at = from;
        for (std::int64_t day = floor_to(from, kDayMs) == from ? from : floor_to(from, kDayMs) + kDayMs;
             day + kDayMs <= to; day += kDayMs) {
            if (!whole_day(day, group, tz)) continue;
            if (at < day) push(at, day, ReadFrom::hours);
            push(day, day + kDayMs, ReadFrom::days);
            at = day + kDayMs;
        }
        if (at < to) push(at, to, ReadFrom::hours);
    };
    std::int64_t cursor = lo;
    for (const auto& [from, to] : dirty) {
        if (to <= cursor) continue;  // inside a part already planned
        if (cursor < from) push_hours(cursor, from);
        push(std::max(from, cursor), to, ReadFrom::events);
        cursor = std::max(cursor, to);
    }
    if (cursor < hi) push_hours(cursor, hi);
    // The outer ends as the query gave them: the same rows, simpler statements.
    plan.front().from_ms = range.since_ms;
    plan.back().to_ms = range.until_ms;
    return plan;
}

}  // namespace usage::detail
