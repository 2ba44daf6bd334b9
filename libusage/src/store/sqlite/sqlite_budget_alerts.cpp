// The budget alerts delivered (schema migration 11): what keeps an alert
// from going out twice to a notifier in one period.
#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite/sqlite_backend.hpp"

namespace usage::detail {

void SqliteBackend::record_budget_delivery(const BudgetDelivery& d) {
    SQLite::Statement st(*db_,
                         "INSERT OR IGNORE INTO budget_alerts (budget, scope, period_start_ms, threshold, notifier, "
                         "delivered_ms) VALUES (?, ?, ?, ?, ?, ?)");
    st.bind(1, d.budget);
    st.bind(2, d.scope);
    st.bind(3, static_cast<std::int64_t>(d.period_start_ms));
    st.bind(4, d.threshold);
    st.bind(5, d.notifier);
    st.bind(6, static_cast<std::int64_t>(d.delivered_ms));
    st.exec();
}

std::vector<BudgetDelivery> SqliteBackend::budget_deliveries(const std::string& budget,
                                                             std::int64_t period_start_ms) const {
    SQLite::Statement st(*db_,
                         "SELECT scope, threshold, notifier, delivered_ms FROM budget_alerts WHERE budget = ? AND "
                         "period_start_ms = ? ORDER BY scope, threshold, notifier");
    st.bind(1, budget);
    st.bind(2, static_cast<std::int64_t>(period_start_ms));
    std::vector<BudgetDelivery> out;
    while (st.executeStep())
        out.push_back({budget, st.getColumn(0).getString(), period_start_ms, st.getColumn(1).getInt(),
                       st.getColumn(2).getString(), st.getColumn(3).getInt64()});
    return out;
}

}  // namespace usage::detail
