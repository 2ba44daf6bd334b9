#include "http_download.hpp"

#include <algorithm>
#include <stdexcept>

#include "usage/net/http_client.hpp"

namespace agent {

std::string http_get(const std::string& url, std::chrono::seconds timeout, std::size_t max_bytes) {
    usage::HttpOptions options;
    options.max_response_bytes = max_bytes;
    options.timeout = timeout;
    options.connect_timeout = std::min(options.connect_timeout, timeout);
    options.user_agent = "usage-agent/" USAGE_AGENT_VERSION;
    usage::HttpClient client(options);
    try {
        auto r = client.get(url);
        if (r.status >= 400) throw std::runtime_error(url + ": HTTP " + std::to_string(r.status));
        return std::move(r.body);
    } catch (const usage::HttpError& e) {
        throw std::runtime_error(e.what());
    }
}

}  // namespace agent
