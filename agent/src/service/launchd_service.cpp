// `service install|uninstall|status` for launchd: a LaunchAgent in
// ~/Library/LaunchAgents, loaded into the user's GUI domain.
#include <ostream>

#include "external_command.hpp"
#include "launchd_agent.hpp"
#include "service_platform.hpp"

namespace agent::service {
namespace {

std::string domain(const ServiceSetup& setup) {
    return "gui/" + std::to_string(setup.uid);
}

std::string service_target(const ServiceSetup& setup) {
    return domain(setup) + "/" + kLaunchdLabel;
}

}  // namespace

std::filesystem::path launchd_plist_path(const ServiceSetup& setup) {
    return setup.home / "Library" / "LaunchAgents" / (std::string(kLaunchdLabel) + ".plist");
}

std::filesystem::path launchd_log_dir(const ServiceSetup& setup) {
    return setup.home / "Library" / "Logs" / "usage-agent";
}

Plan launchd_install_plan(const ServiceSetup& setup) {
    Plan plan;
    plan.tool = "launchctl";
    const auto path = launchd_plist_path(setup);
    std::error_code ec;
    const bool replacing = std::filesystem::exists(path, ec);
    // launchd opens the log files but does not create their directory.
    plan.steps.push_back(file_step(Step::Kind::make_dir, launchd_log_dir(setup)));
    plan.steps.push_back(
        file_step(Step::Kind::write_file, path, launchd_plist_text(setup.command, launchd_log_dir(setup).string())));
    // bootstrap refuses a label that is already loaded: unload the old job
    // first (it may not be loaded, which is fine).
    if (replacing) plan.steps.push_back(command_step({"launchctl", "bootout", service_target(setup)}, true));
    plan.steps.push_back(command_step({"launchctl", "bootstrap", domain(setup), path.string()}));
    plan.done = std::string("usage-agent runs as the launchd agent ") + kLaunchdLabel +
                " (logs: " + launchd_log_dir(setup).string() + ")";
    return plan;
}

Plan launchd_uninstall_plan(const ServiceSetup& setup) {
    Plan plan;
    plan.tool = "launchctl";
    const auto path = launchd_plist_path(setup);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return plan;
    // bootout stops the job (SIGTERM) and unloads it; a job that is not
    // loaded makes it fail, which must not keep the plist in place.
    plan.steps.push_back(command_step({"launchctl", "bootout", service_target(setup)}, true));
    plan.steps.push_back(file_step(Step::Kind::remove_file, path));
    plan.done = std::string("removed the launchd agent ") + kLaunchdLabel;
    return plan;
}

void launchd_status(const ServiceSetup& setup, std::ostream& out) {
    const auto path = launchd_plist_path(setup);
    std::error_code ec;
    const bool installed = std::filesystem::exists(path, ec);
    out << "plist: " << path.string()
        << (installed ? " (installed)" : " (not installed: `usage-agent service install` writes it)") << "\n";
    const auto program = find_on_path("launchctl");
    if (!program) {
        out << "launchctl is not on PATH: cannot tell whether the agent runs\n";
        return;
    }
    const std::vector<std::string> argv{"launchctl", "print", service_target(setup)};
    const CommandResult r = run_command(*program, argv);
    if (r.exit_code != 0) {
        out << shell_line(argv) << ": not loaded\n";
        return;
    }
    // `launchctl print` describes the whole job; its "state = running" line is the answer.
    std::string state = "loaded";
    std::size_t pos = r.output.find("state = ");
    if (pos != std::string::npos) state = first_line(r.output.substr(pos));
    out << shell_line(argv) << ": " << state << "\n";
}

}  // namespace agent::service
