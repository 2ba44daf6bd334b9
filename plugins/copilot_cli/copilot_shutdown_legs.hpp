// Turning the `session.shutdown` totals of one events.jsonl into per-leg
// figures without counting anything twice.
//
// A resumed session writes one shutdown per process ("leg"). Versions differ
// in what a leg's modelMetrics hold: older ones reset the counters on resume
// (each leg is its own usage), newer ones (1.0.80 measured by codeburn; the
// SDK's `session.usage_checkpoint` exists to rebuild the totals on resume)
// keep counting since the session started, until a successful compaction
// resets them. The file does not say which, so the rule decides per leg:
//   - the leg's every model of the previous leg is present with every
//     counter >= the previous one: cumulative, the leg's own usage is the
//     difference (models new in this leg count whole);
//   - otherwise (a counter went down or a model vanished): the counters were
//     reset, the leg counts whole;
//   - after a successful `session.compaction_complete` the next leg counts
//     whole (the counters restarted);
//   - a leg identical to the previous one is the same shutdown written twice
//     and counts nothing (its difference is zero).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "copilot_event.hpp"

namespace usage::plugins::copilot {

/// One model's counters in a shutdown's modelMetrics.
struct ModelTotals {
    std::int64_t requests = 0;
    CopilotUsage usage;
    std::int64_t nano_aiu = 0;
    bool has_nano_aiu = false;

    /// Every counter of this >= the same counter of `prev`.
    [[nodiscard]] bool covers(const ModelTotals& prev) const;
    /// This minus `prev`, counter by counter (call only when covers(prev)).
    [[nodiscard]] ModelTotals minus(const ModelTotals& prev) const;
    [[nodiscard]] bool is_zero() const;
};

using LegTotals = std::map<std::string, ModelTotals>;  ///< model -> counters

/// One model's usage of one leg, as it should be counted.
struct LegShare {
    std::string model;
    ModelTotals totals;
};

/// What is carried from one shutdown to the next, also across appends.
struct LegHistory {
    LegTotals previous;  ///< the last shutdown's counters; empty after a reset
    /// The per-model usage of `leg`, given the history; updates the history.
    std::vector<LegShare> take(const LegTotals& leg);
    /// A successful compaction: the next shutdown's counters start from 0.
    void reset() { previous.clear(); }
};

}  // namespace usage::plugins::copilot
