// Signing in to the dashboard in team mode. The page posts a token once; the
// answer sets an HttpOnly, SameSite=Strict cookie holding it, so the token
// never sits where the page's script (or an injected one) could read it, and
// another site's requests never carry it. The cookie is the token itself:
// every replica checks it against the shared token table, a revoked token
// stops working at once, and a restart signs nobody out. The cookie is
// accepted for GET on the read API only, never for uploads.
//
//   GET    /api/v1/session   who is signed in: {"mode", "user", "role"}; 401
//   POST   /api/v1/session   {"token": "..."} (application/json) signs in
//   DELETE /api/v1/session   signs out (the cookie expires)
//
// Local mode needs no sign-in: GET says {"mode": "local"}.
#pragma once

#include <string>
#include <string_view>

#include "http_message.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

inline constexpr std::string_view kSessionPath = "/api/v1/session";

/// The token in a `Cookie` header's session cookie, or "".
std::string session_token(std::string_view cookie_header);

/// Answers a request on kSessionPath; `team`: serve runs with --ingest;
/// `tls`: serve terminates TLS itself (the cookie is then `Secure`).
Response handle_session(const Request& req, const usage::Store& store, bool team, bool tls = false);

}  // namespace agent::serve
