// `usage-agent config init|show|check|keys`.
#include <fstream>
#include <iostream>

#include "commands.hpp"

namespace agent {

void ConfigCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("config", "Create, show or check the configuration file, or list its keys");
    cmd->require_subcommand(1);
    cmd->footer(
        "Examples:\n"
        "  usage-agent config init                          write a commented starting file\n"
        "  usage-agent config check                         validate it\n"
        "  usage-agent config show --config ./team.yaml     the effective settings of another file\n"
        "  usage-agent config keys                          every key, its type, default and meaning");
    init = cmd->add_subcommand("init", "Write a commented starting config (refuses to overwrite)");
    init->add_flag("--force", force, "Overwrite an existing file");
    init->footer(
        "Examples:\n"
        "  usage-agent config init\n"
        "  usage-agent config init --force --config ./team.yaml");
    show = cmd->add_subcommand("show", "Print the effective configuration (defaults filled in)");
    show->footer("Examples:\n  usage-agent config show\n  usage-agent config show --config ./team.yaml");
    check = cmd->add_subcommand("check", "Validate the config; exit 1 with the file, line and key on error");
    check->footer("Examples:\n  usage-agent config check\n  usage-agent config check --config ./team.yaml");
    keys = cmd->add_subcommand("keys", "List every key with its type, default and meaning (reads no file)");
    keys->add_flag("--markdown", markdown, "As the Markdown table of docs/cli.md");
    keys->footer("Examples:\n  usage-agent config keys\n  usage-agent config keys --markdown");
}

int ConfigCommand::run(const GlobalOptions& globals) const {
    if (keys->parsed()) {
        // The key table is the build's, not a file's: it works with no config.
        std::cout << (markdown ? usage::config_keys_markdown() : usage::config_keys_text());
        return 0;
    }
    auto env = usage::Environment::from_process();
    std::filesystem::path path =
        globals.config_path.empty() ? usage::default_config_path(env) : std::filesystem::path(globals.config_path);
    if (init->parsed()) {
        if (std::filesystem::is_directory(path))
            throw std::runtime_error(path.string() + ": is a directory; the config is a file (e.g. " +
                                     (path / "config.yaml").string() + ")");
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
