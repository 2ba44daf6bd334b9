// usage/budget/budget_config.hpp — one entry of the config's `budgets:` list
// (docs/budgets.md): a spending limit over a calendar period, the
// thresholds that raise an alert, which usage counts and where alerts go.
// Plain data, so the config's option values can hold it without pulling in
// the store or analytics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace usage {

enum class BudgetPeriod { day, week, month };

/// Whose spend one budget entry watches: everyone's together, or each user's
/// (each project's) apart, each with its own alerts. `user` and `project`
/// are for a team endpoint, where several users' usage is stored.
enum class BudgetScope { all, user, project };

struct BudgetNotifier {
    enum class Kind { webhook, desktop, command } kind = Kind::webhook;
    std::string url;                ///< webhook
    std::vector<std::string> argv;  ///< command: program and arguments, no shell

    /// Names this notifier in the store's delivery records: a notifier added
    /// later gets the alerts already delivered to the others.
    [[nodiscard]] std::string key() const;
};

/// The usage a budget counts: empty fields match everything (the meaning of
/// usage::Filters, which evaluation turns it into).
struct BudgetFilter {
    std::string source;
    std::string model;  ///< substring of the model id
    std::string project;
    std::string repository;
    std::string machine;
    std::string user;
};

struct BudgetConfig {
    std::string name;
    BudgetPeriod period = BudgetPeriod::day;
    std::string time_zone;  ///< IANA zone of the period's bounds; empty: the local zone
    double limit_usd = 0;
    std::vector<int> thresholds = {50, 80, 100};  ///< percent of the limit, ascending, each once
    BudgetFilter filter;
    BudgetScope per = BudgetScope::all;
    std::vector<BudgetNotifier> notify;

    [[nodiscard]] std::int64_t limit_micros() const;
};

const char* budget_period_name(BudgetPeriod period);
const char* budget_scope_name(BudgetScope scope);

}  // namespace usage
