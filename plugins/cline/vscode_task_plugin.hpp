// The SourcePlugin shared by Cline, Roo Code and Kilo Code: one task format,
// found under each extension's own globalStorage folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usage/scan/source.hpp"
#include "vscode_task_discovery.hpp"
#include "vscode_task_models.hpp"
#include "vscode_task_scan.hpp"
#include "vscode_task_tool.hpp"

namespace usage::plugins::vscode_tasks {

class VscodeTaskPlugin : public SourcePlugin {
public:
    VscodeTaskPlugin(TaskTool tool, std::string_view extension_id) : tool_(tool), extension_id_(extension_id) {}

    std::string_view name() const override { return tool_.source; }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return extension_task_roots(ctx, extension_id_);
    }
    /// VS Code's own moves of its user data (portable mode, app data dir).
    std::vector<std::string_view> root_variables() const override { return {"VSCODE_PORTABLE", "VSCODE_APPDATA"}; }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return windows_extension_task_roots(windows_home, extension_id_);
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return discover_task_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        return scan_task(tool_, file, start);
    }
    std::optional<ModelNameMapping> map_model_name(std::string_view model) const override {
        std::string id = router_claude_pricing_id(model);
        if (id.empty()) return std::nullopt;
        return ModelNameMapping{std::move(id), "router's Claude name (dotted version, :variant)"};
    }

protected:
    [[nodiscard]] std::string_view extension_id() const { return extension_id_; }

private:
    TaskTool tool_;
    std::string_view extension_id_;
};

}  // namespace usage::plugins::vscode_tasks
