#include "browser_session.hpp"

#include <algorithm>

#include "auth.hpp"

namespace agent::serve {
namespace {

constexpr std::string_view kCookie = "usage_session";
// A week: the token's own revocation ends it sooner.
constexpr const char* kCookieAttributes = "; Path=/; HttpOnly; SameSite=Strict";
constexpr int kCookieSeconds = 7 * 24 * 3600;

bool cookie_safe(std::string_view token) {
    return !token.empty() && token.size() <= 256 && std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '.';
    });
}

nlohmann::json who(const Principal& p) {
    return {{"mode", "team"}, {"user", p.user}, {"role", to_string(p.role)}};
}

Response refused(const Request& req, const AuthOutcome& auth) {
    return error_response(req, auth.status, auth.error);
}

}  // namespace

std::string session_token(std::string_view header) {
    while (!header.empty()) {
        const auto end = header.find(';');
        std::string_view pair = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (pair.starts_with(kCookie) && pair.size() > kCookie.size() && pair[kCookie.size()] == '=')
            return std::string(pair.substr(kCookie.size() + 1));
    }
    return {};
}

Response handle_session(const Request& req, const usage::Store& store, bool team, bool tls) {
    const http::verb method = req.method();
    if (!team) {
        if (method == http::verb::get) return json_response(req, http::status::ok, {{"mode", "local"}});
        return error_response(req, http::status::not_found,
                              "local mode needs no sign-in (tokens are for `usage-agent serve --ingest`)");
    }
    if (method == http::verb::get) {
        const std::string token = session_token(view(req[http::field::cookie]));
        if (token.empty()) return error_response(req, http::status::unauthorized, "not signed in");
        const AuthOutcome auth = authenticate(store, "Bearer " + token);
        return auth.principal ? json_response(req, http::status::ok, who(*auth.principal)) : refused(req, auth);
    }
    if (method == http::verb::delete_) {
        Response res = json_response(req, http::status::ok, {{"signed_out", true}});
        res.set(http::field::set_cookie, std::string(kCookie) + "=" + kCookieAttributes + "; Max-Age=0");
        return res;
    }
    // POST. JSON only: a form on another site cannot send it without a CORS
    // preflight, which this server never grants (no signing a victim's
    // browser in as someone else).
    const std::string_view type = view(req[http::field::content_type]);
    if (!type.starts_with("application/json"))
        return error_response(req, http::status::unsupported_media_type,
                              "sign in with a JSON body {\"token\": \"...\"} (Content-Type: application/json)");
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("token") || !body["token"].is_string())
        return error_response(req, http::status::bad_request, "the body must be {\"token\": \"...\"}");
    const std::string token = body["token"].get<std::string>();
    const AuthOutcome auth = cookie_safe(token)
                                 ? authenticate(store, "Bearer " + token)
                                 : AuthOutcome{std::nullopt, http::status::unauthorized, "unknown token"};
    if (!auth.principal) return refused(req, auth);
    Response res = json_response(req, http::status::ok, who(*auth.principal));
    // Over TLS - our own, or the proxy's in front - the browser must never
    // send the cookie over plain HTTP.
    const bool secure = tls || view(req["X-Forwarded-Proto"]) == "https";
    res.set(http::field::set_cookie, std::string(kCookie) + "=" + token + kCookieAttributes +
                                         (secure ? "; Secure" : "") + "; Max-Age=" + std::to_string(kCookieSeconds));
    return res;
}

}  // namespace agent::serve
