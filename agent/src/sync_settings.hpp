// What a push needs beyond the config: the bearer token (from a 0600 file or
// the environment, never printed) and this machine's description.
#pragma once

#include <optional>
#include <string>

#include "app_context.hpp"
#include "usage/sync/push.hpp"

namespace agent {

/// The token from $USAGE_AGENT_TOKEN, else from sync.token_file. Throws
/// std::runtime_error naming the file when it is missing, empty or readable
/// by others (must be mode 0600). nullopt when neither is configured.
std::optional<std::string> load_sync_token(const AppContext& ctx);

/// Push options from the config: endpoint, token, TLS, batch size, machine.
usage::sync::PushOptions push_options(AppContext& ctx, std::string token);

}  // namespace agent
