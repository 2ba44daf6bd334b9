// Which parts of a query's time range can be read from the daily rollup,
// which from the hourly rollup, and which only from the events.
//
// An hourly rollup row covers one UTC hour, a daily one one UTC day. It can stand for its events when the
// hour lies wholly inside the range and, for time groupings, when every
// instant of the hour falls in the same bucket of the query's zone: true
// for whole-hour offsets, false for the hour holding a local midnight in
// Asia/Kolkata (+05:30) and for every hour under hourly buckets there, and
// for an hour in which the offset changes. Those hours, and the partial
// hours at the edges of the range (24h = now - 24 h), are read from the
// events. A whole UTC day of the hourly part is read from the daily rollup
// when the grouping is not by time, or when every instant of the day falls
// in one bucket (a UTC zone's days, most days of a week or month with a
// constant offset). No SQL here: the plan is the same for every backend.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "usage/analytics/analytics.hpp"

namespace date {
class time_zone;
}

namespace usage::detail {

enum class ReadFrom {
    events,  ///< the counted events themselves
    hours,   ///< whole UTC hours of the hourly rollup
    days,    ///< whole UTC days of the daily rollup
};

struct ReadInterval {
    std::optional<std::int64_t> from_ms;  ///< nullopt: unbounded
    std::optional<std::int64_t> to_ms;    ///< exclusive; nullopt: unbounded
    ReadFrom table = ReadFrom::events;
};

/// The intervals, in order and without overlap, that together cover `range`.
/// `rollup_hours` is the first and last hour the rollup holds (it holds every
/// counted event), which bounds an open range; nullopt: the rollup is empty.
std::vector<ReadInterval> plan_reads(const TimeRange& range, GroupBy group, const date::time_zone* tz,
                                     std::optional<std::pair<std::int64_t, std::int64_t>> rollup_hours);

}  // namespace usage::detail
