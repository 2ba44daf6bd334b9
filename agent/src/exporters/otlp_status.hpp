// What `status` says about the OTLP exporter: its endpoint, rows waiting for
// it and how its last export went.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app_context.hpp"

namespace agent {

/// null when exporters.otlp.endpoint is not set.
nlohmann::json otlp_status_json(AppContext& ctx);
/// Lines for the text `status` ("otlp:      off ..." when not set).
std::string otlp_status_text(AppContext& ctx);

}  // namespace agent
