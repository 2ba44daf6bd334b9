// The push step of `sync` (and later of the service loop): token, options,
// progress bar, and one line of outcome.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "app_context.hpp"
#include "usage/sync_push.hpp"

namespace agent {

/// Push the outbox to sync.endpoint. nullopt when no endpoint is configured;
/// outcome not_started (the reason in `message`) when no usable token is.
std::optional<usage::sync::PushReport> run_push(AppContext& ctx);

/// JSON of a push report (for `sync --json` and `status --json`).
nlohmann::json push_report_json(const usage::sync::PushReport& r);

/// "delivered", "auth_refused", ...
std::string_view to_string(usage::sync::PushOutcome outcome);

}  // namespace agent
