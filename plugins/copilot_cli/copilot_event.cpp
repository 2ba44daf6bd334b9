#include "copilot_event.hpp"

#include <cmath>

#include "copilot_models.hpp"

namespace usage::plugins::copilot {

TokenCounts split_usage(const CopilotUsage& u) {
    TokenCounts t;
    t.output = u.output;
    t.reasoning = u.reasoning;
    t.cache_read = u.cache_read;
    t.cache_write_5m = u.cache_write;
    if (u.input >= u.cache_read + u.cache_write)
        t.input = u.input - u.cache_read - u.cache_write;
    else if (u.input >= u.cache_read)
        t.input = u.input - u.cache_read;
    else
        t.input = u.input;
    return t;
}

std::string session_group(std::string_view session_id) {
    std::string g(kSource);
    g += ':';
    g += session_id;
    g += ':';
    return g;
}

std::int64_t nano_aiu_to_micros(double nano_aiu) {
    return std::llround(nano_aiu / 1e5);
}

namespace {

std::string last_component(const std::string& path) {
    std::string p = path;
    while (p.size() > 1 && (p.back() == '/' || p.back() == '\\')) p.pop_back();
    const auto slash = p.find_last_of("/\\");
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Copilot writes `owner/name` (GitHub) or `org/project/repo` (Azure DevOps)
// with the host apart; the event wants a remote URL.
std::string repository_url(const SessionPlace& place) {
    if (place.repository.empty()) return {};
    if (place.repository.find("://") != std::string::npos) return place.repository;
    if (!place.repository_host.empty()) return "https://" + place.repository_host + "/" + place.repository;
    if (place.repository.find('/') != std::string::npos && place.repository.find('/') == place.repository.rfind('/'))
        return "https://github.com/" + place.repository;
    return {};
}

}  // namespace

UsageEvent base_event(std::string_view session_id, std::string_view model, const SessionPlace& place,
                      std::int64_t timestamp_ms) {
    UsageEvent e;
    e.source = kSource;
    e.session_id = session_id;
    e.model = model;
    MappedModel mapped = map_copilot_model(model);
    if (mapped.pricing_model != e.model) e.pricing_model = std::move(mapped.pricing_model);
    e.provider = std::move(mapped.provider);
    e.surface = "cli";
    e.project_path = place.cwd.empty() ? place.git_root : place.cwd;
    e.project_name = last_component(e.project_path);
    e.git_branch = place.branch;
    e.repository = repository_url(place);
    e.timestamp_ms = timestamp_ms;
    return e;
}

}  // namespace usage::plugins::copilot
