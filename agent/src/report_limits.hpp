// The `limits` view's renderings (usage/analytics/limits.hpp): the JSON shared
// by `report limits --json` and `GET /api/v1/limits` (one function, so the two
// never drift apart), and the 80-column table.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "usage/analytics/limits.hpp"

namespace agent {

/// `{"now": ISO, "limits": [W...]}`, W documented in docs/cli.md (report limits).
nlohmann::json limits_json(const std::vector<usage::LimitView>& views, std::int64_t now_ms);

/// A block per window; resets shown in `tz` with the time left. Without any
/// window, a line saying where readings come from.
std::string limits_table(const std::vector<usage::LimitView>& views, std::int64_t now_ms, const std::string& tz,
                         bool colour);

}  // namespace agent
