// The budgets part of the statusline: `claude-daily 64%` for each budget of
// the config that counts this session's usage (its filter matches the
// session's source, model and project). Read from the rollups like today's
// cost, so the line stays within its few milliseconds.
#pragma once

#include <string>
#include <vector>

#include "statusline/statusline_input.hpp"
#include "usage/budget/budget_config.hpp"
#include "usage/store/store.hpp"

namespace agent {

/// Whether `budget` counts usage of the Claude Code session `in` describes:
/// a budget for everyone whose source, model and project filters (when
/// set) match it. Per-user and per-project budgets are a team endpoint's.
bool budget_covers_session(const usage::BudgetConfig& budget, const StatuslineInput& in);

/// "name 64%" for each budget covering the session, in config order.
std::vector<std::string> budget_parts(const usage::Store& store, const std::vector<usage::BudgetConfig>& budgets,
                                      const StatuslineInput& in, std::int64_t now_ms);

}  // namespace agent
