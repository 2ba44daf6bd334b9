// `usage-agent service install|uninstall|status [--dry-run]`: run the agent
// in the background under the user's service manager (systemd user unit on
// Linux, launchd LaunchAgent on macOS).
#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include "../cli_checks.hpp"
#include "../commands.hpp"
#include "../self_executable.hpp"
#include "service_platform.hpp"
#include "usage/store/store.hpp"

namespace agent {
namespace {

namespace fs = std::filesystem;
using service::ServiceSetup;

std::string user_name(const usage::Environment& env) {
    if (auto user = env.get("USER")) return *user;
    if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
    return {};
}

ServiceSetup make_setup(const GlobalOptions& globals) {
    const auto env = usage::Environment::from_process();
    ServiceSetup setup;
    setup.home = env.home();
    setup.config_home = env.xdg_home("CONFIG");
    setup.uid = ::getuid();
    setup.user = user_name(env);
    setup.command = {self_executable().string(), "run"};
    // The service manager starts the agent with its own environment, not
    // this shell's: a store chosen here (--state-dir, USAGE_AGENT_STATE_DIR)
    // goes into the command line, absolute, or the service would fill
    // another store.
    if (!globals.state_dir.empty())
        setup.command.insert(setup.command.end(),
                             {"--state-dir", fs::absolute(globals.state_dir).lexically_normal().string()});
    else if (env.is_set("USAGE_AGENT_STATE_DIR"))
        setup.command.insert(setup.command.end(),
                             {"--state-dir", fs::absolute(usage::default_state_dir(env)).lexically_normal().string()});
    if (!globals.config_path.empty()) {
        const fs::path config = fs::absolute(globals.config_path).lexically_normal();
        // Checked now: a service that fails at every start is harder to diagnose.
        if (fs::is_directory(config))
            throw std::runtime_error(config.string() + ": is a directory; the config is a file (e.g. " +
                                     (config / "config.yaml").string() + ")");
        if (!fs::exists(config)) throw std::runtime_error(config.string() + ": no such config file");
        setup.command.insert(setup.command.end(), {"--config", config.string()});
    }
    return setup;
}

}  // namespace

void ServiceCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("service", "Run the agent in the background: install, uninstall or check the service");
    cmd->require_subcommand(1);
    cmd->footer(
        "The service runs `usage-agent run` at login and restarts it after a failure: a systemd user unit\n"
        "on Linux ($XDG_CONFIG_HOME/systemd/user/usage-agent.service), a LaunchAgent on macOS\n"
        "(~/Library/LaunchAgents/dev.usage-agent.plist). --state-dir and --config go into its command line.\n"
        "Examples:\n"
        "  usage-agent service install --dry-run            the file and commands, nothing changed\n"
        "  usage-agent service install                      write the unit, enable and start it\n"
        "  usage-agent --state-dir ~/usage service install  the service fills that store\n"
        "  usage-agent service status                       installed? running?\n"
        "  usage-agent service uninstall                    stop, disable and remove it");
    // Hidden: lets the tests (and a curious user) see the launchd files on Linux.
    cmd->add_option("--platform", platform, "Service manager: systemd or launchd (default: this system's)")
        ->check(one_of("platform", {"systemd", "launchd"}))
        ->group("");

    install = cmd->add_subcommand("install", "Write the service file, enable and start the service");
    install->add_flag("--dry-run", dry_run, "Print the file(s) and commands, change nothing");
    install->footer(
        "Writes the unit (or plist) naming this binary, then runs `systemctl --user daemon-reload` and\n"
        "`systemctl --user enable --now usage-agent.service` (macOS: `launchctl bootstrap gui/UID PLIST`).\n"
        "Without systemctl/launchctl on PATH the file is still written and the commands are printed.\n"
        "Installing again replaces the file, and restarts the service when the file changed.\n"
        "Examples:\n"
        "  usage-agent service install --dry-run\n"
        "  usage-agent service install\n"
        "  usage-agent --config ~/team.yaml service install");
    uninstall = cmd->add_subcommand("uninstall", "Stop and disable the service, remove its file");
    uninstall->add_flag("--dry-run", dry_run, "Print what would be removed and run, change nothing");
    uninstall->footer(
        "Examples:\n"
        "  usage-agent service uninstall --dry-run\n"
        "  usage-agent service uninstall");
    status = cmd->add_subcommand("status", "Whether the service file is installed and the service runs");
    status->footer("Examples:\n  usage-agent service status");
}

int ServiceCommand::run(const GlobalOptions& globals) const {
#if defined(__APPLE__)
    const bool launchd = platform != "systemd";
#else
    const bool launchd = platform == "launchd";
#endif
    const ServiceSetup setup = make_setup(globals);
    if (status->parsed()) {
        if (launchd)
            service::launchd_status(setup, std::cout);
        else
            service::systemd_status(setup, std::cout);
        return 0;
    }
    if (install->parsed())
        return service::execute(launchd ? service::launchd_install_plan(setup) : service::systemd_install_plan(setup),
                                dry_run, std::cout, std::cerr);
    const service::Plan plan =
        launchd ? service::launchd_uninstall_plan(setup) : service::systemd_uninstall_plan(setup);
    if (plan.steps.empty()) {
        const fs::path path = launchd ? service::launchd_plist_path(setup) : service::systemd_unit_path(setup);
        std::cout << "not installed: " << path.string() << " does not exist; nothing to do\n";
        return 0;
    }
    return service::execute(plan, dry_run, std::cout, std::cerr);
}

}  // namespace agent
