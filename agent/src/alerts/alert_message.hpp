// What a budget alert says: one line of text for people (Slack's `text`,
// the desktop notification, the run log) and the JSON a webhook receives and
// a command reads on stdin (docs/budgets.md lists its fields).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "usage/budget/budget.hpp"

namespace agent::alerts {

/// "usage-agent: budget claude-daily (user alice) reached 80% of $20.00 this
/// day (2026-01-15): spent $16.40, forecast $25.10".
std::string alert_text(const usage::BudgetAlert& alert);

/// The alert as JSON: text, budget, per, scope, period, period_label,
/// period_start, period_end, time_zone, threshold, spent_usd, limit_usd,
/// percent, forecast_usd, as_of.
nlohmann::json alert_json(const usage::BudgetAlert& alert);

/// A budget status as JSON (`budget status --json`, one entry).
nlohmann::json status_json(const usage::BudgetStatus& status);

/// Micro-dollars as a JSON number of dollars (6 decimals at most).
double usd(std::int64_t micros);

}  // namespace agent::alerts
