// `report limits` and the read API's /api/v1/limits: each plan window's
// reading, reset and cost per 1% (the formula is in usage/analytics/limits.hpp).
#include "report_limits.hpp"

#include <cmath>
#include <cstdio>

#include "report_json.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"

namespace agent {
namespace {

nlohmann::json time_or_null(std::int64_t ms) {
    return ms > 0 ? nlohmann::json(usage::format_utc_ms(ms)) : nlohmann::json(nullptr);
}

nlohmann::json usd_or_null(const std::optional<std::int64_t>& micros) {
    return micros ? usd_json(*micros) : nlohmann::json(nullptr);
}

// 42.5 -> "42.5%", 42 -> "42%": the figure as precise as the tool gave it, to
// one decimal.
std::string percent_text(double p) {
    char buf[32];
    const double tenths = std::round(p * 10) / 10;
    std::snprintf(buf, sizeof buf, tenths == std::floor(tenths) ? "%.0f%%" : "%.1f%%", tenths);
    return buf;
}

// Cost per 1% is often below a cent on a small window: four decimals there
// ("$0.0075"), where whole cents would say $0.01 or $0.00.
std::string fine_dollars(std::int64_t micros) {
    if (micros >= 10000 || micros <= 0) return dollars(micros);
    char buf[16];
    std::snprintf(buf, sizeof buf, "$0.%04lld", static_cast<long long>((micros + 50) / 100));
    return buf;
}

std::string reset_text(const usage::LimitView& v, std::int64_t now_ms, const std::string& tz) {
    const std::int64_t at = v.snapshot.resets_at_ms;
    if (at <= 0) return "-";
    std::string text = usage::format_local_ms(at, tz);
    text += v.reset_passed ? " (passed)" : " (in ";
    if (!v.reset_passed) {
        text += duration_words((at - now_ms) / 1000);
        text += ')';
    }
    return text;
}

std::string observed_text(const usage::LimitView& v, std::int64_t now_ms) {
    std::string text = duration_words((now_ms - v.snapshot.observed_ms) / 1000);
    text += " ago";
    if (v.stale) text += " (stale)";
    return text;
}

}  // namespace

nlohmann::json limits_json(const std::vector<usage::LimitView>& views, std::int64_t now_ms) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : views) {
        const usage::LimitSnapshot& s = v.snapshot;
        list.push_back({
            {"source", s.source},
            {"window", s.window},
            {"window_minutes", s.window_minutes > 0 ? nlohmann::json(s.window_minutes) : nlohmann::json(nullptr)},
            {"used_percent", s.used_percent},
            {"resets_at", time_or_null(s.resets_at_ms)},
            {"resets_in_seconds", s.resets_at_ms > 0 && !v.reset_passed
                                      ? nlohmann::json((s.resets_at_ms - now_ms) / 1000)
                                      : nlohmann::json(nullptr)},
            {"reset_passed", v.reset_passed},
            {"plan", s.plan},
            {"observed_at", usage::format_utc_ms(s.observed_ms)},
            {"stale", v.stale},
            {"session_id", s.session_id},
            {"window_start", v.window_start_ms ? time_or_null(*v.window_start_ms) : nlohmann::json(nullptr)},
            {"cost_usd", usd_or_null(v.cost_micros)},
            {"cost_per_percent_usd", usd_or_null(v.cost_per_percent_micros)},
        });
    }
    return {{"now", usage::format_utc_ms(now_ms)}, {"limits", std::move(list)}};
}

std::string limits_table(const std::vector<usage::LimitView>& views, std::int64_t now_ms, const std::string& tz,
                         bool colour) {
    if (views.empty())
        return "No plan limits recorded yet. Codex CLI writes them with its token counts (rate_limits);\n"
               "Claude Code passes them to `usage-agent statusline` (Claude.ai plans).\n";
    std::string out = "Plan limits (times in ";
    out += tz;
    out += ")\n\n";
    for (const auto& v : views) {
        const usage::LimitSnapshot& s = v.snapshot;
        std::string head = s.source;
        head += "  ";
        head += s.window;
        if (!s.plan.empty()) {
            head += "  (";
            head += s.plan;
            head += ')';
        }
        if (colour) out += "\x1b[1m";
        out += escape_terminal_text(head);
        if (colour) out += "\x1b[0m";
        out += '\n';
        const auto line = [&](const char* label, const std::string& value) {
            out += "  ";
            out += pad_right(label, 16);
            out += value;
            out += '\n';
        };
        line("used", percent_text(s.used_percent) + (v.reset_passed ? " (before the reset)" : ""));
        line("resets", reset_text(v, now_ms, tz));
        if (v.cost_micros) line("spent in window", dollars(*v.cost_micros));
        line("per 1%", v.cost_per_percent_micros ? fine_dollars(*v.cost_per_percent_micros) : std::string("-"));
        line("observed", observed_text(v, now_ms));
        out += '\n';
    }
    out +=
        "per 1% = cost of the source's priced events since the window started (reset - window length),\n"
        "divided by the percent used; calls on the same plan this store never saw make it too low.\n";
    return out;
}

}  // namespace agent
