// The Goose source plugin: `sessions/sessions.db`, whose sessions hold only
// running totals. Each observed growth of a session becomes one event with
// the difference (goose_totals.hpp); the file is read as
// ReadMode::cumulative so what was counted survives a rewrite of the
// database and a full rescan.
#include "goose_db_reader.hpp"
#include "goose_discovery.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

class GoosePlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "goose"; }
    std::string_view description() const override {
        return "Goose sessions (sessions/sessions.db under $GOOSE_PATH_ROOT/data or ~/.local/share/goose)";
    }
    // Goose updates the session row after every reply, and each scan reads
    // every session row.
    int default_min_interval_seconds() const override { return 10; }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return goose::goose_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"GOOSE_PATH_ROOT"}; }
    // Goose's etcetera Windows strategy: %APPDATA%\Block\goose\data.
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / "AppData" / "Roaming" / "Block" / "goose" / "data"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return goose::discover_goose_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        return goose::scan_sessions_db(file.path, start.state, file.stat.mtime_ns / 1'000'000);
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_goose_plugin() {
    return std::make_unique<GoosePlugin>();
}

}  // namespace usage::plugins
