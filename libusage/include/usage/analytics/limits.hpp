// usage/analytics/limits.hpp — the `limits` view: each plan window's use now,
// when it resets, and what was spent per 1% of it.
//
// Cost per 1% = the cost of the source's priced events since the window
// started, divided by the window's used percent now. The window start is
// approximated as resets_at - window length (a rolling window that started
// with the first call after a reset starts later, so the cost is an upper
// bound), and the plan's percent counts every machine and client on the
// account while the cost counts only the events this store holds: on a plan
// shared with calls the store never saw, the figure is too low.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usage/model/limit_snapshot.hpp"
#include "usage/store/store.hpp"

namespace usage {

/// A reading older than this is marked stale: the plan may have moved since
/// (other clients, other machines), the number is only what it was then.
inline constexpr std::int64_t kLimitStaleAfterMs = 60 * 60 * 1000;

struct LimitView {
    LimitSnapshot snapshot;
    /// resets_at - window length; nullopt when either is unknown.
    std::optional<std::int64_t> window_start_ms;
    /// The window reset after the reading: its percent is no longer the
    /// window's (a new window started), so no cost is computed for it.
    bool reset_passed = false;
    /// Observed more than kLimitStaleAfterMs before now (or reset_passed).
    bool stale = false;
    /// Cost (micro-dollars) of the source's priced events from the window
    /// start to now; nullopt without a window start or after a reset.
    std::optional<std::int64_t> cost_micros;
    /// cost_micros / used percent, rounded; nullopt when used percent is 0.
    std::optional<std::int64_t> cost_per_percent_micros;
};

/// Every stored window (stored_limits order), evaluated at `now_ms`. With a
/// non-empty `source` only that source's windows; with `user`, the cost
/// counts only that user's events.
std::vector<LimitView> limit_views(const Store& store, std::int64_t now_ms, const std::string& source = {},
                                   const std::string& user = {});

}  // namespace usage
