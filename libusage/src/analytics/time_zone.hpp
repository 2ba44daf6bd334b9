// Time-zone arithmetic shared by range resolution and bucketing, on top of
// Howard Hinnant's date library (Debian's libhowardhinnant-date-dev, reading
// the system tzdata): GCC 12's <chrono> has no time-zone support yet.
#pragma once

#include <date/date.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "usage/analytics/analytics.hpp"

namespace date {
class time_zone;
}

namespace usage::detail {

/// The zone called `name`; throws std::invalid_argument naming it.
const date::time_zone* zone(const std::string& name);

/// The UTC instant `day` starts in `tz`: its midnight, the first instant of
/// an ambiguous one (DST fall back), the first valid one after a skipped one.
std::int64_t local_midnight_ms(const date::time_zone* tz, date::local_days day);

/// Bucket key of a UTC timestamp in `tz`: kind is 'h' (YYYY-MM-DDTHH),
/// 'd' (YYYY-MM-DD), 'w' (YYYY-Www, ISO week) or 'm' (YYYY-MM).
std::string bucket_key(std::int64_t utc_ms, const date::time_zone* tz, char kind);

/// bucket_key for one zone and kind, memoised for the whole UTC hours
/// rollup rows carry (a quarter's hourly rows name a few thousand hours, in
/// no useful order) and for the last instant asked for (events come in time
/// order within a session).
class BucketKeys {
public:
    BucketKeys(const date::time_zone* tz, char kind) : tz_(tz), kind_(kind) {}
    std::string_view operator()(std::int64_t utc_ms) {
        if (utc_ms % kHourMs == 0) {
            auto [it, fresh] = hours_.try_emplace(utc_ms);
            if (fresh) it->second = bucket_key(utc_ms, tz_, kind_);
            return it->second;
        }
        if (last_.empty() || utc_ms != last_ms_) {
            last_ = bucket_key(utc_ms, tz_, kind_);
            last_ms_ = utc_ms;
        }
        return last_;
    }

private:
    static constexpr std::int64_t kHourMs = 3'600'000;
    const date::time_zone* tz_;
    char kind_;
    std::unordered_map<std::int64_t, std::string> hours_;
    std::int64_t last_ms_ = 0;
    std::string last_;
};

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
