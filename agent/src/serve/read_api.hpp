// The read API (`GET /api/v1/...`): the analytics of `usage-agent report`
// over HTTP, with the same filters and the same JSON (report_json) plus a
// `paging` object. docs/sync-protocol.md lists the routes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http_message.hpp"
#include "query_string.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

/// True for the paths handled here.
bool is_read_path(std::string_view path);

/// Answer a GET on a read path. `confined_user`: the only user whose events
/// the caller may see (members); nullopt: everyone's (managers, admins, the
/// local no-token mode). Bad parameters -> 400 naming them; a member asking
/// for another user -> 403.
Response handle_read(const Request& req, const Target& target, const usage::Store& store,
                     const std::optional<std::string>& confined_user);

}  // namespace agent::serve
