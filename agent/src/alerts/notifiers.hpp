// Delivering one budget alert to one notifier (docs/budgets.md): a webhook
// POST (Slack-style JSON with `text`), a desktop notification, or a command
// with the alert JSON on stdin.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "usage/budget/budget_config.hpp"

namespace agent::alerts {

struct Delivery {
    enum class Outcome {
        delivered,    ///< recorded: never sent again this period
        failed,       ///< not recorded: tried again at the next evaluation
        unavailable,  ///< cannot ever work here (no notify-send): recorded, so it warns once
    } outcome = Outcome::failed;
    std::string message;  ///< why it failed or is unavailable
};

/// Sends `alert` (alert_json) to `notifier`. A webhook is tried 3 times
/// (0.5 s, then 1 s apart, 10 s each); a command gets 10 s. Never throws.
Delivery deliver(const usage::BudgetNotifier& notifier, const nlohmann::json& alert);

}  // namespace agent::alerts
