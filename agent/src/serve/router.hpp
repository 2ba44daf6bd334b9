// Which handler answers a request, and whether the caller may ask: decided
// from the header alone (so a refused upload is never read), then run once
// the body is in.
//
//   GET  /healthz          no auth
//   GET  /metrics          no auth: Prometheus text (agent_metrics.hpp;
//                          counts only, no names of users or projects)
//   GET  /, /assets/...    the dashboard's static files, no auth (the page
//                          reads the API below, with its checks)
//   /api/v1/session        the dashboard's sign-in (browser_session.hpp)
//   /api/usage/..., /:org/sessions/analytics/...
//                          other dashboards' names for /api/v1 routes
//                          (compat_paths.hpp); POST /api/usage/refresh scans
//                          now in local mode, 204 in team mode
//   POST /v1/ingest        team mode (--ingest) only, bearer token
//   GET  /api/v1/...       team mode: bearer token or the session cookie
//                          (members: own events);
//                          local mode: no token, this store's data
//
// Local mode answers only requests whose Host is a loopback name
// (loopback_host.hpp), whatever the path: 403 otherwise.
#pragma once

#include <functional>
#include <optional>
#include <variant>

#include "auth.hpp"
#include "http_message.hpp"
#include "query_string.hpp"
#include "request_workers.hpp"
#include "sign_in_throttle.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

/// A request accepted from its header: what to run and for whom.
struct Route {
    enum class Kind { health, page, session, ingest, read, refresh, metrics };
    Kind kind = Kind::health;
    Target target;
    std::optional<Principal> principal;  ///< nullopt: local mode (no tokens)
    bool team = false;                   ///< serve runs with --ingest
    bool tls = false;                    ///< serve terminates TLS itself (--tls-cert)
    boost::asio::ip::address remote;     ///< the client's address
};

/// The route's name in metrics ("read", "ingest", ...).
const char* route_name(Route::Kind kind);

class Router {
public:
    /// Local mode's `POST /api/usage/refresh`: scan this machine's
    /// transcripts into the store now; the scan's statistics as JSON.
    using Scan = std::function<nlohmann::json(usage::Store&)>;

    /// `team`: `--ingest` (tokens required, ingest enabled); otherwise the
    /// local, token-less read API. `auth_store` is the network thread's own
    /// connection, for token lookups; requests run on `workers`. `scan`:
    /// local mode only.
    Router(usage::Store& auth_store, RequestWorkers& workers, bool team, Scan scan = {})
        : auth_store_(auth_store), workers_(workers), team_(team), scan_(std::move(scan)) {}

    /// The server speaks TLS itself (serve --tls-cert): sign-in cookies are
    /// `Secure`, as they are behind a proxy that says X-Forwarded-Proto: https.
    void set_tls(bool tls) { tls_ = tls; }

    /// Called (on the worker's thread) after each ingest that stored its
    /// batch: the team budgets' cue to look again (alerts/serve_budgets.hpp).
    void on_ingest(std::function<void()> ingested) { ingested_ = std::move(ingested); }

    /// The route, or the refusal to send right away (400, 401, 403, 404,
    /// 405; 429 for an address that sent too many wrong tokens, see
    /// sign_in_throttle.hpp). Called on the network thread only.
    std::variant<Response, Route> route(const Request& header, const boost::asio::ip::address& remote) const;

    /// Run an accepted route on the complete request, on the worker for its
    /// kind, and give `done` the answer (on that worker's thread). `route`
    /// and `req` must live until then.
    void dispatch(const Route& route, const Request& req, std::function<void(Response)> done) const;

    /// Run an accepted route on `store`. Never throws: store failures are 503
    /// with Retry-After, anything else 500.
    static Response handle(const Route& route, const Request& req, usage::Store& store) noexcept;

private:
    usage::Store& auth_store_;
    RequestWorkers& workers_;
    bool team_;
    bool tls_ = false;
    Scan scan_;
    std::function<void()> ingested_;
    mutable SignInThrottle throttle_;  ///< network thread only
};

}  // namespace agent::serve
