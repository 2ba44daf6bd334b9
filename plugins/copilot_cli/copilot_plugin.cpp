// The GitHub Copilot CLI source plugin. Copilot keeps up to three records of
// the same calls; in order of trust: session-store.db (one row per API
// request), the OpenTelemetry file export (one chat span per request, opt-in)
// and the per-model totals of `session.shutdown` in each session's
// events.jsonl. How one call is counted once is in copilot_event.hpp.
#include "copilot_db_reader.hpp"
#include "copilot_discovery.hpp"
#include "copilot_event.hpp"
#include "copilot_events_reader.hpp"
#include "copilot_models.hpp"
#include "copilot_otel_reader.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

class CopilotCliPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return copilot::kSource; }
    std::string_view description() const override {
        return "GitHub Copilot CLI (session-store.db, OpenTelemetry file export, session-state/*/events.jsonl "
               "under $COPILOT_HOME or ~/.copilot)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return copilot::copilot_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override {
        return {"COPILOT_HOME", "COPILOT_OTEL_FILE_EXPORTER_PATH"};
    }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".copilot"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return copilot::discover_copilot_files(roots);
    }
    // No pause between scans (the default 0): the database changes all the
    // time while Copilot runs, but a scan of it is one query on the primary
    // key from the saved row id that returns only the new rows, and the JSONL
    // files are read from their offsets.
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        if (file.kind == copilot::kKindDatabase) return copilot::scan_session_store(file.path, start.state);
        if (file.kind == copilot::kKindOtel) return copilot::scan_otel_export(file, start);
        return copilot::scan_events_log(file, start);
    }
    std::optional<ModelNameMapping> map_model_name(std::string_view model) const override {
        auto mapped = copilot::map_copilot_model(model);
        if (mapped.pricing_model.empty() || mapped.pricing_model == model) return std::nullopt;
        return ModelNameMapping{std::move(mapped.pricing_model), "Copilot CLI model name"};
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_copilot_cli_plugin() {
    return std::make_unique<CopilotCliPlugin>();
}

}  // namespace usage::plugins
