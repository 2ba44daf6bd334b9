#include "statusline/statusline_input.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "usage/scan/iso_time.hpp"

namespace agent {
namespace {

using nlohmann::json;

const json* member(const json& j, const char* name) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(name);
    return it == j.end() ? nullptr : &*it;
}

std::string text(const json& j, const char* name) {
    const json* v = member(j, name);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<double> number(const json* j) {
    if (!j || !j->is_number()) return std::nullopt;
    const double v = j->get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

const json& object_or_null(const json& j, const char* name) {
    static const json null;
    const json* v = member(j, name);
    return v ? *v : null;
}

// A session's cost above this is not a cost: a unit mix-up or a broken
// client. Beyond it the micro-dollars would also leave exact doubles.
constexpr double kMaxSessionUsd = 1e6;

// `resets_at` is Unix seconds; a value this large is already milliseconds
// (year 2286 in seconds), an ISO-8601 text is read as such.
std::int64_t reset_ms(const json* j) {
    if (auto v = number(j); v && *v > 0 && *v < 1e15) return std::llround(*v < 1e10 ? *v * 1000 : *v);
    if (j && j->is_string())
        if (auto ms = usage::detail::parse_iso8601_ms(j->get_ref<const std::string&>())) return *ms;
    return 0;
}

// five_hour -> 5h (300 min), seven_day -> 7d (10080 min), seven_day_opus ->
// 7d_opus: the names the report shows. Other keys stay as they are.
StatuslineLimit window_of(const std::string& key) {
    StatuslineLimit l;
    const std::pair<std::string_view, std::pair<const char*, std::int64_t>> known[] = {{"five_hour", {"5h", 300}},
                                                                                       {"seven_day", {"7d", 10080}}};
    for (const auto& [prefix, name] : known)
        if (std::string_view(key).starts_with(prefix)) {
            // Constructed, then appended: GCC 12 -O3 warns (-Wrestrict,
            // a false positive) on assigning or concatenating here.
            std::string window(name.first);
            window.append(std::string_view(key).substr(prefix.size()));
            l.window = std::move(window);
            l.window_minutes = name.second;
            return l;
        }
    l.window = key;
    return l;
}

std::vector<StatuslineLimit> read_limits(const json& rate_limits) {
    std::vector<StatuslineLimit> out;
    if (!rate_limits.is_object()) return out;
    for (const auto& [key, window] : rate_limits.items()) {
        auto used = number(member(window, "used_percentage"));
        if (!used || *used < 0) continue;
        StatuslineLimit l = window_of(key);
        l.used_percent = *used;
        l.resets_at_ms = reset_ms(member(window, "resets_at"));
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace

StatuslineInput parse_statusline_input(std::string_view raw) {
    json j = json::parse(raw.begin(), raw.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("the statusline input is not a JSON object");
    StatuslineInput in;
    in.session_id = text(j, "session_id");
    in.transcript_path = text(j, "transcript_path");
    in.cwd = text(j, "cwd");
    if (in.cwd.empty()) in.cwd = text(object_or_null(j, "workspace"), "current_dir");
    const json& model = object_or_null(j, "model");
    in.model_id = text(model, "id");
    in.model_name = text(model, "display_name");
    in.version = text(j, "version");
    if (auto usd = number(member(object_or_null(j, "cost"), "total_cost_usd"));
        usd && *usd >= 0 && *usd < kMaxSessionUsd)
        in.cost_micros = std::llround(*usd * 1e6);
    in.limits = read_limits(object_or_null(j, "rate_limits"));
    return in;
}

}  // namespace agent
