// The words and JSON fields of a budget alert, in one place so the webhook,
// the command, the desktop and the log all say the same thing.
#include "alerts/alert_message.hpp"

#include <cmath>
#include <cstdio>

#include "terminal.hpp"
#include "usage/analytics/analytics.hpp"

namespace agent::alerts {
namespace {

std::string percent_text(double pct) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", std::floor(pct));
    return buf;
}

// Two decimals, as the nearest double to the decimal (87.5, not 87.50000000000001).
double two_decimals(double v) {
    return std::round(v * 100) / 100;
}

}  // namespace

double usd(std::int64_t micros) {
    return static_cast<double>(micros) / 1e6;
}

std::string alert_text(const usage::BudgetAlert& alert) {
    const usage::BudgetStatus& s = alert.status;
    std::string out = "usage-agent: budget ";
    out += s.budget;
    if (s.per != usage::BudgetScope::all) {
        out += " (";
        out += usage::budget_scope_name(s.per);
        out += ' ';
        out += s.scope.empty() ? std::string("(none)") : s.scope;
        out += ')';
    }
    out += " reached ";
    out += std::to_string(alert.threshold);
    out += "% of ";
    out += dollars(s.limit_micros);
    out += " this ";
    out += usage::budget_period_name(s.period);
    out += " (";
    out += s.span.label;
    out += "): spent ";
    out += dollars(s.spent_micros);
    out += " (";
    out += percent_text(s.percent());
    out += "), forecast ";
    out += dollars(s.forecast_micros);
    return out;
}

nlohmann::json status_json(const usage::BudgetStatus& s) {
    return {{"budget", s.budget},
            {"per", usage::budget_scope_name(s.per)},
            {"scope", s.scope},
            {"period", usage::budget_period_name(s.period)},
            {"period_label", s.span.label},
            {"period_start", usage::format_utc_ms(s.span.start_ms)},
            {"period_end", usage::format_utc_ms(s.span.end_ms)},
            {"time_zone", s.time_zone},
            {"as_of", usage::format_utc_ms(s.as_of_ms)},
            {"spent_usd", usd(s.spent_micros)},
            {"limit_usd", usd(s.limit_micros)},
            {"percent", two_decimals(s.percent())},
            {"forecast_usd", usd(s.forecast_micros)},
            {"thresholds_crossed", s.crossed},
            {"thresholds_fired", s.fired}};
}

nlohmann::json alert_json(const usage::BudgetAlert& alert) {
    nlohmann::json j = status_json(alert.status);
    j.erase("thresholds_crossed");
    j.erase("thresholds_fired");
    j["threshold"] = alert.threshold;
    j["text"] = alert_text(alert);
    return j;
}

}  // namespace agent::alerts
