// The OpenCode source plugin: its SQLite database(s) and the legacy JSON
// tree, both read as snapshots. A message found in both counts once: the
// database row supersedes the legacy copy in the store (see make_event).
#include <chrono>

#include "opencode_db_reader.hpp"
#include "opencode_discovery.hpp"
#include "opencode_legacy_reader.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

class OpenCodePlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "opencode"; }
    int default_min_interval_seconds() const override { return 10; }
    std::string_view description() const override {
        return "OpenCode sessions (opencode*.db and legacy storage/ under $OPENCODE_DATA_DIR or "
               "~/.local/share/opencode)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return opencode::opencode_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"OPENCODE_DATA_DIR"}; }
    // OpenCode takes its data folder from xdg-basedir, which on Windows too
    // is %USERPROFILE%\.local\share (XDG_DATA_HOME is rarely set there).
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".local" / "share" / "opencode"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return opencode::discover_opencode_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        if (file.kind == opencode::kKindLegacyMessage) return opencode::scan_legacy_message(file);
        return opencode::scan_database(file.path, start.state, unix_now_ms()).result;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_opencode_plugin() {
    return std::make_unique<OpenCodePlugin>();
}

}  // namespace usage::plugins
