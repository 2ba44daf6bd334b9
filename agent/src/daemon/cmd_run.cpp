// `usage-agent run`: the agent in the foreground, as systemd and launchd run it.
#include <stdexcept>

#include "../commands.hpp"
#include "instance_lock.hpp"
#include "run_log.hpp"
#include "run_loop.hpp"

namespace agent {

void RunCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("run", "Run the agent: scan on every change and push, until SIGTERM");
    cmd->footer(
        "Watches every source's folders (inotify; polling where that is not possible), scans what\n"
        "changed with the same cursors as `sync`, and pushes new events to sync.endpoint at once. A\n"
        "safety rescan runs every sync.interval seconds. Stays in the foreground (no forking): run it\n"
        "under systemd or launchd (`usage-agent service install`). Logs go to stderr.\n"
        "Signals: SIGTERM/SIGINT stop it within 2 s (exit 0); SIGHUP reloads the config (a broken\n"
        "config is logged and the previous one kept). One `run` per state dir: a second one exits 1\n"
        "naming the pid that holds <state-dir>/run.lock.\n"
        "Examples:\n"
        "  usage-agent run                       the agent, logging at info\n"
        "  usage-agent run --log-level debug     also every scan and watched folder\n"
        "  usage-agent run --poll 30             scan every 30 s instead of watching (NFS homes)\n"
        "  kill -HUP $(pgrep -f 'usage-agent run')   reload the config");
    cmd->add_option("--poll", poll_seconds,
                    "Scan every N seconds instead of watching folders (for network file systems, where inotify "
                    "sees nothing)")
        ->check(CLI::Range(1, 86400));
    cmd->add_option("--log-level", log_level, "error, warn, info (default) or debug")->check([](const std::string& v) {
        try {
            (void)parse_log_level(v);
            return std::string();
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
    });
}

int RunCommand::run(AppContext& ctx, const GlobalOptions& globals) const {
    const InstanceLock lock(ctx.state_dir());  // throws naming the holder's pid
    const RunLog log(parse_log_level(log_level));
    RunOptions options;
    options.poll_seconds = static_cast<int>(poll_seconds);
    RunLoop loop(globals, log, options);
    return loop.run();
}

}  // namespace agent
