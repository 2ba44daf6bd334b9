// The HTTP messages `serve` handles (Beast string bodies) and the JSON
// answers every route builds: `{"error": reason}` for every refusal.
#pragma once

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace agent::serve {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Beast 1.74 hands out boost::string_view; the rest of the code speaks std.
inline std::string_view view(boost::beast::string_view s) {
    return {s.data(), s.size()};
}

/// A JSON answer with the request's HTTP version (keep-alive is the session's call).
Response json_response(const Request& req, http::status status, const nlohmann::json& body);
/// `{"error": reason}`.
Response error_response(const Request& req, http::status status, const std::string& reason);

}  // namespace agent::serve
