// Which handler answers a request, and whether the caller may ask: decided
// from the header alone (so a refused upload is never read), then run once
// the body is in.
//
//   GET  /healthz          no auth
//   POST /v1/ingest        team mode (--ingest) only, bearer token
//   GET  /api/v1/...       team mode: bearer token (members: own events);
//                          local mode: no token, this store's data
#pragma once

#include <optional>
#include <variant>

#include "auth.hpp"
#include "http_message.hpp"
#include "query_string.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

/// A request accepted from its header: what to run and for whom.
struct Route {
    enum class Kind { health, ingest, read };
    Kind kind = Kind::health;
    Target target;
    std::optional<Principal> principal;  ///< nullopt: local mode (no tokens)
};

class Router {
public:
    /// `team`: `--ingest` (tokens required, ingest enabled); otherwise the
    /// local, token-less read API.
    Router(usage::Store& store, bool team) : store_(store), team_(team) {}

    /// The route, or the refusal to send right away (400, 401, 403, 404, 405).
    std::variant<Response, Route> route(const Request& header) const;

    /// Run an accepted route on the complete request. Never throws: store
    /// failures are 503 with Retry-After, anything else 500.
    Response handle(const Route& route, const Request& req) const noexcept;

private:
    usage::Store& store_;
    bool team_;
};

}  // namespace agent::serve
