// Time-zone arithmetic shared by range resolution and bucketing, on top of
// Howard Hinnant's date library (Debian's libhowardhinnant-date-dev, reading
// the system tzdata): GCC 12's <chrono> has no time-zone support yet.
#pragma once

#include <cstdint>
#include <string>

namespace date {
class time_zone;
}

namespace usage::detail {

/// The zone called `name`; throws std::invalid_argument naming it.
const date::time_zone* zone(const std::string& name);

/// Bucket key of a UTC timestamp in `tz`: kind is 'h' (YYYY-MM-DDTHH),
/// 'd' (YYYY-MM-DD), 'w' (YYYY-Www, ISO week) or 'm' (YYYY-MM).
std::string bucket_key(std::int64_t utc_ms, const date::time_zone* tz, char kind);

}  // namespace usage::detail
