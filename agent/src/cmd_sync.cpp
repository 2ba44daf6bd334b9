// `usage-agent sync --once`: scan every enabled source into the store.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "daemon/run_state_file.hpp"
#include "empty_home.hpp"
#include "exporters/otlp_runner.hpp"
#include "json_text.hpp"
#include "progress_bar.hpp"
#include "push_runner.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/scan/source.hpp"

namespace agent {

void SyncCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("sync", "Scan transcripts of every enabled source into the local store");
    cmd->footer(
        "Reads only what changed since the last run (per-file cursors). Events are deduplicated by\n"
        "message id, so running it again never double counts. When sync.endpoint is configured, new and\n"
        "changed events are then pushed to it (see docs/sync-protocol.md); a failed push leaves them\n"
        "queued for the next run and exits with status 1. When exporters.otlp.endpoint is configured, they are\n"
        "also exported there as OpenTelemetry logs and metrics (see docs/otlp.md), with the same rules.\n"
        "Examples:\n"
        "  usage-agent sync --once                                 scan, then push if an endpoint is set\n"
        "  usage-agent sync --once --no-push --json                scan only, statistics as JSON\n"
        "  usage-agent sync --once --source cursor --full-rescan   read every Cursor file again");
    cmd->add_flag("--once", once, "Run one scan (and push) and exit (the only mode of sync)");
    cmd->add_flag(
        "--no-push", no_push,
        "Do not push to sync.endpoint nor export to exporters.otlp.endpoint after scanning (events stay queued)");
    cmd->add_option("--source", sources, "Only scan this source (repeatable)");
    cmd->add_flag("--full-rescan", full_rescan,
                  "Read every file again from the start (running-total sources keep what they counted)");
    cmd->add_flag("--json", json, "Print per-source statistics as JSON");
}

std::vector<usage::SourceScanStats> run_scan(AppContext& ctx, const usage::ScanOptions& base) {
    ProgressBar bar("scanning");
    usage::ScanOptions options = base;
    options.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    auto stats = usage::scan_sources(ctx.store(), ctx.config(), ctx.env(), options);
    bar.finish();
    // File names and model ids come from disk: escaped like every table cell.
    for (const auto& s : stats) {
        for (const auto& err : s.errors)
            std::cerr << "warning: " << s.source << ": " << escape_terminal_text(err) << "\n";
        for (const auto& w : s.warnings) std::cerr << "warning: " << escape_terminal_text(w) << "\n";
        if (s.malformed_lines > 0)
            std::cerr << "warning: " << s.source << ": skipped "
                      << with_commas(static_cast<std::int64_t>(s.malformed_lines))
                      << " malformed line(s) that looked like usage\n";
    }
    for (const auto& [model, count] : ctx.store().unpriced_models())
        std::cerr << "warning: no price for model '" << (model.empty() ? "(empty)" : escape_terminal_text(model))
                  << "' (" << with_commas(count)
                  << " events): add it under pricing.overrides or run `usage-agent prices update`\n";
    return stats;
}

std::vector<usage::SourceScanStats> scan_and_record(AppContext& ctx, const usage::ScanOptions& options) {
    auto stats = run_scan(ctx, options);
    save_last_scan(ctx.state_dir(), summarize_scan(stats));
    return stats;
}

int SyncCommand::run(AppContext& ctx) const {
    for (const auto& s : sources)
        if (!usage::find_source_plugin(s)) throw CLI::ValidationError("--source", "unknown source '" + s + "'");
    usage::ScanOptions options;
    options.only_sources = sources;
    options.full_rescan = full_rescan;
    auto stats = scan_and_record(ctx, options);
    std::optional<usage::sync::PushReport> push;
    if (!no_push) push = run_push(ctx);
    const bool push_failed = push && push->outcome != usage::sync::PushOutcome::delivered &&
                             push->outcome != usage::sync::PushOutcome::nothing_to_send;
    // A push that failed does not hold back the export: each has its own mark.
    std::optional<usage::sync::OtlpReport> otlp;
    if (!no_push) otlp = run_otlp_export(ctx);
    const bool otlp_error = otlp && otlp_failed(*otlp);
    auto tell_otlp_error = [&] {
        if (otlp_error) std::cerr << "usage-agent: otlp: " << escape_terminal_text(otlp->message) << "\n";
    };
    if (push)
        for (const auto& s : push->set_aside)
            std::cerr << "warning: push: the endpoint refused " << s.event_id
                      << "; set aside until it changes: " << s.reason << "\n";
    if (json) {
        nlohmann::json per_source = nlohmann::json::array();
        for (const auto& s : stats)
            per_source.push_back({{"source", s.source},
                                  {"files_seen", s.files_seen},
                                  {"files_read", s.files_read},
                                  {"events_read", s.events_read},
                                  {"events_new", s.events_new},
                                  {"failures_new", s.failures_new},
                                  {"events_updated", s.events_updated},
                                  {"events_superseded", s.events_superseded},
                                  {"bytes_read", s.bytes_read},
                                  {"malformed_lines", s.malformed_lines},
                                  {"events_invalid", s.events_invalid},
                                  {"errors", s.errors},
                                  {"warnings", s.warnings},
                                  {"seconds", s.seconds}});
        nlohmann::json out{{"sources", std::move(per_source)},
                           {"push", push ? push_report_json(*push) : nlohmann::json(nullptr)},
                           {"otlp", otlp ? otlp_report_json(*otlp) : nlohmann::json(nullptr)}};
        std::cout << json_text(out) << "\n";
        if (push_failed) std::cerr << "usage-agent: push: " << escape_terminal_text(push->message) << "\n";
        tell_otlp_error();
        return push_failed || otlp_error ? 1 : 0;
    }
    const bool nothing_found =
        !stats.empty() && std::all_of(stats.begin(), stats.end(), [](const auto& s) { return s.files_seen == 0; });
    if (nothing_found)
        std::cout << empty_home_message(ctx, "no transcripts found in the folders each source looks in:", sources);
    else
        for (const auto& s : stats) {
            char secs[32];
            std::snprintf(secs, sizeof secs, "%.2f s", s.seconds);
            std::cout << s.source << ": " << with_commas(static_cast<std::int64_t>(s.files_read)) << " of "
                      << with_commas(static_cast<std::int64_t>(s.files_seen)) << " files read, "
                      << with_commas(static_cast<std::int64_t>(s.events_new))
                      << (s.events_new == 1 ? " new event, " : " new events, ")
                      << with_commas(static_cast<std::int64_t>(s.events_updated)) << " updated, ";
            if (s.events_superseded > 0)
                std::cout << with_commas(static_cast<std::int64_t>(s.events_superseded)) << " superseded, ";
            if (s.failures_new > 0)
                std::cout << with_commas(static_cast<std::int64_t>(s.failures_new))
                          << (s.failures_new == 1 ? " failed request, " : " failed requests, ");
            if (s.events_invalid > 0)
                std::cout << with_commas(static_cast<std::int64_t>(s.events_invalid)) << " invalid, ";
            std::cout << human_bytes(s.bytes_read) << " in " << secs << "\n";
        }
    if (push_failed)
        std::cerr << "usage-agent: push: " << escape_terminal_text(push->message) << "\n";
    else if (push)
        std::cout << "push: " << escape_terminal_text(push->message) << "\n";
    tell_otlp_error();
    if (otlp && !otlp_error) std::cout << "otlp: " << escape_terminal_text(otlp->message) << "\n";
    return push_failed || otlp_error ? 1 : 0;
}

}  // namespace agent
