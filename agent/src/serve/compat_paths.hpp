// The API paths that existing usage dashboards call, answered with the read
// API's data: each is another name for an /api/v1 route (with a fixed
// parameter or two), so scoping, filters and JSON are the same.
// docs/api-compat.md lists the mapping.
//
//   GET  /api/usage/summary | daily | hourly | models | sessions | insights
//   POST /api/usage/refresh                     local mode: scan now; team: 204
//   GET  /:org/sessions/analytics/summary | timeseries | by-agent | cost-breakdown
//                                               (:org accepted and ignored)
#pragma once

#include <optional>
#include <string_view>

#include "query_string.hpp"

namespace agent::serve {

inline constexpr std::string_view kRefreshPath = "/api/usage/refresh";

/// The /api/v1 target a compatible path stands for (its parameters kept,
/// the mapping's added); nullopt for every other path.
std::optional<Target> canonical_target(const Target& target);

}  // namespace agent::serve
