// The Kilo Code source plugin (VS Code extension kilocode.kilo-code, the
// Roo-based versions that keep task folders). Kilo forked Roo and counts
// `tokensIn` as Roo does (see vscode_task_tool.hpp).
#include <memory>

#include "../cline/vscode_task_plugin.hpp"

namespace usage::plugins {
namespace {

using vscode_tasks::InputMeaning;

class KiloCodePlugin final : public vscode_tasks::VscodeTaskPlugin {
public:
    KiloCodePlugin()
        : VscodeTaskPlugin({"kilo-code", InputMeaning::total_with_cache, vscode_tasks::kRooTotalInputSinceMs},
                           "kilocode.kilo-code") {}

    std::string_view description() const override {
        return "Kilo Code tasks (<VS Code user dir>/globalStorage/kilocode.kilo-code/tasks)";
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_kilo_code_plugin() {
    return std::make_unique<KiloCodePlugin>();
}

}  // namespace usage::plugins
