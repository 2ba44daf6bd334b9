// The team budgets of `serve --ingest`: evaluated on the endpoint's own
// store after ingests, at most every few seconds (a burst of pushes from a
// team is one evaluation), on a thread of their own so neither ingest nor
// reads wait for a webhook.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "usage/budget/budget_config.hpp"
#include "usage/store/store.hpp"

namespace agent::alerts {

class ServeBudgets {
public:
    using OpenStore = std::function<std::unique_ptr<usage::Store>()>;

    /// Evaluates once at start (alerts owed from before a restart), then
    /// after ingests (poke), at most every `gap`, and every `idle` anyway so
    /// a failed delivery is tried again.
    ServeBudgets(OpenStore open, std::vector<usage::BudgetConfig> budgets,
                 std::chrono::milliseconds gap = std::chrono::seconds(2),
                 std::chrono::milliseconds idle = std::chrono::minutes(5));
    ~ServeBudgets();  ///< stops and joins the thread (a delivery in flight finishes first)
    ServeBudgets(const ServeBudgets&) = delete;
    ServeBudgets& operator=(const ServeBudgets&) = delete;

    /// New usage is stored: evaluate soon. Thread-safe, never blocks.
    void poke();

private:
    void loop();
    OpenStore open_;
    std::vector<usage::BudgetConfig> budgets_;
    std::chrono::milliseconds gap_, idle_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool dirty_ = true;
    bool stop_ = false;
    std::thread thread_;  ///< last: started once everything above exists
};

}  // namespace agent::alerts
