// Names and figures of a budget entry that both the config and evaluation use.
#include "usage/budget/budget_config.hpp"

#include <cmath>

namespace usage {

std::string BudgetNotifier::key() const {
    switch (kind) {
        case Kind::webhook: return "webhook " + url;
        case Kind::desktop: return "desktop";
        case Kind::command: break;
    }
    std::string out = "command";
    for (const auto& arg : argv) {
        out += ' ';
        out += arg;
    }
    return out;
}

std::int64_t BudgetConfig::limit_micros() const {
    return std::llround(limit_usd * 1e6);
}

const char* budget_period_name(BudgetPeriod period) {
    switch (period) {
        case BudgetPeriod::week: return "week";
        case BudgetPeriod::month: return "month";
        case BudgetPeriod::day: break;
    }
    return "day";
}

const char* budget_scope_name(BudgetScope scope) {
    switch (scope) {
        case BudgetScope::user: return "user";
        case BudgetScope::project: return "project";
        case BudgetScope::all: break;
    }
    return "all";
}

}  // namespace usage
