// Which parts of a query's time range can be read from the hourly rollup.
//
// A rollup row covers one UTC hour. It can stand for its events when the
// hour lies wholly inside the range and, for time groupings, when every
// instant of the hour falls in the same bucket of the query's zone: true
// for whole-hour offsets, false for the hour holding a local midnight in
// Asia/Kolkata (+05:30) and for every hour under hourly buckets there, and
// for an hour in which the offset changes. Those hours, and the partial
// hours at the edges of the range (24h = now - 24 h), are read from the
// events. No SQL here: the plan is the same for every backend.
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

struct ReadInterval {
    std::optional<std::int64_t> from_ms;  ///< nullopt: unbounded
    std::optional<std::int64_t> to_ms;    ///< exclusive; nullopt: unbounded
    bool rollup = false;                  ///< true: whole hours from the rollup
};

/// The intervals, in order and without overlap, that together cover `range`.
/// `rollup_hours` is the first and last hour the rollup holds (it holds every
/// counted event), which bounds an open range; nullopt: the rollup is empty.
std::vector<ReadInterval> plan_reads(const TimeRange& range, GroupBy group, const date::time_zone* tz,
                                     std::optional<std::pair<std::int64_t, std::int64_t>> rollup_hours);

}  // namespace usage::detail
