#include "http_message.hpp"

#include "../json_text.hpp"

namespace agent::serve {

Response json_response(const Request& req, http::status status, const nlohmann::json& body) {
    Response res{status, req.version()};
    res.set(http::field::server, "usage-agent");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = json_text(body, -1) + "\n";
    return res;
}

Response error_response(const Request& req, http::status status, const std::string& reason) {
    return json_response(req, status, {{"error", reason}});
}

}  // namespace agent::serve
