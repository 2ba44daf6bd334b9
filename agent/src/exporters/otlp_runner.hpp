// The OTLP export step of `sync` and `run`: options from the config, the
// export, and its report as JSON.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "app_context.hpp"
#include "usage/sync/otlp_export.hpp"

namespace agent {

/// Export the outbox to exporters.otlp.endpoint; nullopt when none is
/// configured. `sleep` replaces the wait between retries (`run` makes it end
/// at once on SIGTERM); empty = sleep the thread.
std::optional<usage::sync::OtlpReport> run_otlp_export(AppContext& ctx,
                                                       std::function<void(std::chrono::milliseconds)> sleep = {});

/// Whether the export left rows or metrics undelivered.
bool otlp_failed(const usage::sync::OtlpReport& report);

/// JSON of an export report (for `sync --json`).
nlohmann::json otlp_report_json(const usage::sync::OtlpReport& r);

}  // namespace agent
