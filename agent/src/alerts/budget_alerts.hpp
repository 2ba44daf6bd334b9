// One evaluation of the configured budgets with delivery: what `run` does
// after each scan and `serve --ingest` after ingests (debounced).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "usage/budget/budget_config.hpp"
#include "usage/store/store.hpp"

namespace agent::alerts {

struct AlertLog {
    std::function<void(const std::string&)> info;
    std::function<void(const std::string&)> warn;
};

/// Evaluates `budgets` as of `now_ms`, sends every alert due to each notifier
/// that has not had it, and records each delivery in the store. A failed
/// notifier is logged and tried again at the next call. Returns the number
/// of deliveries recorded.
int notify_budgets(usage::Store& store, const std::vector<usage::BudgetConfig>& budgets, std::int64_t now_ms,
                   const AlertLog& log);

}  // namespace agent::alerts
