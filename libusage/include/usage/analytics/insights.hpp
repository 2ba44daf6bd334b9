// usage/analytics/insights.hpp — what stands out in a query's usage, in
// sentences: days and hours far above their recent baseline (in cost or
// tokens), days whose share of failed requests is, sessions far costlier than
// usual, models new to the store, models without a price, models whose calls
// often fail and a falling cache hit share. Built on run_query, so it honours the same range,
// filters, zone and scoping, on every store backend.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "usage/analytics/analytics.hpp"

namespace usage {

struct Insight {
    /// day_cost, day_tokens, day_failures, hour_cost, hour_tokens,
    /// costly_session, new_model, unpriced_model, failing_model,
    /// cache_hit_falling
    std::string kind;
    /// The day ("2026-01-14"), hour ("2026-01-14T15"), session id or model.
    std::string subject;
    std::string message;  ///< one sentence for people
    double value = 0;     ///< the figure that stands out: USD, tokens, requests or a share (0..1)
    double baseline = 0;  ///< what it is compared with (0 when nothing is)
};

/// The insights for `query`'s range, filters and zone (its grouping, limit
/// and offset are ignored), in the order of the kinds above and, within a
/// kind, the most notable first. `now_ms` dates "new" models (first seen in
/// the 7 days before it) and the hours looked at (the last 7 days of the
/// range). The thresholds are in docs/sync-protocol.md (Insights).
std::vector<Insight> find_insights(const Store& store, const Query& query, std::int64_t now_ms);

}  // namespace usage
