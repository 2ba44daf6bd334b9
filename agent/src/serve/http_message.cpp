#include "http_message.hpp"

namespace agent::serve {

Response json_response(const Request& req, http::status status, const nlohmann::json& body) {
    Response res{status, req.version()};
    res.set(http::field::server, "usage-agent");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    // Replace invalid UTF-8 (a key taken from a transcript) instead of throwing mid-answer.
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    return res;
}

Response error_response(const Request& req, http::status status, const std::string& reason) {
    return json_response(req, status, {{"error", reason}});
}

}  // namespace agent::serve
