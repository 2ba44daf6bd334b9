// GET / and /assets/...: the dashboard's files, with the headers that keep
// the page to itself: a Content-Security-Policy that allows only this
// origin's scripts, styles and API (no inline script, nothing from another
// host, no framing), nosniff and no referrer.
#pragma once

#include <string_view>

#include "http_message.hpp"

namespace agent::serve {

/// True for the paths of the dashboard's files.
bool is_dashboard_path(std::string_view path);

/// The file at the request's `path` with its headers (404 when there is none).
Response dashboard_response(const Request& req, std::string_view path);

}  // namespace agent::serve
