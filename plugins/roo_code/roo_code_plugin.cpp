// The Roo Code source plugin (VS Code extension rooveterinaryinc.roo-cline).
// Roo forked Cline: the task reader is Cline's; since Roo PR #8954 its
// `tokensIn` is the total input, cache included (see vscode_task_tool.hpp).
#include <memory>

#include "../cline/vscode_task_plugin.hpp"

namespace usage::plugins {
namespace {

using vscode_tasks::InputMeaning;

class RooCodePlugin final : public vscode_tasks::VscodeTaskPlugin {
public:
    RooCodePlugin()
        : VscodeTaskPlugin({"roo-code", InputMeaning::total_with_cache, vscode_tasks::kRooTotalInputSinceMs},
                           "rooveterinaryinc.roo-cline") {}

    std::string_view description() const override {
        return "Roo Code tasks (<VS Code user dir>/globalStorage/rooveterinaryinc.roo-cline/tasks)";
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_roo_code_plugin() {
    return std::make_unique<RooCodePlugin>();
}

}  // namespace usage::plugins
