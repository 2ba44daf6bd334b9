#include "router.hpp"

#include <iostream>

#include "browser_session.hpp"
#include "compat_paths.hpp"
#include "dashboard_page.hpp"
#include "ingest_handler.hpp"
#include "limits.hpp"
#include "loopback_host.hpp"
#include "metrics/agent_metrics.hpp"
#include "metrics/metric_registry.hpp"
#include "read_api.hpp"
#include "usage/store/store_failure.hpp"

namespace agent::serve {
namespace {

Response method_not_allowed(const Request& req, const char* allow) {
    Response res = error_response(req, http::status::method_not_allowed,
                                  std::string(view(req.method_string())) + " is not allowed here (use " + allow + ")");
    res.set(http::field::allow, allow);
    return res;
}

Response too_many_failures(const Request& req, int retry_after) {
    Response res =
        error_response(req, http::status::too_many_requests,
                       "too many wrong tokens from this address; try again in " + std::to_string(retry_after) + " s");
    res.set(http::field::retry_after, std::to_string(retry_after));
    return res;
}

Response unavailable(const Request& req, const std::string& reason) {
    Response res = error_response(req, http::status::service_unavailable, reason);
    res.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
    return res;
}

// GET, or HEAD: the same answer without its body (http_session.cpp drops it).
bool is_get(http::verb method) {
    return method == http::verb::get || method == http::verb::head;
}

}  // namespace

const char* route_name(Route::Kind kind) {
    switch (kind) {
        case Route::Kind::health: return "health";
        case Route::Kind::page: return "page";
        case Route::Kind::session: return "session";
        case Route::Kind::ingest: return "ingest";
        case Route::Kind::read: return "read";
        case Route::Kind::refresh: return "refresh";
        case Route::Kind::metrics: return "metrics";
    }
    return "other";
}

std::variant<Response, Route> Router::route(const Request& header, const boost::asio::ip::address& remote) const {
    if (!team_) {
        const std::string_view host = view(header[http::field::host]);
        if (!is_loopback_host(host))
            return error_response(header, http::status::forbidden,
                                  "Host '" + std::string(host.substr(0, 100)) +
                                      "' is not a loopback name: without --ingest, serve answers only requests for "
                                      "localhost, 127.0.0.1 or [::1] (a page elsewhere must not read this data)");
    }
    Route r;
    r.team = team_;
    r.tls = tls_;
    r.remote = remote;
    try {
        r.target = parse_target(view(header.target()));
    } catch (const std::invalid_argument& e) {
        return error_response(header, http::status::bad_request, e.what());
    }
    if (auto canonical = canonical_target(r.target)) r.target = std::move(*canonical);
    const std::string& path = r.target.path;
    const http::verb method = header.method();
    if (path == "/healthz") {
        if (!is_get(method)) return method_not_allowed(header, "GET, HEAD");
        r.kind = Route::Kind::health;
        return r;
    }
    if (path == "/metrics") {
        if (!is_get(method)) return method_not_allowed(header, "GET, HEAD");
        r.kind = Route::Kind::metrics;
        return r;
    }
    if (path == kSessionPath) {  // signs in with the token in its body, or reads the cookie
        if (method != http::verb::get && method != http::verb::post && method != http::verb::delete_)
            return method_not_allowed(header, "GET, POST, DELETE");
        if (team_ && method != http::verb::delete_)
            if (const int wait = throttle_.retry_after(remote, SignInThrottle::Clock::now()))
                return too_many_failures(header, wait);
        r.kind = Route::Kind::session;
        return r;
    }
    if (is_dashboard_path(path)) {  // static files: the data behind them is the API's, with its checks
        if (!is_get(method)) return method_not_allowed(header, "GET, HEAD");
        r.kind = Route::Kind::page;
        return r;
    }
    if (path == "/v1/ingest" && team_) {
        if (method != http::verb::post) return method_not_allowed(header, "POST");
        r.kind = Route::Kind::ingest;
    } else if (is_read_path(path)) {
        if (!is_get(method)) return method_not_allowed(header, "GET, HEAD");
        r.kind = Route::Kind::read;
    } else if (path == kRefreshPath) {
        if (method != http::verb::post) return method_not_allowed(header, "POST");
        // JSON only: another site's form cannot send it without a CORS
        // preflight (never granted), so no web page can start scans here.
        if (!view(header[http::field::content_type]).starts_with("application/json"))
            return error_response(header, http::status::unsupported_media_type,
                                  "refresh with Content-Type: application/json (body {} or empty)");
        r.kind = Route::Kind::refresh;
    } else if (path == "/v1/ingest") {
        return error_response(header, http::status::not_found,
                              "this server does not accept uploads (start it with `usage-agent serve --ingest`)");
    } else {
        return error_response(header, http::status::not_found, "no such path '" + path + "'");
    }
    if (!team_) return r;  // local mode: the loopback-only read API needs no token
    if (const int wait = throttle_.retry_after(remote, SignInThrottle::Clock::now()))
        return too_many_failures(header, wait);
    try {
        // The dashboard's reads carry the session cookie instead of a header;
        // an upload never may (a cookie rides along with any request a
        // browser sends here).
        std::string authorization(view(header[http::field::authorization]));
        if (authorization.empty() && r.kind == Route::Kind::read) {
            const std::string token = session_token(view(header[http::field::cookie]));
            if (!token.empty()) authorization = "Bearer " + token;
        }
        AuthOutcome auth = authenticate(auth_store_, authorization);
        if (!auth.principal && !authorization.empty()) throttle_.failed(remote, SignInThrottle::Clock::now());
        if (!auth.principal) {
            Response res = error_response(header, auth.status, auth.error);
            if (auth.status == http::status::unauthorized) res.set(http::field::www_authenticate, "Bearer");
            return res;
        }
        r.principal = std::move(auth.principal);
    } catch (const std::exception& e) {
        std::cerr << "usage-agent serve: token lookup failed: " << e.what() << std::endl;
        return unavailable(header, "the token store is not available");
    }
    return r;
}

void Router::dispatch(const Route& route, const Request& req, std::function<void(Response)> done) const {
    switch (route.kind) {
        case Route::Kind::health:
        case Route::Kind::metrics:
        case Route::Kind::page: return done(handle(route, req, auth_store_));
        case Route::Kind::session: {
            Response res = handle(route, req, auth_store_);
            // A refused sign-in (or session cookie) counts against its address.
            if (route.team && (res.result() == http::status::unauthorized || res.result() == http::status::forbidden) &&
                (req.method() == http::verb::post || !view(req[http::field::cookie]).empty()))
                throttle_.failed(route.remote, SignInThrottle::Clock::now());
            return done(std::move(res));
        }
        case Route::Kind::ingest:
            return workers_.write([this, &route, &req, done](usage::Store& store) {
                Response res = handle(route, req, store);
                const bool stored = res.result() == http::status::ok;
                done(std::move(res));
                if (stored && ingested_) ingested_();
            });
        case Route::Kind::read:
            return workers_.read([&route, &req, done](usage::Store& store) { done(handle(route, req, store)); });
        case Route::Kind::refresh:
            // Team mode: the agents push as they scan; nothing to do here.
            if (team_ || !scan_) return done(Response{http::status::no_content, req.version()});
            return workers_.write([this, &req, done](usage::Store& store) {
                try {
                    done(json_response(req, http::status::ok, scan_(store)));
                } catch (const std::exception& e) {
                    std::cerr << "usage-agent serve: refresh: " << e.what() << std::endl;
                    if (const auto failure = usage::store_failure(std::current_exception()))
                        return done(unavailable(req, "store error: " + failure->message));
                    done(error_response(req, http::status::internal_server_error, std::string("scan: ") + e.what()));
                }
            });
    }
}

Response Router::handle(const Route& route, const Request& req, usage::Store& store) noexcept {
    try {
        switch (route.kind) {
            case Route::Kind::health: return json_response(req, http::status::ok, {{"status", "ok"}});
            case Route::Kind::metrics: {
                metrics::describe_serve();
                Response res{http::status::ok, req.version()};
                res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
                res.set(http::field::cache_control, "no-store");
                res.body() = metrics::registry().render();
                return res;
            }
            case Route::Kind::page: return dashboard_response(req, route.target.path);
            case Route::Kind::session: return handle_session(req, store, route.team, route.tls);
            case Route::Kind::refresh: return Response{http::status::no_content, req.version()};
            case Route::Kind::ingest: return handle_ingest(req, store, route.principal->user);
            case Route::Kind::read: {
                std::optional<std::string> confined;
                if (route.principal && !route.principal->reads_everyone()) confined = route.principal->user;
                return handle_read(req, route.target, store, confined);
            }
        }
        return error_response(req, http::status::internal_server_error, "unknown route");
    } catch (const std::exception& e) {
        if (const auto failure = usage::store_failure(std::current_exception())) {
            std::cerr << "usage-agent serve: " << view(req.method_string()) << " " << route.target.path
                      << ": store error: " << failure->message << std::endl;
            return unavailable(req, "store error: " + failure->message);
        }
        std::cerr << "usage-agent serve: " << view(req.method_string()) << " " << route.target.path << ": " << e.what()
                  << std::endl;
        try {
            return error_response(req, http::status::internal_server_error, e.what());
        } catch (...) {
            return Response{http::status::internal_server_error, req.version()};
        }
    }
}

}  // namespace agent::serve
