// `usage-agent` without a command: one line each for today, this ISO week and
// this calendar month (and this year, everything), after the same scan as
// `sync --once --no-push`. Every figure comes from run_query, so a line
// equals `report summary` over the same range and stays fast on a big store
// (whole days come from the rollup, not from the events).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "report_json.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/os/wall_clock.hpp"

namespace agent {
namespace {

struct Period {
    const char* key;    ///< in --json
    const char* label;  ///< in the text line
    usage::TimeRange range;
};

// The Monday (YYYY-MM-DD) that starts the ISO week of the local day `date`:
// resolve_range names no week, and its `--since` day is resolved in the zone
// like every other range.
std::string iso_week_monday(const std::string& date) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &d) != 3)
        throw std::logic_error("not a YYYY-MM-DD date: " + date);
    const std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
    const std::chrono::year_month_day monday{day - std::chrono::days{std::chrono::weekday{day}.iso_encoding() - 1}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(monday.year()),
                  static_cast<unsigned>(monday.month()), static_cast<unsigned>(monday.day()));
    return buf;
}

std::vector<Period> periods(const std::string& tz, std::int64_t now_ms, bool year, bool all) {
    const std::string today = usage::format_local_ms(now_ms, tz, false);
    std::vector<Period> out{
        {"today", "Today", usage::resolve_range("today", "", "", tz, now_ms)},
        {"week", "Week", usage::resolve_range("", iso_week_monday(today), "", tz, now_ms)},
        {"month", "Month", usage::resolve_range("month", "", "", tz, now_ms)},
    };
    if (year) out.push_back({"year", "Year", usage::resolve_range("year", "", "", tz, now_ms)});
    if (all) out.push_back({"all", "All", {}});
    return out;
}

std::string glance_line(const std::string& label, const usage::Totals& t) {
    return label + ": " + compact(t.total_tokens()) + " tk | " + dollars(t.cost_micros) +
           (t.unpriced_events > 0 ? "*" : "") + " | " + with_commas(t.sessions) + " sess";
}

}  // namespace

void GlanceCommand::setup(CLI::App& app) {
    const std::string group = "Without a command (today, this week, this month)";
    options = {
        app.add_flag("--year", year, "Add a Year: line (this calendar year)"),
        app.add_flag("--all", all, "Add an All: line (everything in the store)"),
        app.add_option("--model", model, "Only models whose id contains this text (case-insensitive)"),
        app.add_flag("--full", full, "Per-model lines under each line"),
        app.add_flag("--json", json, "Each line as `report summary --json` over its range (docs/cli.md)"),
        app.add_option("--tz", tz, "IANA time zone of the days, weeks and months (default: $TZ, else local)")
            ->check(non_empty()),
        app.add_flag("--no-scan", no_scan, "Do not scan for new transcripts first"),
    };
    for (CLI::Option* o : options) o->group(group);
}

const CLI::Option* GlanceCommand::given() const {
    for (const CLI::Option* o : options)
        if (o->count() > 0) return o;
    return nullptr;
}

int GlanceCommand::run(AppContext& ctx) const {
    const std::string zone = tz.empty() ? usage::local_time_zone() : tz;
    std::vector<Period> lines;
    try {
        lines = periods(zone, usage::unix_now_ms(), year, all);
    } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--tz", e.what());
    }
    if (!no_scan) scan_and_record(ctx, {});

    nlohmann::json out = nlohmann::json::object();
    std::string text;
    bool unpriced = false;
    for (const Period& p : lines) {
        usage::Query q;
        q.tz = zone;
        q.range = p.range;
        q.filters.model = model;
        // By model, the rows are the --full breakdown and the totals the line.
        q.group = full ? usage::GroupBy::model : usage::GroupBy::none;
        const usage::Report report = usage::run_query(ctx.store(), q);
        if (json) {
            out[p.key] = report_json(report, false, ctx.store().prices_if_set());
            continue;
        }
        text += glance_line(p.label, report.totals) + "\n";
        for (const auto& row : report.rows)
            text += "  " + glance_line(escape_terminal_text(row.key.empty() ? "(none)" : row.key), row.totals) + "\n";
        unpriced = unpriced || report.totals.unpriced_events > 0;
    }
    if (json) {
        std::cout << json_text(out) << "\n";
        return 0;
    }
    if (unpriced) text += "* excludes events whose model has no known price (see `usage-agent prices`)\n";
    std::cout << text;
    return 0;
}

}  // namespace agent
