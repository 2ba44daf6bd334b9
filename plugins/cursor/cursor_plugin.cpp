// The Cursor source plugin: token counts of assistant bubbles in the local
// state.vscdb (a partial record), and the dashboard's usage CSV export (the
// complete record), imported by hand with `usage-agent import cursor-csv`.
#include <stdexcept>

#include "cursor_csv_import.hpp"
#include "cursor_discovery.hpp"
#include "cursor_models.hpp"
#include "cursor_vscdb.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

constexpr std::string_view kCsvImporter = "cursor-csv";

class CursorPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "cursor"; }
    int default_min_interval_seconds() const override { return 10; }
    std::string_view description() const override {
        return "Cursor IDE (Cursor/User/globalStorage/state.vscdb; dashboard CSV via `import cursor-csv`)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return cursor::cursor_roots(ctx);
    }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return cursor::cursor_windows_roots(windows_home);
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return cursor::discover_cursor_dbs(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        return cursor::scan_state_db(file, start);
    }
    std::optional<ModelNameMapping> map_model_name(std::string_view model) const override {
        auto mapped = cursor::map_cursor_model(model);
        if (mapped.pricing_model.empty()) return std::nullopt;
        return ModelNameMapping{std::move(mapped.pricing_model), "Cursor model name"};
    }
    std::vector<std::string> importers() const override { return {std::string(kCsvImporter)}; }
    ScanResult import_file(std::string_view importer, const std::filesystem::path& file) const override {
        if (importer != kCsvImporter) return SourcePlugin::import_file(importer, file);
        return cursor::import_cursor_csv(file);
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_cursor_plugin() {
    return std::make_unique<CursorPlugin>();
}

}  // namespace usage::plugins
