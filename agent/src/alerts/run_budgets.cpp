// The run loop's one call into budgets, kept here so run_loop.cpp only says when.
#include "alerts/run_budgets.hpp"

#include "alerts/budget_alerts.hpp"
#include "usage/os/wall_clock.hpp"

namespace agent::alerts {

void check_budgets(AppContext& ctx, const RunLog& log) noexcept {
    try {
        if (ctx.config().budgets.empty()) return;
        notify_budgets(
            ctx.store(), ctx.config().budgets, usage::unix_now_ms(),
            {[&log](const std::string& line) { log.info(line); }, [&log](const std::string& line) { log.warn(line); }});
    } catch (const std::exception& e) {
        log.error("budgets: not evaluated, tried again after the next scan: " + std::string(e.what()));
    } catch (...) {
        log.error("budgets: not evaluated, tried again after the next scan");
    }
}

}  // namespace agent::alerts
