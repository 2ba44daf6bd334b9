// Which budgets the statusline shows and how each reads.
#include "statusline/statusline_budgets.hpp"

#include <cmath>
#include <filesystem>

#include "usage/budget/budget.hpp"

namespace agent {

bool budget_covers_session(const usage::BudgetConfig& budget, const StatuslineInput& in) {
    if (budget.per != usage::BudgetScope::all) return false;
    const usage::BudgetFilter& f = budget.filter;
    if (!f.source.empty() && f.source != "claude-code") return false;
    if (!f.model.empty() && in.model_id.find(f.model) == std::string::npos) return false;
    // Claude Code's project is the last folder of the session's directory.
    if (!f.project.empty() && std::filesystem::path(in.cwd).filename().string() != f.project) return false;
    return true;
}

std::vector<std::string> budget_parts(const usage::Store& store, const std::vector<usage::BudgetConfig>& budgets,
                                      const StatuslineInput& in, std::int64_t now_ms) {
    std::vector<std::string> out;
    for (const auto& b : budgets) {
        if (!budget_covers_session(b, in)) continue;
        const auto statuses = usage::evaluate_budget(store, b, now_ms);
        const double pct = statuses.empty() ? 0.0 : statuses.front().percent();
        std::string part = b.name;
        part += ' ';
        part += std::to_string(static_cast<long long>(std::floor(pct)));
        part += '%';
        out.push_back(std::move(part));
    }
    return out;
}

}  // namespace agent
