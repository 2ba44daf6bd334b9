// Budget evaluation: the period's bounds in the budget's zone, its spend
// from run_query, the forecast, and the thresholds crossed and delivered.
#include "usage/budget/budget.hpp"

#include <date/iso_week.h>
#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "analytics/time_zone.hpp"
#include "usage/analytics/analytics.hpp"

namespace usage {
namespace {

Filters filters_of(const BudgetFilter& f) {
    Filters out;
    out.source = f.source;
    out.model = f.model;
    out.project = f.project;
    out.repository = f.repository;
    out.machine = f.machine;
    out.user = f.user;
    return out;
}

GroupBy group_of(BudgetScope per) {
    switch (per) {
        case BudgetScope::user: return GroupBy::user;
        case BudgetScope::project: return GroupBy::project;
        case BudgetScope::all: break;
    }
    return GroupBy::none;
}

}  // namespace

BudgetPeriodSpan budget_period(BudgetPeriod period, const std::string& tz_name, std::int64_t at_ms) {
    using Ms = std::chrono::milliseconds;
    const date::time_zone* tz = detail::zone(tz_name);
    const auto today = date::floor<date::days>(tz->to_local(date::sys_time<Ms>{Ms{at_ms}}));
    date::local_days first = today, next = today + date::days{1};
    char kind = 'd';
    if (period == BudgetPeriod::week) {
        // ISO weeks start on Monday, as `report --group week` buckets them.
        const iso_week::year_weeknum_weekday iw{today};
        first = date::local_days{iso_week::year_weeknum_weekday{iw.year(), iw.weeknum(), iso_week::mon}};
        next = first + date::days{7};
        kind = 'w';
    } else if (period == BudgetPeriod::month) {
        const date::year_month_day ymd{today};
        first = date::local_days{ymd.year() / ymd.month() / 1};
        next = date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
        kind = 'm';
    }
    BudgetPeriodSpan span;
    span.start_ms = detail::local_midnight_ms(tz, first);
    span.end_ms = detail::local_midnight_ms(tz, next);
    span.label = detail::bucket_key(span.start_ms, tz, kind);
    return span;
}

std::string budget_time_zone(const BudgetConfig& budget) {
    return budget.time_zone.empty() ? local_time_zone() : budget.time_zone;
}

std::int64_t budget_forecast_micros(std::int64_t spent_micros, const BudgetPeriodSpan& span, std::int64_t as_of_ms) {
    const std::int64_t elapsed = std::max<std::int64_t>(1, as_of_ms - span.start_ms);
    const std::int64_t length = span.end_ms - span.start_ms;
    if (elapsed >= length) return spent_micros;  // the period is over: its spend is final
    // long double: spent (up to 2^63) times a month in ms would leave 64 bits.
    const long double f =
        static_cast<long double>(spent_micros) * static_cast<long double>(length) / static_cast<long double>(elapsed);
    return f >= 9.2e18L ? INT64_MAX : std::llround(f);
}

std::vector<std::string> budget_notifier_keys(const BudgetConfig& budget) {
    std::vector<std::string> out;
    for (const auto& n : budget.notify) out.push_back(n.key());
    if (out.empty()) out.push_back("log");
    return out;
}

double BudgetStatus::percent() const {
    return limit_micros > 0 ? static_cast<double>(spent_micros) * 100.0 / static_cast<double>(limit_micros) : 0.0;
}

std::vector<BudgetStatus> evaluate_budget(const Store& store, const BudgetConfig& budget, std::int64_t as_of_ms) {
    BudgetStatus base;
    base.budget = budget.name;
    base.per = budget.per;
    base.period = budget.period;
    base.time_zone = budget_time_zone(budget);
    base.span = budget_period(budget.period, base.time_zone, as_of_ms);
    base.as_of_ms = as_of_ms;
    base.limit_micros = budget.limit_micros();

    Query q;
    q.tz = base.time_zone;
    q.range.since_ms = base.span.start_ms;
    q.range.until_ms = as_of_ms;
    q.filters = filters_of(budget.filter);
    q.group = group_of(budget.per);
    const Report report = run_query(store, q);

    std::vector<std::pair<std::string, std::int64_t>> spends;
    if (budget.per == BudgetScope::all)
        spends.emplace_back("", report.totals.cost_micros);
    else
        for (const auto& row : report.rows) spends.emplace_back(row.key, row.totals.cost_micros);
    std::sort(spends.begin(), spends.end());

    const auto deliveries = store.budget_deliveries(budget.name, base.span.start_ms);
    const auto keys = budget_notifier_keys(budget);
    std::vector<BudgetStatus> out;
    for (const auto& [scope, spent] : spends) {
        BudgetStatus s = base;
        s.scope = scope;
        s.spent_micros = spent;
        s.forecast_micros = budget_forecast_micros(spent, s.span, as_of_ms);
        for (const int t : budget.thresholds) {
            // spent/limit >= t%, without the rounding of a division.
            if (static_cast<long double>(spent) * 100 < static_cast<long double>(t) * s.limit_micros) continue;
            s.crossed.push_back(t);
            const bool all_delivered = std::all_of(keys.begin(), keys.end(), [&](const std::string& key) {
                return std::any_of(deliveries.begin(), deliveries.end(), [&](const BudgetDelivery& d) {
                    return d.scope == s.scope && d.threshold == t && d.notifier == key;
                });
            });
            if (all_delivered) s.fired.push_back(t);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<BudgetAlert> due_budget_alerts(const Store& store, const std::vector<BudgetConfig>& budgets,
                                           std::int64_t as_of_ms) {
    std::vector<BudgetAlert> out;
    for (const auto& budget : budgets) {
        const auto keys = budget_notifier_keys(budget);
        for (const auto& status : evaluate_budget(store, budget, as_of_ms)) {
            if (status.crossed.size() == status.fired.size()) continue;
            const auto deliveries = store.budget_deliveries(budget.name, status.span.start_ms);
            for (const int t : status.crossed) {
                BudgetAlert alert{status, t, {}};
                for (const auto& key : keys)
                    if (std::none_of(deliveries.begin(), deliveries.end(), [&](const BudgetDelivery& d) {
                            return d.scope == status.scope && d.threshold == t && d.notifier == key;
                        }))
                        alert.pending.push_back(key);
                if (!alert.pending.empty()) out.push_back(std::move(alert));
            }
        }
    }
    return out;
}

}  // namespace usage
