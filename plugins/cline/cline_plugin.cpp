// The Cline source plugin (VS Code extension saoudrizwan.claude-dev, and the
// Cline CLI / JetBrains hosts that share ~/.cline/data). Cline's `tokensIn`
// is the provider's own input count (see vscode_task_tool.hpp).
#include <memory>

#include "vscode_task_plugin.hpp"

namespace usage::plugins {
namespace {

namespace fs = std::filesystem;
using vscode_tasks::InputMeaning;

class ClinePlugin final : public vscode_tasks::VscodeTaskPlugin {
public:
    ClinePlugin() : VscodeTaskPlugin({"cline", InputMeaning::provider_raw, 0}, "saoudrizwan.claude-dev") {}

    std::string_view description() const override {
        return "Cline tasks (<VS Code user dir>/globalStorage/saoudrizwan.claude-dev/tasks, ~/.cline/data/tasks, "
               "$CLINE_DATA_DIR, $CLINE_DIR)";
    }
    std::vector<fs::path> roots(const DiscoveryContext& ctx) const override {
        auto roots = VscodeTaskPlugin::roots(ctx);
        // Cline's data dir, resolved as Cline does: $CLINE_DATA_DIR, else
        // $CLINE_DIR/data, else ~/.cline/data.
        if (auto data = ctx.env->get("CLINE_DATA_DIR"))
            roots.push_back(fs::path(*data) / "tasks");
        else if (auto dir = ctx.env->get("CLINE_DIR"))
            roots.push_back(fs::path(*dir) / "data" / "tasks");
        else
            roots.push_back(ctx.env->home() / ".cline" / "data" / "tasks");
        return roots;
    }
    std::vector<std::string_view> root_variables() const override {
        return {"CLINE_DATA_DIR", "CLINE_DIR", "VSCODE_PORTABLE", "VSCODE_APPDATA"};
    }
    std::vector<fs::path> windows_roots(const fs::path& windows_home) const override {
        auto roots = VscodeTaskPlugin::windows_roots(windows_home);
        roots.push_back(windows_home / ".cline" / "data" / "tasks");
        return roots;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_cline_plugin() {
    return std::make_unique<ClinePlugin>();
}

}  // namespace usage::plugins
