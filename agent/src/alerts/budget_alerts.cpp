// Evaluate, deliver, record: the order that makes each alert arrive once. A
// delivery is recorded only after the notifier has taken it, so a crash in
// between sends it again (at least once) rather than losing it.
#include "alerts/budget_alerts.hpp"

#include <algorithm>

#include "alerts/alert_message.hpp"
#include "alerts/notifiers.hpp"
#include "usage/budget/budget.hpp"

namespace agent::alerts {

int notify_budgets(usage::Store& store, const std::vector<usage::BudgetConfig>& budgets, std::int64_t now_ms,
                   const AlertLog& log) {
    if (budgets.empty()) return 0;
    int recorded = 0;
    for (const auto& alert : usage::due_budget_alerts(store, budgets, now_ms)) {
        const auto& budget = *std::find_if(budgets.begin(), budgets.end(),
                                           [&](const usage::BudgetConfig& b) { return b.name == alert.status.budget; });
        const nlohmann::json body = alert_json(alert);
        const auto record = [&](const std::string& key) {
            store.record_budget_delivery(
                {alert.status.budget, alert.status.scope, alert.status.span.start_ms, alert.threshold, key, now_ms});
            ++recorded;
        };
        for (const auto& key : alert.pending) {
            if (key == "log") {
                log.info("budget alert: " + alert_text(alert));
                record(key);
                continue;
            }
            const auto notifier = std::find_if(budget.notify.begin(), budget.notify.end(),
                                               [&](const usage::BudgetNotifier& n) { return n.key() == key; });
            if (notifier == budget.notify.end()) continue;
            const Delivery d = deliver(*notifier, body);
            switch (d.outcome) {
                case Delivery::Outcome::delivered:
                    log.info("budget alert sent (" + key + "): " + alert_text(alert));
                    record(key);
                    break;
                case Delivery::Outcome::unavailable:
                    log.warn("budget alert " + budget.name + ": " + d.message);
                    record(key);
                    break;
                case Delivery::Outcome::failed:
                    log.warn("budget alert " + budget.name +
                             " not delivered, tried again at the next evaluation: " + d.message);
                    break;
            }
        }
    }
    return recorded;
}

}  // namespace agent::alerts
