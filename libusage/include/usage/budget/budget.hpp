// usage/budget/budget.hpp — evaluating budgets (docs/budgets.md): what a
// budget's period has spent so far, the forecast for the whole period, and
// which thresholds are crossed and still owe an alert to a notifier.
//
// Spend is run_query's cost over the period (rollups, so evaluating is fast
// enough for the statusline) with the budget's filter: the figure reports
// show. Which alerts were delivered is in the store
// (Store::budget_deliveries), so a restart repeats none; the notifiers
// themselves are the caller's (agent/src/alerts/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "usage/budget/budget_config.hpp"
#include "usage/store/store.hpp"

namespace usage {

/// One calendar period: [start_ms, end_ms) in UTC.
struct BudgetPeriodSpan {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::string label;  ///< 2026-01-15, 2026-W03 (ISO week, from Monday) or 2026-01
};

/// The period of kind `period` in `tz` that holds `at_ms`. Throws
/// std::invalid_argument for an unknown zone.
BudgetPeriodSpan budget_period(BudgetPeriod period, const std::string& tz, std::int64_t at_ms);

/// The zone a budget's periods are in: its time_zone, else the local one.
std::string budget_time_zone(const BudgetConfig& budget);

/// spent at the same rate for the rest of the period:
/// spent * (end - start) / (as_of - start), rounded to the nearest micro-dollar.
std::int64_t budget_forecast_micros(std::int64_t spent_micros, const BudgetPeriodSpan& span, std::int64_t as_of_ms);

/// The notifiers' keys (BudgetNotifier::key()) an alert of `budget` goes
/// to; `log` alone when it has none (the alert is only logged).
std::vector<std::string> budget_notifier_keys(const BudgetConfig& budget);

/// A budget's state in the period holding `as_of_ms`, for one scope.
struct BudgetStatus {
    std::string budget;
    BudgetScope per = BudgetScope::all;
    std::string scope;  ///< the user or project of a per-user or per-project budget; '' for `all`
    BudgetPeriod period = BudgetPeriod::day;
    std::string time_zone;
    BudgetPeriodSpan span;
    std::int64_t as_of_ms = 0;
    std::int64_t spent_micros = 0;  ///< cost of the period's usage before as_of_ms
    std::int64_t limit_micros = 0;
    std::int64_t forecast_micros = 0;
    std::vector<int> crossed;  ///< thresholds reached, ascending
    std::vector<int> fired;    ///< of `crossed`, those delivered to every notifier

    /// spent as a percentage of the limit.
    [[nodiscard]] double percent() const;
};

/// The budget's state as of `as_of_ms`: one status for `per: all`, one per
/// user (project) with usage in the period otherwise, ordered by scope.
std::vector<BudgetStatus> evaluate_budget(const Store& store, const BudgetConfig& budget, std::int64_t as_of_ms);

/// A crossed threshold that still owes an alert to some notifiers.
struct BudgetAlert {
    BudgetStatus status;
    int threshold = 0;
    std::vector<std::string> pending;  ///< notifier keys (budget_notifier_keys) not delivered yet
};

/// Every alert `budgets` owe as of `as_of_ms`, one per crossed threshold
/// (several thresholds crossed at once give several alerts, ascending).
std::vector<BudgetAlert> due_budget_alerts(const Store& store, const std::vector<BudgetConfig>& budgets,
                                           std::int64_t as_of_ms);

}  // namespace usage
