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

/// Push the outbox to sync.endpoint. nullopt when no endpoint is configured;
/// outcome not_started (the reason in `message`) when no usable token is.
/// `sleep` replaces the wait between retries (`run` makes it end at once on
/// SIGTERM); empty = sleep the thread.
std::optional<usage::sync::PushReport> run_push(AppContext& ctx,
                                                std::function<void(std::chrono::milliseconds)> sleep = {});

/// JSON of a push report (for `sync --json` and `status --json`).
nlohmann::json push_report_json(const usage::sync::PushReport& r);

}  // namespace agent
