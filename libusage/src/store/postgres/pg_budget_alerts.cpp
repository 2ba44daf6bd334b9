// The budget alerts delivered (schema migration 9): what keeps an alert
// from going out twice to a notifier in one period, whichever replica sends it.
#include "store/postgres/pg_backend.hpp"

namespace usage::pg {

void PgBackend::record_budget_delivery(const BudgetDelivery& d) {
    auto conn = lease();
    conn->exec(
        "INSERT INTO budget_alerts (budget, scope, period_start_ms, threshold, notifier, delivered_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        {d.budget, d.scope, d.period_start_ms, d.threshold, d.notifier, d.delivered_ms});
}

std::vector<BudgetDelivery> PgBackend::budget_deliveries(const std::string& budget,
                                                         std::int64_t period_start_ms) const {
    auto conn = lease();
    const Result r = conn->exec(
        "SELECT scope, threshold, notifier, delivered_ms FROM budget_alerts WHERE budget = $1 AND "
        "period_start_ms = $2 ORDER BY scope, threshold, notifier",
        {budget, period_start_ms});
    std::vector<BudgetDelivery> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(
            {budget, r.string(i, 0), period_start_ms, static_cast<int>(r.int64(i, 1)), r.string(i, 2), r.int64(i, 3)});
    return out;
}

}  // namespace usage::pg
