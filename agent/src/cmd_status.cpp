// `usage-agent status`: where the store is, what it holds, and how pushing
// to the endpoint is going (last push, its result, events waiting).

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "daemon/run_status.hpp"
#include "exporters/otlp_status.hpp"
#include "json_text.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/scan/source.hpp"
#include "usage/sync/outbox.hpp"

namespace agent {
namespace {

// The newest refusals `status` shows (the count covers them all).
constexpr std::size_t kLastSetAside = 5;

std::string when(std::int64_t ms) {
    return ms == 0 ? std::string("never") : usage::format_utc_ms(ms);
}

nlohmann::json time_or_null(std::int64_t ms) {
    return ms == 0 ? nlohmann::json(nullptr) : nlohmann::json(usage::format_utc_ms(ms));
}

}  // namespace

void StatusCommand::setup(CLI::App& app) {
    cmd =
        app.add_subcommand("status", "Show the store, this machine, the push to the sync endpoint and the OTLP export");
    cmd->footer(
        "Waiting = rows sync.endpoint has not acknowledged yet (new or changed since); set aside = rows it\n"
        "refused by name, sent again once they change. A row is an event or a superseded copy of one.\n"
        "Agent: whether `usage-agent run` holds this state dir (pid, uptime); last scan: by `run` or `sync`.\n"
        "OTLP: rows exporters.otlp.endpoint has not acknowledged yet and its last answer (docs/otlp.md).\n"
        "Examples:\n"
        "  usage-agent status          store, machine, push\n"
        "  usage-agent status --json   the same as JSON");
    cmd->add_flag("--json", json, "Print the status as JSON");
}

int StatusCommand::run(AppContext& ctx) const {
    auto& store = ctx.store();
    std::int64_t events = 0;
    nlohmann::json by_source = nlohmann::json::object();
    for (const auto& [source, n] : store.events_by_source()) {
        by_source[source] = n;
        events += n;
    }
    // Files a scan has read (each has its cursor), per enabled source.
    nlohmann::json files_by_source = nlohmann::json::object();
    for (const auto& plugin : usage::source_plugins()) {
        const std::string name(plugin->name());
        if (ctx.config().source(name).enabled) files_by_source[name] = store.file_count(name);
    }

    const auto& endpoint = ctx.config().sync.endpoint;
    std::optional<usage::sync::Outbox> outbox;
    if (!endpoint.empty()) outbox.emplace(store, endpoint);
    const usage::sync::PushState state = outbox ? outbox->state() : usage::sync::PushState{};
    const usage::sync::OutboxCount waiting = outbox ? outbox->pending() : usage::sync::OutboxCount{};
    const std::uint64_t set_aside = outbox ? outbox->set_aside_count() : 0;
    const auto last_set_aside = outbox ? outbox->set_aside_last(kLastSetAside) : std::vector<usage::sync::SetAside>{};

    if (json) {
        nlohmann::json push = nullptr;
        if (outbox) {
            nlohmann::json last = nlohmann::json::array();
            for (const auto& a : last_set_aside)
                last.push_back({{"id", a.event_id}, {"reason", a.reason}, {"at", usage::format_utc_ms(a.at_ms)}});
            push = {{"endpoint", endpoint},
                    {"rows_waiting", waiting.rows},
                    {"events_waiting", waiting.events()},
                    {"superseded_waiting", waiting.superseded},
                    {"failed_waiting", waiting.failed},
                    {"set_aside", set_aside},
                    {"set_aside_last", std::move(last)},
                    {"last_attempt", time_or_null(state.last_attempt_ms)},
                    {"last_success", time_or_null(state.last_success_ms)},
                    {"last_result", state.last_result}};
        }
        nlohmann::json out{{"store", store.display()},
                           {"machine_id", store.machine_id()},
                           {"machine_name", ctx.config().machine_name},
                           {"user", ctx.config().user},
                           {"events", events},
                           {"events_by_source", by_source},
                           {"files_by_source", files_by_source},
                           {"push", push},
                           {"otlp", otlp_status_json(ctx)}};
        out.update(run_status_json(ctx.state_dir()));
        std::cout << json_text(out) << "\n";
        return 0;
    }
    // Names, paths and the endpoint's last answer come from outside: escaped.
    std::cout << "store:     " << escape_terminal_text(store.display()) << "\n"
              << "machine:   " << escape_terminal_text(ctx.config().machine_name) << " ("
              << escape_terminal_text(store.machine_id()) << ")\n"
              << "user:      " << escape_terminal_text(ctx.config().user) << "\n"
              << "events:    " << with_commas(events);
    std::string sep = " (";
    for (auto& [source, n] : by_source.items()) {
        std::cout << sep << source << " " << with_commas(n.get<std::int64_t>());
        sep = ", ";
    }
    std::cout << (sep == ", " ? ")" : "") << "\n" << run_status_text(ctx.state_dir());
    if (!outbox) {
        std::cout << "push:      off (no sync.endpoint configured)\n" << otlp_status_text(ctx);
        return 0;
    }
    auto number = [](std::uint64_t n) { return with_commas(static_cast<std::int64_t>(n)); };
    std::cout << "endpoint:  " << escape_terminal_text(endpoint) << "\n"
              << "last push: " << when(state.last_attempt_ms)
              << (state.last_result.empty() ? "" : " - " + escape_terminal_text(state.last_result)) << "\n"
              << "last ok:   " << when(state.last_success_ms) << "\n"
              << "waiting:   " << usage::sync::describe_rows(waiting, number) << "\n"
              << "set aside: " << number(set_aside) << (set_aside == 1 ? " row" : " rows");
    if (set_aside > 0) std::cout << " the endpoint refused; each is sent again once it changes";
    std::cout << "\n";
    for (const auto& a : last_set_aside)
        std::cout << "  " << usage::format_utc_ms(a.at_ms) << " " << escape_terminal_text(a.event_id) << ": "
                  << escape_terminal_text(a.reason) << "\n";
    std::cout << otlp_status_text(ctx);
    return 0;
}

}  // namespace agent
