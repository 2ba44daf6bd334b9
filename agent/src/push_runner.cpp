#include "push_runner.hpp"

#include <stdexcept>

#include "progress_bar.hpp"
#include "sync_settings.hpp"
#include "usage/sync/folder_push.hpp"
#include "usage/sync/folder_url.hpp"
#include "usage/sync/outbox.hpp"

namespace agent {
namespace {

// A shared folder needs no token: whoever can write into it is trusted, as
// the folder's own sharing decides.
usage::sync::PushReport run_folder_push(AppContext& ctx, std::chrono::milliseconds min_interval) {
    const auto http = push_options(ctx, {});
    usage::sync::FolderPushOptions options;
    options.endpoint = http.endpoint;
    options.user = ctx.config().user;
    options.machine = http.machine;
    options.batch_events = http.batch_events;
    options.batch_bytes = http.batch_bytes;
    options.min_interval = min_interval;
    ProgressBar bar("pushing");
    options.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    auto report = usage::sync::push_to_folder(ctx.store(), options);
    bar.finish();
    return report;
}

}  // namespace

std::optional<usage::sync::PushReport> run_push(AppContext& ctx, std::function<void(std::chrono::milliseconds)> sleep,
                                                std::chrono::milliseconds min_folder_interval) {
    const auto& endpoint = ctx.config().sync.endpoint;
    if (endpoint.empty()) return std::nullopt;
    if (usage::sync::is_folder_url(endpoint)) return run_folder_push(ctx, min_folder_interval);
    std::optional<std::string> token;
    try {
        token = load_sync_token(ctx);
        if (!token)
            throw std::runtime_error("sync.endpoint is " + endpoint +
                                     " but no token is configured: set sync.token_file or USAGE_AGENT_TOKEN");
    } catch (const std::runtime_error& e) {
        // The scan is done and stored: report it, then why nothing was sent.
        usage::sync::PushReport report;
        report.outcome = usage::sync::PushOutcome::not_started;
        report.pending_before = report.still_queued = usage::sync::Outbox(ctx.store(), endpoint).pending();
        report.message = e.what();
        return report;
    }
    auto options = push_options(ctx, std::move(*token));
    if (sleep) options.sleep = std::move(sleep);
    ProgressBar bar("pushing");
    options.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    auto report = usage::sync::push_outbox(ctx.store(), options);
    bar.finish();
    return report;
}

nlohmann::json push_report_json(const usage::sync::PushReport& r) {
    nlohmann::json set_aside = nlohmann::json::array();
    for (const auto& s : r.set_aside) set_aside.push_back({{"id", s.event_id}, {"reason", s.reason}});
    return {{"outcome", std::string(usage::sync::outcome_name(r.outcome))},
            {"pending_before", r.pending_before.rows},
            {"sent", r.sent.rows},
            {"sent_superseded", r.sent.superseded},
            {"sent_failed", r.sent.failed},
            {"batches", r.batches},
            {"retries", r.retries},
            {"connections", r.connections},
            {"endpoint_new", r.endpoint.new_events},
            {"endpoint_updated", r.endpoint.updated},
            {"endpoint_unchanged", r.endpoint.unchanged},
            {"set_aside", std::move(set_aside)},
            {"still_queued", r.still_queued.rows},
            {"message", r.message}};
}

}  // namespace agent
