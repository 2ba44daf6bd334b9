#include "compat_paths.hpp"

#include <string>

namespace agent::serve {
namespace {

struct Alias {
    std::string_view name;    ///< after /api/usage/ or /:org/sessions/analytics/
    std::string_view target;  ///< the /api/v1 path
    std::string_view bucket;  ///< a fixed `bucket`, or ""
};

constexpr Alias kUsage[] = {
    {"summary", "/api/v1/summary", ""},       {"daily", "/api/v1/timeseries", "day"},
    {"hourly", "/api/v1/timeseries", "hour"}, {"models", "/api/v1/by-model", ""},
    {"sessions", "/api/v1/sessions", ""},     {"insights", "/api/v1/insights", ""},
};

constexpr Alias kAnalytics[] = {
    {"summary", "/api/v1/summary", ""},
    {"timeseries", "/api/v1/timeseries", ""},
    {"by-agent", "/api/v1/by-source", ""},
    {"cost-breakdown", "/api/v1/cost-breakdown", ""},
};

template <std::size_t N>
std::optional<Target> rewrite(const Alias (&table)[N], std::string_view name, const Target& target) {
    for (const Alias& a : table) {
        if (a.name != name) continue;
        Target out = target;
        out.path = std::string(a.target);
        if (!a.bucket.empty()) out.params.emplace_back("bucket", std::string(a.bucket));
        return out;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Target> canonical_target(const Target& target) {
    const std::string_view path = target.path;
    constexpr std::string_view usage = "/api/usage/";
    if (path.starts_with(usage)) return rewrite(kUsage, path.substr(usage.size()), target);
    // /:org/sessions/analytics/NAME, :org one non-empty segment.
    constexpr std::string_view analytics = "/sessions/analytics/";
    const auto org_end = path.find('/', 1);
    if (path.size() < 2 || path[0] != '/' || org_end == std::string_view::npos || org_end == 1) return std::nullopt;
    const std::string_view rest = path.substr(org_end);
    if (!rest.starts_with(analytics)) return std::nullopt;
    return rewrite(kAnalytics, rest.substr(analytics.size()), target);
}

}  // namespace agent::serve
