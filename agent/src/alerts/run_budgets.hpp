// `run`'s budget check after each scan: the configured budgets evaluated on
// the scan's store, alerts delivered, everything said in the run log.
#pragma once

#include "app_context.hpp"
#include "daemon/run_log.hpp"

namespace agent::alerts {

/// Never throws: a budget that cannot be evaluated (a store error) is
/// logged and evaluated again after the next scan.
void check_budgets(AppContext& ctx, const RunLog& log) noexcept;

}  // namespace agent::alerts
