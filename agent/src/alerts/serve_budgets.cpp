// The endpoint's budget thread. Debounced rather than per ingest: a team's
// agents push in bursts, and one evaluation after the burst sees it all.
#include "alerts/serve_budgets.hpp"

#include <iostream>

#include "alerts/budget_alerts.hpp"
#include "usage/os/wall_clock.hpp"

namespace agent::alerts {
namespace {

void say(const std::string& line) {
    std::cerr << "usage-agent serve: " << line << std::endl;
}

}  // namespace

ServeBudgets::ServeBudgets(OpenStore open, std::vector<usage::BudgetConfig> budgets, std::chrono::milliseconds gap,
                           std::chrono::milliseconds idle)
    : open_(std::move(open)), budgets_(std::move(budgets)), gap_(gap), idle_(idle), thread_([this] { loop(); }) {}

ServeBudgets::~ServeBudgets() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void ServeBudgets::poke() {
    {
        std::lock_guard lock(mutex_);
        dirty_ = true;
    }
    wake_.notify_all();
}

void ServeBudgets::loop() {
    std::unique_ptr<usage::Store> store;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, idle_, [this] { return stop_ || dirty_; });
        if (stop_) return;
        dirty_ = false;
        lock.unlock();
        try {
            if (!store) store = open_();
            notify_budgets(*store, budgets_, usage::unix_now_ms(), {say, say});
        } catch (const std::exception& e) {
            say("budgets: not evaluated, tried again after the next ingest: " + std::string(e.what()));
            store.reset();  // a broken connection is opened again next time
        }
        lock.lock();
        // The debounce: ingests in the next `gap` only mark the budgets dirty.
        wake_.wait_for(lock, gap_, [this] { return stop_; });
        if (stop_) return;
    }
}

}  // namespace agent::alerts
