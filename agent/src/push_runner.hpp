// The push step of `sync` (and later of the service loop): token, options,
// progress bar, and one line of outcome.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "app_context.hpp"
#include "usage/sync/push.hpp"

namespace agent {

/// `run` pushes after every scan that found something; to a shared folder
/// that would be a new file every few seconds, which sync tools handle worst
/// (each is a separate upload, and git a separate object): at most one
/// segment per minute, the rows in between go with the next one.
inline constexpr std::chrono::seconds kRunFolderSegmentInterval{60};

/// Push the outbox to sync.endpoint. nullopt when no endpoint is configured;
/// outcome not_started (the reason in `message`) when no usable token is.
/// `sleep` replaces the wait between retries (`run` makes it end at once on
/// SIGTERM); empty = sleep the thread. A file:/// endpoint is a shared folder
/// (usage/sync/folder_push.hpp): no token, and no segment is written within
/// `min_folder_interval` of the last one.
std::optional<usage::sync::PushReport> run_push(AppContext& ctx,
                                                std::function<void(std::chrono::milliseconds)> sleep = {},
                                                std::chrono::milliseconds min_folder_interval = {});

/// JSON of a push report (for `sync --json` and `status --json`).
nlohmann::json push_report_json(const usage::sync::PushReport& r);

}  // namespace agent
