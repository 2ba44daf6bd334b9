#include "push_runner.hpp"

#include <stdexcept>

#include "progress_bar.hpp"
#include "sync_settings.hpp"

namespace agent {

std::string_view to_string(usage::sync::PushOutcome outcome) {
    using usage::sync::PushOutcome;
    switch (outcome) {
        case PushOutcome::nothing_to_send: return "nothing_to_send";
        case PushOutcome::delivered: return "delivered";
        case PushOutcome::auth_refused: return "auth_refused";
        case PushOutcome::refused: return "refused";
        case PushOutcome::unreachable: return "unreachable";
    }
    return "unknown";
}

std::optional<usage::sync::PushReport> run_push(AppContext& ctx) {
    const auto& endpoint = ctx.config().sync.endpoint;
    if (endpoint.empty()) return std::nullopt;
    auto token = load_sync_token(ctx);
    if (!token)
        throw std::runtime_error("sync.endpoint is " + endpoint +
                                 " but no token is configured: set sync.token_file or USAGE_AGENT_TOKEN");
    auto options = push_options(ctx, std::move(*token));
    ProgressBar bar("pushing");
    options.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    auto report = usage::sync::push_outbox(ctx.store(), options);
    bar.finish();
    return report;
}

nlohmann::json push_report_json(const usage::sync::PushReport& r) {
    return {{"outcome", std::string(to_string(r.outcome))},
            {"pending_before", r.pending_before},
            {"sent", r.sent},
            {"batches", r.batches},
            {"retries", r.retries},
            {"endpoint_new", r.endpoint.new_events},
            {"endpoint_updated", r.endpoint.updated},
            {"endpoint_unchanged", r.endpoint.unchanged},
            {"still_queued", r.still_queued},
            {"message", r.message}};
}

}  // namespace agent
