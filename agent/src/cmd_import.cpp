// `usage-agent import FORMAT FILE`: load a usage export the user downloaded
// by hand (e.g. Cursor's dashboard CSV). The formats come from the plugins.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "terminal.hpp"

namespace agent {

void ImportCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand(
        "import", "Import a usage export downloaded by hand (e.g. cursor-csv FILE), or a shared sync folder");
    auto formats = usage::importer_names();
    formats.push_back("folder");
    std::string listed;
    for (const auto& n : formats) listed += (listed.empty() ? "" : ", ") + n;
    cmd->footer("Formats: " + listed +
                ".\nEvents are upserted by id: importing the same file again changes nothing.\n"
                "See docs/cli.md for how imported rows and locally scanned ones are matched.\n"
                "`folder PATH` merges every machine's segments of a folder that machines push to with\n"
                "sync.endpoint: file:///PATH (docs/folder-sync.md); segments imported before are not read again,\n"
                "and an incomplete or damaged one is skipped with a warning and read again next time.\n"
                "Examples:\n"
                "  usage-agent import cursor-csv usage-events-2026-01-12.csv\n"
                "  usage-agent import cursor-csv usage-events-2026-01-12.csv --json\n"
                "  usage-agent import folder ~/Dropbox/team-usage --json");
    cmd->add_option("format", format, "Export format, or `folder`")
        ->required()
        ->check(one_of("import format", formats));
    // Checked in run(): a file for an export, a folder for `folder`.
    cmd->add_option("path", file, "The exported file, or the shared sync folder")->required();
    cmd->add_flag("--json", json, "Print the import statistics as JSON");
}

int ImportCommand::run(AppContext& ctx) const {
    if (format == "folder") return run_folder(ctx);
    std::string checked = file;
    if (std::string error = existing_file()(checked); !error.empty()) throw CLI::ValidationError(error);
    auto s = usage::import_exported_file(ctx.store(), ctx.config(), format, file);
    if (!s.warning.empty()) std::cerr << "warning: " << s.warning << "\n";
    if (json) {
        std::cout << json_text(nlohmann::json{
                         {"source", s.source},
                         {"file", file},
                         {"events_read", s.events_read},
                         {"events_new", s.events_new},
                         {"events_updated", s.events_updated},
                         {"events_unchanged", s.events_unchanged},
                         {"events_superseded", s.events_superseded},
                         {"malformed_lines", s.malformed_lines},
                         {"events_invalid", s.events_invalid},
                         {"warning", s.warning.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.warning)}})
                  << "\n";
        return 0;
    }
    if (s.malformed_lines > 0)
        std::cerr << "warning: " << file << ": skipped " << s.malformed_lines << " malformed row(s)\n";
    std::cout << s.source << ": " << with_commas(static_cast<std::int64_t>(s.events_read)) << " rows, "
              << with_commas(static_cast<std::int64_t>(s.events_new)) << " new events, "
              << with_commas(static_cast<std::int64_t>(s.events_updated)) << " updated, "
              << with_commas(static_cast<std::int64_t>(s.events_unchanged)) << " unchanged";
    if (s.events_superseded > 0)
        std::cout << ", " << with_commas(static_cast<std::int64_t>(s.events_superseded)) << " superseded";
    if (s.events_invalid > 0)
        std::cout << ", " << with_commas(static_cast<std::int64_t>(s.events_invalid)) << " invalid";
    std::cout << "\n";
    return 0;
}

}  // namespace agent
