// `usage-agent config init|show|check`.
#include <fstream>
#include <iostream>

#include "commands.hpp"

namespace agent {

void ConfigCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("config", "Create, show or check the configuration file");
    cmd->require_subcommand(1);
    init = cmd->add_subcommand("init", "Write a commented starting config (refuses to overwrite)");
    init->add_flag("--force", force, "Overwrite an existing file");
    show = cmd->add_subcommand("show", "Print the effective configuration (defaults filled in)");
    check = cmd->add_subcommand("check", "Validate the config; exit 1 with the file, line and key on error");
}

int ConfigCommand::run(const GlobalOptions& globals) const {
    auto env = usage::Environment::from_process();
    std::filesystem::path path =
        globals.config_path.empty() ? usage::default_config_path(env) : std::filesystem::path(globals.config_path);
    if (init->parsed()) {
        if (std::filesystem::exists(path) && !force)
            throw std::runtime_error(path.string() + " already exists (use --force to overwrite)");
        std::filesystem::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::trunc);
        out << usage::default_config_text();
        if (!out) throw std::runtime_error(path.string() + ": cannot write");
        std::cout << "wrote " << path.string() << "\n";
        return 0;
    }
    auto config = usage::load_config(path, env);
    if (show->parsed()) {
        std::cout << "# " << path.string() << (config.loaded ? "" : " (not present: defaults)") << "\n"
                  << usage::render_config(config);
        return 0;
    }
    std::cout << "ok: " << path.string() << (config.loaded ? "" : " (not present: defaults apply)") << "\n";
    return 0;
}

}  // namespace agent
