// Time-zone arithmetic shared by range resolution and bucketing, on top of
// Howard Hinnant's date library (Debian's libhowardhinnant-date-dev, reading
// the system tzdata): GCC 12's <chrono> has no time-zone support yet.
#pragma once

#include <cstdint>
#include <string>

#include "usage/analytics/analytics.hpp"

namespace date {
class time_zone;
}

namespace usage::detail {

/// The zone called `name`; throws std::invalid_argument naming it.
const date::time_zone* zone(const std::string& name);

/// Bucket key of a UTC timestamp in `tz`: kind is 'h' (YYYY-MM-DDTHH),
/// 'd' (YYYY-MM-DD), 'w' (YYYY-Www, ISO week) or 'm' (YYYY-MM).
std::string bucket_key(std::int64_t utc_ms, const date::time_zone* tz, char kind);

/// bucket_key's kind for a time grouping ('h', 'd', 'w', 'm'); 0 for the others.
constexpr char bucket_kind(GroupBy g) {
    switch (g) {
        case GroupBy::hour: return 'h';
        case GroupBy::day: return 'd';
        case GroupBy::week: return 'w';
        case GroupBy::month: return 'm';
        default: return 0;
    }
}

/// Whether rows are grouped by a time bucket of the query's zone.
constexpr bool is_time_bucket(GroupBy g) {
    return bucket_kind(g) != 0;
}

}  // namespace usage::detail
