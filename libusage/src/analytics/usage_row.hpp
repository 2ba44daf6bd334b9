// What run_query adds up, whichever table it comes from.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

#include "usage/model/event.hpp"

namespace usage::detail {

/// One event, or one rollup row: the events of one session, model, project,
/// surface, machine and user within one UTC hour. An event is a row of one
/// event whose first and last time are its own; a failed call a row of one
/// failure. The strings point into the
/// reader's current result row and are valid during the callback only.
struct UsageRow {
    std::string_view key;  ///< the group's value for the query's grouping
    std::string_view source, session_id, model, project, machine_name, surface, user;
    std::int64_t machine = 0;  ///< machines.key
    std::int64_t events = 0;
    std::int64_t input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write_5m = 0, cache_write_1h = 0;
    std::int64_t cost_micros = 0;            ///< over priced events
    std::int64_t reported_cost_micros = 0;   ///< cost_origin reported
    std::int64_t estimated_cost_micros = 0;  ///< estimated and override
    std::int64_t unpriced_events = 0;
    std::int64_t first_ms = 0, last_ms = 0;
    /// Failed calls (UsageEvent::failure): a row of them has no event, token
    /// or cost, and adds no session, user or machine.
    std::int64_t failed = 0;
};

using RowSink = std::function<void(const UsageRow&)>;

/// The rollup row's sums in the order every backend selects them: events,
/// the six token classes, cost, reported cost, estimated cost, unpriced
/// events, first and last time.
inline std::array<std::int64_t*, 13> rollup_sums(UsageRow& r) {
    return {&r.events,
            &r.input,
            &r.output,
            &r.reasoning,
            &r.cache_read,
            &r.cache_write_5m,
            &r.cache_write_1h,
            &r.cost_micros,
            &r.reported_cost_micros,
            &r.estimated_cost_micros,
            &r.unpriced_events,
            &r.first_ms,
            &r.last_ms};
}

/// One event's cost as Totals adds it up: an unpriced event counts and
/// costs nothing; a priced one's cost is reported or estimated (and override).
inline void set_event_cost(UsageRow& r, CostOrigin origin, std::int64_t cost) {
    const bool is_unpriced = origin == CostOrigin::unpriced;
    r.unpriced_events = is_unpriced ? 1 : 0;
    r.cost_micros = is_unpriced ? 0 : cost;
    r.reported_cost_micros = origin == CostOrigin::reported ? cost : 0;
    r.estimated_cost_micros = !is_unpriced && origin != CostOrigin::reported ? cost : 0;
}

}  // namespace usage::detail
