// The JSON Claude Code writes to a statusline command's stdin: what
// `usage-agent statusline` reads of it. Every field is optional (older
// versions send fewer, newer ones more: context_window, rate_limits, which
// the line does not show); one of the wrong type counts as absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agent {

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

    /// What the line calls the model: its display name, else its id.
    [[nodiscard]] const std::string& model() const { return model_name.empty() ? model_id : model_name; }
};

/// Parse the statusline JSON. Throws std::invalid_argument when `text` is
/// not a JSON object (empty, truncated, another type).
StatuslineInput parse_statusline_input(std::string_view text);

}  // namespace agent
