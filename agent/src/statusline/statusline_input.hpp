// The JSON Claude Code writes to a statusline command's stdin: what
// `usage-agent statusline` reads of it. Every field is optional (older
// versions send fewer, newer ones more: context_window, which the line does
// not show); one of the wrong type counts as absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

/// One window of `rate_limits` (Claude.ai plans, newer Claude Code):
/// `five_hour` and `seven_day`, each {used_percentage, resets_at}.
struct StatuslineLimit {
    std::string window;               ///< "5h", "7d" (five_hour, seven_day); other keys as written
    std::int64_t window_minutes = 0;  ///< 300, 10080; 0 for a key we do not know
    double used_percent = 0;
    std::int64_t resets_at_ms = 0;  ///< 0 when absent
};

struct StatuslineInput {
    std::string session_id;
    std::string transcript_path;
    std::string cwd;         ///< `cwd`, else `workspace.current_dir`
    std::string model_id;    ///< `model.id`
    std::string model_name;  ///< `model.display_name`
    std::string version;     ///< Claude Code's version
    /// `cost.total_cost_usd` in micro-dollars (rounded to the nearest), when
    /// present, finite, not negative and below a million dollars.
    std::optional<std::int64_t> cost_micros;
    /// `rate_limits`' windows with a numeric used_percentage, by key.
    std::vector<StatuslineLimit> limits;

    /// What the line calls the model: its display name, else its id.
    [[nodiscard]] const std::string& model() const { return model_name.empty() ? model_id : model_name; }
};

/// Parse the statusline JSON. Throws std::invalid_argument when `text` is
/// not a JSON object (empty, truncated, another type).
StatuslineInput parse_statusline_input(std::string_view text);

}  // namespace agent
