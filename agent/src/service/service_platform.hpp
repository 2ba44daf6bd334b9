// The two service managers `usage-agent service` knows: systemd (a user
// unit) and launchd (a LaunchAgent). Each turns install and uninstall into a
// Plan and reports its status; none of them touches anything by itself.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "service_plan.hpp"

namespace agent::service {

/// What the plans depend on, gathered once from the process (or a test).
struct ServiceSetup {
    std::vector<std::string> command;   ///< what the service runs: absolute program, `run`, options
    std::filesystem::path home;         ///< $HOME
    std::filesystem::path config_home;  ///< $XDG_CONFIG_HOME or ~/.config
    unsigned uid = 0;                   ///< launchd's gui/<uid> domain
    std::string user;                   ///< the lingering hint
    std::filesystem::path linger_dir = "/var/lib/systemd/linger";
};

std::filesystem::path systemd_unit_path(const ServiceSetup& setup);
Plan systemd_install_plan(const ServiceSetup& setup);
/// Empty steps when the unit file is absent (nothing to undo).
Plan systemd_uninstall_plan(const ServiceSetup& setup);
void systemd_status(const ServiceSetup& setup, std::ostream& out);

std::filesystem::path launchd_plist_path(const ServiceSetup& setup);
std::filesystem::path launchd_log_dir(const ServiceSetup& setup);
Plan launchd_install_plan(const ServiceSetup& setup);
/// Empty steps when the plist is absent.
Plan launchd_uninstall_plan(const ServiceSetup& setup);
void launchd_status(const ServiceSetup& setup, std::ostream& out);

}  // namespace agent::service
