// The Kilo CLI source plugin. Kilo CLI is a fork of OpenCode that keeps
// OpenCode's SQLite storage (tables session/message/part, the same message
// JSON), so its databases are read by OpenCode's database reader under the
// source name `kilo-cli`. Only assistant messages count; `part` rows
// (step-finish parts repeat each step's tokens and cost) are never read.
#include "../opencode/opencode_db_reader.hpp"
#include "kilo_discovery.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

constexpr std::string_view kName = "kilo-cli";

class KiloCliPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return kName; }
    std::string_view description() const override {
        return "Kilo CLI sessions (kilo.db and channel databases under ~/.local/share/kilo, $KILO_DB)";
    }
    int default_min_interval_seconds() const override { return 10; }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return kilo::kilo_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"KILO_DB"}; }
    // Kilo takes its folder from xdg-basedir (%USERPROFILE%\.local\share on
    // Windows too); a peer reader uses %APPDATA%\kilo.
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".local" / "share" / "kilo", windows_home / "AppData" / "Roaming" / "kilo"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return kilo::discover_kilo_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        return opencode::scan_database(file.path, start.state, unix_now_ms(), kName).result;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_kilo_cli_plugin() {
    return std::make_unique<KiloCliPlugin>();
}

}  // namespace usage::plugins
