// usage-agent: count what AI coding assistants cost, per machine.
// Exit status: 0 ok, 2 usage error, 1 runtime error (one line on stderr).

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli_checks.hpp"
#include "cli_errors.hpp"
#include "commands.hpp"
#include "usage/config/config.hpp"
#include "usage/store/store_failure.hpp"

int main(int argc, char** argv) {
    CLI::App app{"usage-agent: find, count and price the usage of AI coding assistants", "usage-agent"};
    app.set_version_flag("--version", "usage-agent " USAGE_AGENT_VERSION);
    // No command is the glance (cmd_glance.cpp).
    app.require_subcommand(0, 1);
    app.fallthrough();
    agent::GlobalOptions globals;
    app.add_option("--state-dir", globals.state_dir,
                   "Where the store lives (default: $USAGE_AGENT_STATE_DIR or $XDG_STATE_HOME/usage-agent)")
        ->check(agent::non_empty());
    app.add_option("--config", globals.config_path, "Config file (default: $XDG_CONFIG_HOME/usage-agent/config.yaml)")
        ->check(agent::non_empty());

    agent::GlanceCommand glance;
    glance.setup(app);

    agent::SyncCommand sync;
    agent::ReportCommand report;
    agent::SessionCommand session;
    agent::PricesCommand prices;
    agent::ConfigCommand config;
    agent::ImportCommand import;
    agent::StatusCommand status;
    agent::StoreCommand store;
    agent::ServeCommand serve;
    agent::RunCommand run;
    agent::ServiceCommand service;
    agent::StatuslineCommand statusline;
    agent::BudgetCommand budget;
    sync.setup(app);
    report.setup(app);
    session.setup(app);
    prices.setup(app);
    import.setup(app);
    status.setup(app);
    store.setup(app);
    config.setup(app);
    serve.setup(app);
    run.setup(app);
    service.setup(app);
    statusline.setup(app);
    budget.setup(app);
    // After the subcommands, which would inherit it: each has its own examples.
    app.footer(
        "Without a command: tokens, cost and sessions of today, this week and this month (after a scan).\n"
        "Examples:\n"
        "  usage-agent                                  today, this week, this month\n"
        "  usage-agent --year --full                    ... and this year, with one line per model\n"
        "  usage-agent session                          the latest session of the current directory\n"
        "  usage-agent sync --once                      scan new transcript bytes into the store\n"
        "  usage-agent report daily --range 30d         cost per day, last 30 days\n"
        "  usage-agent report sessions --full --json    sessions with per-model breakdown\n"
        "  usage-agent prices claude-sonnet-4-5         the price used for a model\n"
        "  usage-agent status                           store, machine, and push to the endpoint\n"
        "  usage-agent budget status                    each budget's spend, forecast and alerts sent\n"
        "  usage-agent store backup ~/usage-backup.db   a consistent copy of the store\n"
        "  usage-agent serve                            this machine's usage over HTTP on 127.0.0.1:8787\n"
        "  usage-agent run                              the agent: scan on every change and push\n"
        "  usage-agent service install                  run the agent in the background (systemd/launchd)\n"
        "Reference: docs/cli.md. Exit status: 0 ok, 1 runtime error, 2 usage error.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // --help, --version
    } catch (const CLI::ParseError& e) {
        std::cerr << agent::usage_error_line(app, e) << "\n";
        return 2;
    }
    // With a command, a glance option is one CLI11 let fall through from it.
    if (const CLI::Option* o = glance.given(); o != nullptr && !app.get_subcommands().empty()) {
        std::cerr << agent::misplaced_option_line(app, o->get_name()) << "\n";
        return 2;
    }
    std::unique_ptr<agent::AppContext> ctx;
    try {
        if (config.cmd->parsed()) return config.run(globals);
        // No store or config is opened: installing must work before either exists.
        if (service.cmd->parsed()) return service.run(globals);
        // Its own store handling: Claude Code's footer needs a line whatever fails.
        if (statusline.cmd->parsed()) return statusline.run(globals);
        ctx = std::make_unique<agent::AppContext>(globals);
        if (sync.cmd->parsed()) return sync.run(*ctx);
        if (report.cmd->parsed()) return report.run(*ctx);
        if (session.cmd->parsed()) return session.run(*ctx);
        if (prices.cmd->parsed()) return prices.run(*ctx);
        if (import.cmd->parsed()) return import.run(*ctx);
        if (status.cmd->parsed()) return status.run(*ctx);
        if (store.cmd->parsed()) return store.run(*ctx);
        if (serve.cmd->parsed()) return serve.run(*ctx);
        if (budget.cmd->parsed()) return budget.run(*ctx);
        if (run.cmd->parsed()) return run.run(*ctx, globals);
        if (app.get_subcommands().empty()) return glance.run(*ctx);
    } catch (const CLI::Error& e) {
        std::cerr << agent::usage_error_line(app, e) << "\n";
        return 2;
    } catch (const std::exception& e) {
        // A backend's own messages ("database disk image is malformed") do not say which store.
        const auto failure = usage::store_failure(std::current_exception());
        std::string where;
        if (failure && ctx && ctx->store_open() && !failure->message.starts_with(ctx->store_path().string()))
            where = ctx->store_path().string() + ": ";
        std::cerr << "usage-agent: " << where << e.what() << "\n";
        return 1;
    }
    return 2;
}
