// `usage-agent report VIEW`: analytics over the local store.
#include <chrono>
#include <iostream>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "empty_home.hpp"
#include "json_text.hpp"
#include "report_limits.hpp"
#include "report_render.hpp"
#include "terminal.hpp"
#include "usage/os/wall_clock.hpp"

namespace agent {
namespace {

struct ViewSpec {
    const char* view;
    usage::GroupBy group;
};

constexpr ViewSpec kViews[] = {
    {"summary", usage::GroupBy::source},   {"daily", usage::GroupBy::day},
    {"weekly", usage::GroupBy::week},      {"monthly", usage::GroupBy::month},
    {"hourly", usage::GroupBy::hour},      {"sessions", usage::GroupBy::session},
    {"models", usage::GroupBy::model},     {"sources", usage::GroupBy::source},
    {"projects", usage::GroupBy::project}, {"machines", usage::GroupBy::machine},
    {"users", usage::GroupBy::user},       {"repositories", usage::GroupBy::repository},
};

}  // namespace

void ReportCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("report", "Show usage and cost from the local store");
    std::vector<std::string> names;
    for (const auto& v : kViews) names.emplace_back(v.view);
    names.emplace_back("limits");
    cmd->add_option("view", view, "What to group by, or `limits`: the plans' rate-limit windows")
        ->check(one_of("view", names))
        ->capture_default_str();
    cmd->add_flag("--json", json, "Machine-readable JSON (shape documented in docs/cli.md)");
    cmd->add_flag("--csv", csv, "CSV with one row per key and a TOTAL row");
    cmd->add_option("--range", range, "today, 24h, 7d, 30d, month, year or all (default: all)")
        ->check(one_of("range", {"today", "24h", "7d", "30d", "month", "year", "all"}));
    cmd->add_option("--since", since, "First day, YYYY-MM-DD (in --tz)");
    cmd->add_option("--until", until, "Last day, YYYY-MM-DD, inclusive (in --tz)");
    cmd->add_option("--source", source, "Only this source (claude-code, codex-cli, ...)");
    cmd->add_option("--model", model, "Only models whose id contains this text");
    cmd->add_option("--project", project, "Only this project name");
    cmd->add_option("--machine", machine, "Only this machine (name or id)");
    cmd->add_option("--user", user, "Only this user");
    cmd->add_option("--repository", repository, "Only this git remote URL (as `report repositories` lists it)");
    cmd->add_option("--tz", tz, "IANA time zone for day/hour buckets and ranges (default: $TZ, else local)")
        ->check(non_empty());
    cmd->add_option("--limit", limit, "At most this many rows (at least 1)")->check(integer_at_least(1));
    cmd->add_flag("--full", full, "Add per-model and per-token-type breakdowns");
    cmd->add_flag("--failures", failures,
                  "Show requests, failed requests (the tool wrote an error instead of an answer) and their share "
                  "per row instead of tokens and cost (--json and --csv always carry failed_requests)");
    cmd->add_flag("--no-scan", no_scan, "Do not scan for new transcripts first");
    cmd->footer(
        "Runs the incremental scan first (unless --no-scan), so a report is always current.\n"
        "Costs marked * exclude events whose model has no known price. Failed requests count in no\n"
        "column but their own (see --failures).\n"
        "Examples:\n"
        "  usage-agent report daily --range 30d --tz Europe/Berlin   cost per day, last 30 days\n"
        "  usage-agent report models --json                          per model, stable JSON\n"
        "  usage-agent report sessions --full --limit 20             the 20 latest sessions, per model\n"
        "  usage-agent report projects --since 2026-01-01 --csv      per project since a day, as CSV\n"
        "  usage-agent report repositories --range month             per git remote, this month\n"
        "  usage-agent report models --failures --range 7d           failed requests per model, last 7 days\n"
        "  usage-agent report limits                                 plan windows: use, reset, cost per 1%\n"
        "`report limits` takes --json, --source, --user, --tz and --no-scan (docs/cli.md: the formula).");
}

int ReportCommand::run(AppContext& ctx) const {
    if (view == "limits") return run_limits(ctx);
    if (json && csv) throw CLI::ValidationError("--json and --csv", "choose one output format");
    if (!range.empty() && (!since.empty() || !until.empty()))
        throw CLI::ValidationError("--range", "use either --range or --since/--until");
    usage::Query q;
    q.tz = tz.empty() ? usage::local_time_zone() : tz;
    try {
        q.range = usage::resolve_range(range.empty() ? "all" : range, since, until, q.tz, usage::unix_now_ms());
    } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError(e.what());
    }
    for (const auto& v : kViews)
        if (view == v.view) q.group = v.group;
    q.filters = {source, model, project, machine, user, repository};
    q.limit = limit;

    if (!no_scan) run_scan(ctx, {});
    usage::Report report = usage::run_query(ctx.store(), q, full);
    bool overflow = report.totals.overflow;
    for (const auto& r : report.rows) overflow = overflow || r.totals.overflow;
    if (overflow)
        std::cerr << "warning: the store holds impossible numbers: a sum does not fit in 64 bits and shows the "
                     "largest value instead (marked \"overflow\": true in --json)\n";
    if (json)
        std::cout << json_text(report_json(report, full, ctx.store().prices_if_set())) << "\n";
    else if (csv)
        std::cout << report_csv(report);
    else if (report.totals.requests() == 0 && usage::run_query(ctx.store(), usage::Query{}).totals.requests() == 0)
        std::cout << empty_home_message(ctx, "no usage found in the folders each source looks in:");
    else
        std::cout << report_table(report, {view, full, colour_enabled(), range, since, until, limit, failures});
    return 0;
}

}  // namespace agent

namespace agent {

int ReportCommand::run_limits(AppContext& ctx) const {
    // The view is the plans' windows now: a range, a grouping or CSV rows
    // have no meaning for it, and silently ignoring them would mislead.
    const std::pair<bool, const char*> refused[] = {{csv, "--csv"},
                                                    {!range.empty(), "--range"},
                                                    {!since.empty(), "--since"},
                                                    {!until.empty(), "--until"},
                                                    {!model.empty(), "--model"},
                                                    {!project.empty(), "--project"},
                                                    {!machine.empty(), "--machine"},
                                                    {!repository.empty(), "--repository"},
                                                    {limit > 0, "--limit"},
                                                    {full, "--full"},
                                                    {failures, "--failures"}};
    for (const auto& [given, name] : refused)
        if (given) throw CLI::ValidationError(name, "not available for `report limits`");
    const std::string zone = tz.empty() ? usage::local_time_zone() : tz;
    try {
        usage::validate_time_zone(zone);
    } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError(e.what());
    }
    if (!no_scan) run_scan(ctx, {});
    const std::int64_t now = usage::unix_now_ms();
    const auto views = usage::limit_views(ctx.store(), now, source, user);
    if (json)
        std::cout << json_text(limits_json(views, now)) << "\n";
    else
        std::cout << limits_table(views, now, zone, colour_enabled());
    return 0;
}

}  // namespace agent
