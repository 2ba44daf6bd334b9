// Local mode's defence against DNS rebinding. A page on evil.example that
// re-points its name at 127.0.0.1 makes the user's browser send its requests
// to this loopback-only server, which needs no token in local mode; but the
// browser still names the site it thinks it talks to in `Host`. So local mode
// answers only requests whose Host is a loopback name or address.
#pragma once

#include <string_view>

namespace agent::serve {

/// True for `localhost`, a 127.0.0.0/8 address or `[::1]`, each with or
/// without `:port` (any case, a trailing dot allowed on the name).
bool is_loopback_host(std::string_view host);

}  // namespace agent::serve
