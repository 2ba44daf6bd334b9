#include "exporters/otlp_status.hpp"

#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/sync/otlp_export.hpp"

namespace agent {
namespace {

nlohmann::json time_or_null(std::int64_t ms) {
    return ms == 0 ? nlohmann::json(nullptr) : nlohmann::json(usage::format_utc_ms(ms));
}

}  // namespace

nlohmann::json otlp_status_json(AppContext& ctx) {
    const auto& endpoint = ctx.config().exporters.otlp.endpoint;
    if (endpoint.empty()) return nullptr;
    usage::sync::Outbox outbox(ctx.store(), usage::sync::otlp_outbox_key(endpoint));
    const auto state = outbox.state();
    const auto waiting = outbox.pending();
    return {{"endpoint", endpoint},
            {"rows_waiting", waiting.rows},
            {"events_waiting", waiting.events()},
            {"superseded_waiting", waiting.superseded},
            {"failed_waiting", waiting.failed},
            {"last_attempt", time_or_null(state.last_attempt_ms)},
            {"last_success", time_or_null(state.last_success_ms)},
            {"last_result", state.last_result}};
}

std::string otlp_status_text(AppContext& ctx) {
    const auto& endpoint = ctx.config().exporters.otlp.endpoint;
    if (endpoint.empty()) return "otlp:      off (no exporters.otlp.endpoint configured)\n";
    usage::sync::Outbox outbox(ctx.store(), usage::sync::otlp_outbox_key(endpoint));
    const auto state = outbox.state();
    auto number = [](std::uint64_t n) { return with_commas(static_cast<std::int64_t>(n)); };
    const std::string last = state.last_attempt_ms == 0 ? "never" : usage::format_utc_ms(state.last_attempt_ms);
    const std::string ok = state.last_success_ms == 0 ? "never" : usage::format_utc_ms(state.last_success_ms);
    // The endpoint and the receiver's last answer come from outside: escaped.
    return "otlp:      " + escape_terminal_text(endpoint) + "\n" + "  last export: " + last +
           (state.last_result.empty() ? "" : " - " + escape_terminal_text(state.last_result)) + "\n" +
           "  last ok:     " + ok + "\n" + "  waiting:     " + usage::sync::describe_rows(outbox.pending(), number) +
           "\n";
}

}  // namespace agent
