// `service install|uninstall|status` for systemd: a user unit in
// $XDG_CONFIG_HOME/systemd/user, because the agent reads one user's home.
#include <fstream>
#include <ostream>
#include <sstream>

#include "external_command.hpp"
#include "service_platform.hpp"
#include "systemd_user_unit.hpp"

namespace agent::service {
namespace {

std::vector<std::string> systemctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"systemctl", "--user"});
    return args;
}

// Without lingering, systemd stops a user's services at logout and starts
// them only at login: an agent meant to push overnight would not.
bool lingering(const ServiceSetup& setup) {
    std::error_code ec;
    return !setup.user.empty() && std::filesystem::exists(setup.linger_dir / setup.user, ec);
}

std::string linger_note(const ServiceSetup& setup) {
    return "lingering is off for " + setup.user +
           ": the agent runs only while you are logged in; to keep it running after logout and start it at boot, "
           "run: loginctl enable-linger " +
           setup.user;
}

// An unreadable file reads as empty: it differs, so it is replaced.
std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

std::filesystem::path systemd_unit_path(const ServiceSetup& setup) {
    return setup.config_home / "systemd" / "user" / kSystemdUnitName;
}

Plan systemd_install_plan(const ServiceSetup& setup) {
    Plan plan;
    plan.tool = "systemctl";
    const auto path = systemd_unit_path(setup);
    std::string text = systemd_unit_text(setup.command);
    std::error_code ec;
    const bool changing = std::filesystem::exists(path, ec) && read_text(path) != text;
    plan.steps.push_back(file_step(Step::Kind::write_file, path, std::move(text)));
    plan.steps.push_back(command_step(systemctl({"daemon-reload"})));
    plan.steps.push_back(command_step(systemctl({"enable", "--now", kSystemdUnitName})));
    // enable --now leaves a running agent alone: restart it so a changed
    // ExecStart (another binary, another --state-dir) takes effect.
    if (changing) plan.steps.push_back(command_step(systemctl({"try-restart", kSystemdUnitName})));
    if (!lingering(setup)) plan.notes.push_back(linger_note(setup));
    plan.done = std::string("usage-agent runs as the systemd user service ") + kSystemdUnitName +
                " (logs: journalctl --user -u usage-agent)";
    return plan;
}

Plan systemd_uninstall_plan(const ServiceSetup& setup) {
    Plan plan;
    plan.tool = "systemctl";
    const auto path = systemd_unit_path(setup);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return plan;
    // Stop and disable while the unit file still exists (systemctl needs it
    // to find the [Install] links); a unit that was never loaded is fine.
    plan.steps.push_back(command_step(systemctl({"disable", "--now", kSystemdUnitName}), true));
    plan.steps.push_back(file_step(Step::Kind::remove_file, path));
    // What `disable` removes; left behind when systemctl could not run, and
    // a dangling link makes systemd warn at every start.
    const auto wants = path.parent_path() / "default.target.wants" / kSystemdUnitName;
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(wants, ec)))
        plan.steps.push_back(file_step(Step::Kind::remove_file, wants));
    plan.steps.push_back(command_step(systemctl({"daemon-reload"}), true));
    plan.done = std::string("removed the systemd user service ") + kSystemdUnitName;
    return plan;
}

void systemd_status(const ServiceSetup& setup, std::ostream& out) {
    const auto path = systemd_unit_path(setup);
    std::error_code ec;
    const bool installed = std::filesystem::exists(path, ec);
    out << "unit file: " << path.string()
        << (installed ? " (installed)" : " (not installed: `usage-agent service install` writes it)") << "\n";
    const auto program = find_on_path("systemctl");
    if (!program) {
        out << "systemctl is not on PATH: cannot tell whether the service runs\n";
    } else {
        const auto argv = systemctl({"is-active", kSystemdUnitName});
        // is-active exits non-zero for anything but "active": its word is the answer.
        const CommandResult r = run_command(*program, argv);
        const std::string word = last_line(r.output);
        out << shell_line(argv) << ": "
            << (word.empty() ? "no answer (exit status " + std::to_string(r.exit_code) + ")" : word) << "\n";
    }
    if (installed && !lingering(setup)) out << "note: " << linger_note(setup) << "\n";
}

}  // namespace agent::service
