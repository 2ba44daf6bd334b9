// `usage-agent status`: where the store is, what it holds, and how pushing
// to the endpoint is going (last push, its result, events waiting).
#include <SQLiteCpp/SQLiteCpp.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics.hpp"
#include "usage/outbox.hpp"

namespace agent {
namespace {

std::string when(std::int64_t ms) {
    return ms == 0 ? std::string("never") : usage::format_utc_ms(ms);
}

}  // namespace

void StatusCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("status", "Show the store, this machine, and the push to the sync endpoint");
    cmd->footer(
        "Events waiting = stored events not yet acknowledged by sync.endpoint (new or changed since).\n"
        "Examples:\n"
        "  usage-agent status          store, machine, push\n"
        "  usage-agent status --json   the same as JSON");
    cmd->add_flag("--json", json, "Print the status as JSON");
}

int StatusCommand::run(AppContext& ctx) const {
    auto& store = ctx.store();
    const std::int64_t events = store.db().execAndGet("SELECT count(*) FROM events WHERE superseded = 0").getInt64();
    nlohmann::json by_source = nlohmann::json::object();
    SQLite::Statement st(store.db(),
                         "SELECT source, count(*) FROM events WHERE superseded = 0 GROUP BY source ORDER BY source");
    while (st.executeStep()) by_source[st.getColumn(0).getString()] = st.getColumn(1).getInt64();

    nlohmann::json push = nullptr;
    const auto& endpoint = ctx.config().sync.endpoint;
    if (!endpoint.empty()) {
        usage::sync::Outbox outbox(store, endpoint);
        auto state = outbox.state();
        push = {{"endpoint", endpoint},
                {"events_waiting", outbox.pending()},
                {"last_attempt", state.last_attempt_ms ? nlohmann::json(usage::format_utc_ms(state.last_attempt_ms))
                                                       : nlohmann::json(nullptr)},
                {"last_success", state.last_success_ms ? nlohmann::json(usage::format_utc_ms(state.last_success_ms))
                                                       : nlohmann::json(nullptr)},
                {"last_result", state.last_result}};
    }
    if (json) {
        std::cout << nlohmann::json{{"store", store.path().string()},
                                    {"machine_id", store.machine_id()},
                                    {"machine_name", ctx.config().machine_name},
                                    {"user", ctx.config().user},
                                    {"events", events},
                                    {"events_by_source", by_source},
                                    {"push", push}}
                         .dump(2)
                  << "\n";
        return 0;
    }
    // Names, paths and the endpoint's last answer come from outside: escaped.
    std::cout << "store:     " << escape_terminal_text(store.path().string()) << "\n"
              << "machine:   " << escape_terminal_text(ctx.config().machine_name) << " ("
              << escape_terminal_text(store.machine_id()) << ")\n"
              << "user:      " << escape_terminal_text(ctx.config().user) << "\n"
              << "events:    " << with_commas(events);
    std::string sep = " (";
    for (auto& [source, n] : by_source.items()) {
        std::cout << sep << source << " " << with_commas(n.get<std::int64_t>());
        sep = ", ";
    }
    std::cout << (sep == ", " ? ")" : "") << "\n";
    if (push.is_null()) {
        std::cout << "push:      off (no sync.endpoint configured)\n";
        return 0;
    }
    usage::sync::Outbox outbox(store, endpoint);
    auto state = outbox.state();
    std::cout << "endpoint:  " << escape_terminal_text(endpoint) << "\n"
              << "last push: " << when(state.last_attempt_ms)
              << (state.last_result.empty() ? "" : " - " + escape_terminal_text(state.last_result)) << "\n"
              << "last ok:   " << when(state.last_success_ms) << "\n"
              << "waiting:   " << with_commas(push["events_waiting"].get<std::int64_t>()) << " events\n";
    return 0;
}

}  // namespace agent
