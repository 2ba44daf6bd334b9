// The Factory Droid source plugin: `~/.factory/sessions/<cwd-slug>/<session>.settings.json`,
// whose `tokenUsage` is the session's running total. Each observed growth
// becomes one event with the difference (droid_usage.hpp); the files are read
// as ReadMode::cumulative because Droid replaces them as it goes.
#include "droid_discovery.hpp"
#include "droid_models.hpp"
#include "droid_scan.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

class DroidPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "droid"; }
    std::string_view description() const override {
        return "Factory Droid sessions (~/.factory/sessions/*/*.settings.json, $FACTORY_DIR, $DROID_SESSIONS_DIR)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return droid::droid_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"DROID_SESSIONS_DIR", "FACTORY_DIR"}; }
    // Droid on Windows: %USERPROFILE%\.factory.
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".factory" / "sessions"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return droid::discover_droid_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        return droid::scan_settings_file(file, start.state);
    }
    std::optional<ModelNameMapping> map_model_name(std::string_view model) const override {
        std::string id = droid::pricing_model_of(model);
        if (id.empty()) return std::nullopt;
        return ModelNameMapping{std::move(id), "Factory Droid model name"};
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_droid_plugin() {
    return std::make_unique<DroidPlugin>();
}

}  // namespace usage::plugins
