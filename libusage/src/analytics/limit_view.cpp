// The `limits` view (usage/analytics/limits.hpp): each stored window with its
// start, staleness and cost per 1% of the window, the cost read by run_query
// like every other report (so it is the rollups' figure, exact per event).
#include <cmath>

#include "usage/analytics/analytics.hpp"
#include "usage/analytics/limits.hpp"
#include "usage/store/limit_store.hpp"

namespace usage {

std::vector<LimitView> limit_views(const Store& store, std::int64_t now_ms, const std::string& source,
                                   const std::string& user) {
    std::vector<LimitView> out;
    for (auto& s : stored_limits(store)) {
        if (!source.empty() && s.source != source) continue;
        LimitView v;
        v.snapshot = std::move(s);
        const LimitSnapshot& snap = v.snapshot;
        if (snap.resets_at_ms > 0 && snap.window_minutes > 0)
            v.window_start_ms = snap.resets_at_ms - snap.window_minutes * 60'000;
        v.reset_passed = snap.resets_at_ms > 0 && snap.resets_at_ms <= now_ms;
        v.stale = v.reset_passed || now_ms - snap.observed_ms > kLimitStaleAfterMs;
        if (v.window_start_ms && !v.reset_passed) {
            Query q;
            q.range.since_ms = *v.window_start_ms;
            q.range.until_ms = now_ms + 1;
            q.filters.source = snap.source;
            q.filters.user = user;
            v.cost_micros = run_query(store, q).totals.cost_micros;
            if (snap.used_percent > 0)
                v.cost_per_percent_micros = std::llround(static_cast<double>(*v.cost_micros) / snap.used_percent);
        }
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace usage
