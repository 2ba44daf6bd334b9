#include "http_download.hpp"

#include <curl/curl.h>

#include <memory>
#include <stdexcept>

namespace agent {
namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

struct Sink {
    std::string body;
    std::size_t max_bytes;
    bool too_big = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    if (sink->body.size() + size * n > sink->max_bytes) {
        sink->too_big = true;
        return 0;
    }
    sink->body.append(data, size * n);
    return size * n;
}

}  // namespace

std::string http_get(const std::string& url, std::size_t max_bytes) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) throw std::runtime_error("cannot initialise libcurl");
    Sink sink{{}, max_bytes};
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl.get(), CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "usage-agent/" USAGE_AGENT_VERSION);
    CURLcode rc = curl_easy_perform(curl.get());
    if (sink.too_big) throw std::runtime_error(url + ": response larger than " + std::to_string(max_bytes) + " bytes");
    if (rc != CURLE_OK) throw std::runtime_error(url + ": " + (error[0] ? std::string(error) : curl_easy_strerror(rc)));
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) throw std::runtime_error(url + ": HTTP " + std::to_string(status));
    return std::move(sink.body);
}

}  // namespace agent
