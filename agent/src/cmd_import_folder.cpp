// `usage-agent import folder PATH`: merge a shared sync folder (every
// machine's segments, docs/folder-sync.md) into this store.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/sync/folder_import.hpp"

namespace agent {

int ImportCommand::run_folder(AppContext& ctx) const {
    std::string checked = file;
    if (std::string error = existing_folder()(checked); !error.empty()) throw CLI::ValidationError(error);
    const auto s = usage::sync::import_folder(ctx.store(), file);
    // Paths and refusal reasons come from files others wrote: escaped.
    for (const auto& w : s.warnings) std::cerr << "warning: " << escape_terminal_text(w) << "\n";
    if (json) {
        std::cout << json_text(nlohmann::json{{"folder", file},
                                              {"machines", s.machines},
                                              {"segments_seen", s.segments_seen},
                                              {"segments_read", s.segments_read},
                                              {"segments_known", s.segments_known},
                                              {"segments_broken", s.segments_broken},
                                              {"lines_refused", s.lines_refused},
                                              {"events_read", s.events_read},
                                              {"events_new", s.events_new},
                                              {"events_updated", s.events_updated},
                                              {"events_unchanged", s.events_unchanged},
                                              {"events_refused", s.events_refused},
                                              {"session_costs", s.session_costs}})
                  << "\n";
        return 0;
    }
    auto n = [](std::uint64_t v) { return with_commas(static_cast<std::int64_t>(v)); };
    std::cout << "folder: " << n(s.machines) << (s.machines == 1 ? " machine, " : " machines, ") << n(s.segments_read)
              << " of " << n(s.segments_seen) << " segments read (" << n(s.segments_known) << " imported before";
    if (s.segments_broken > 0) std::cout << ", " << n(s.segments_broken) << " skipped";
    std::cout << "): " << n(s.events_read) << " rows, " << n(s.events_new) << " new, " << n(s.events_updated)
              << " updated, " << n(s.events_unchanged) << " unchanged";
    if (s.events_refused > 0) std::cout << ", " << n(s.events_refused) << " refused";
    if (s.lines_refused > 0) std::cout << ", " << n(s.lines_refused) << " lines refused";
    std::cout << "\n";
    return 0;
}

}  // namespace agent
