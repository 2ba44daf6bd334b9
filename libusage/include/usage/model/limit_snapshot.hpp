// usage/model/limit_snapshot.hpp — one reading of a plan's rate-limit window.
//
// Subscription plans meter use in rolling windows (Codex: `primary` and
// `secondary`, e.g. 5 hours and a week; Claude Code: `5h` and `7d`). The tool
// reports how much of each window is used and when it resets; a plugin (or
// the statusline) turns each report into a LimitSnapshot. The store keeps
// the latest one per (source, window): the window's state now, nothing more.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace usage {

struct LimitSnapshot {
    std::string source;  ///< the source that reported it, e.g. "codex-cli"
    /// The window's name as the source knows it: "primary", "secondary"
    /// (Codex; "<limit_id>/primary" for a limit other than Codex's own),
    /// "5h", "7d" (Claude Code).
    std::string window;
    std::int64_t window_minutes = 0;  ///< the window's length; 0 when not reported
    double used_percent = 0;          ///< 0-100 as reported (a plan may report more than 100)
    std::int64_t resets_at_ms = 0;    ///< Unix ms when the window resets; 0 when not reported
    std::string plan;                 ///< plan type as reported ("plus", "pro", ...); may be empty
    std::int64_t observed_ms = 0;     ///< when the tool reported it (the line's time, UTC)
    std::string session_id;           ///< the session whose line carried it

    bool operator==(const LimitSnapshot&) const = default;
};

/// Put `s` in `latest` as its (source, window)'s reading unless `latest`
/// holds one observed later: a list of readings stays one per window.
inline void keep_latest(std::vector<LimitSnapshot>& latest, LimitSnapshot s) {
    for (auto& have : latest)
        if (have.source == s.source && have.window == s.window) {
            if (s.observed_ms >= have.observed_ms) have = std::move(s);
            return;
        }
    latest.push_back(std::move(s));
}

}  // namespace usage
