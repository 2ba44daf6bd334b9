// `usage-agent budget status`: each configured budget's period so far -
// spent, limit, percentage, forecast for the whole period and the thresholds
// whose alerts went out (docs/budgets.md).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "alerts/alert_message.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/budget/budget.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/scan/iso_time.hpp"

namespace agent {
namespace {

std::string list_text(const std::vector<int>& values) {
    if (values.empty()) return "-";
    std::string out;
    for (const int v : values) {
        if (!out.empty()) out += ',';
        out += std::to_string(v);
    }
    return out;
}

std::string percent_text(double pct) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", pct);
    return buf;
}

std::string status_table(const std::vector<usage::BudgetStatus>& statuses) {
    const std::vector<std::string> head = {"budget", "period", "spent", "limit", "%", "forecast", "fired"};
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : statuses) {
        std::string name = s.budget;
        if (s.per != usage::BudgetScope::all) {
            name += " (";
            name += s.scope.empty() ? std::string("(none)") : s.scope;
            name += ')';
        }
        std::string period = usage::budget_period_name(s.period);
        period += ' ';
        period += s.span.label;
        rows.push_back({name, period, dollars(s.spent_micros), dollars(s.limit_micros), percent_text(s.percent()),
                        dollars(s.forecast_micros), list_text(s.fired)});
    }
    std::vector<std::size_t> width(head.size());
    for (std::size_t c = 0; c < head.size(); ++c) {
        width[c] = display_width(head[c]);
        for (const auto& r : rows) width[c] = std::max(width[c], display_width(r[c]));
    }
    // Names and periods read left-aligned, amounts right-aligned.
    const auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c > 0) out += "  ";
            out += c < 2 || c == 6 ? pad_right(cells[c], width[c]) : pad_left(cells[c], width[c]);
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    std::string out = line(head);
    for (const auto& r : rows) out += line(r);
    return out;
}

}  // namespace

void BudgetCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("budget", "Budgets: what each configured budget has spent this period");
    cmd->require_subcommand(1, 1);
    status = cmd->add_subcommand("status", "Each budget's period so far: spent, limit, %, forecast, alerts sent");
    status->add_flag("--json", json, "Print the budgets as JSON");
    status->add_flag("--no-scan", no_scan, "Do not scan for new transcripts first");
    status->add_option("--at", at, "Evaluate as of this instant (ISO-8601, e.g. 2026-01-15T12:00:00Z); default: now");
    status->footer(
        "Budgets are the `budgets:` entries of the config (docs/budgets.md). Spent is the cost reports show\n"
        "for the budget's filter since the period began (day, ISO week from Monday, or calendar month, in\n"
        "the budget's time_zone or the local zone); forecast = spent * period length / time elapsed, the\n"
        "period's spend so far carried on at the same rate. Fired = the thresholds (percent of the limit)\n"
        "whose alert `run` or `serve --ingest` has delivered this period. A per-user or per-project budget\n"
        "has a line per user or project. Runs the incremental scan first (unless --no-scan).\n"
        "Examples:\n"
        "  usage-agent budget status\n"
        "  usage-agent budget status --json\n"
        "  usage-agent budget status --at 2026-01-31T18:00:00Z --no-scan");
}

int BudgetCommand::run(AppContext& ctx) const {
    std::int64_t as_of = usage::unix_now_ms();
    if (!at.empty()) {
        const auto parsed = usage::detail::parse_iso8601_ms(at);
        if (!parsed)
            throw CLI::ValidationError("--at must be an ISO-8601 time such as 2026-01-15T12:00:00Z, got '" + at + "'");
        as_of = *parsed;
    }
    const auto& budgets = ctx.config().budgets;
    if (!no_scan) run_scan(ctx, {});
    std::vector<usage::BudgetStatus> statuses;
    for (const auto& b : budgets)
        for (auto& s : usage::evaluate_budget(ctx.store(), b, as_of)) statuses.push_back(std::move(s));
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : statuses) out.push_back(alerts::status_json(s));
        std::cout << json_text(nlohmann::json{{"as_of", usage::format_utc_ms(as_of)}, {"budgets", out}}) << std::endl;
        return 0;
    }
    if (budgets.empty()) {
        std::cout << "No budgets configured: add a `budgets:` list to " << ctx.config_path().string()
                  << " (docs/budgets.md).\n";
        return 0;
    }
    std::cout << status_table(statuses);
    return 0;
}

}  // namespace agent
