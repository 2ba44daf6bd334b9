// libcurl behind HttpClient: one easy handle reused (keep-alive), RAII for
// the handle and header lists, bounded response bodies.
#include "usage/net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <mutex>

namespace usage {
namespace {

struct Sink {
    std::string body;
    std::size_t max_bytes = 0;
    bool too_big = false;
    std::optional<std::chrono::seconds> retry_after;
    std::map<std::string, std::string> headers;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    if (sink->body.size() + size * n > sink->max_bytes) {
        sink->too_big = true;
        return 0;
    }
    sink->body.append(data, size * n);
    return size * n;
}

// Retry-After: delta-seconds or an IMF-fixdate (RFC 9110 10.2.3).
std::optional<std::chrono::seconds> parse_retry_after(std::string value) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    const auto first = value.find_first_not_of(" \t");
    if (first == std::string::npos) return std::nullopt;
    value.erase(0, first);
    if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::chrono::seconds(std::stoll(value.substr(0, 9)));
    std::tm tm{};
    if (!strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
    const std::time_t when = timegm(&tm);
    const std::time_t now = std::time(nullptr);
    return std::chrono::seconds(when > now ? when - now : 0);
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    std::string line(data, size * n);
    // A status line starts a response's headers (after a 100 Continue, the
    // final one's): only the last response's are kept.
    if (line.starts_with("HTTP/")) sink->headers.clear();
    const auto colon = line.find(':');
    if (colon == std::string::npos) return size * n;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, std::min(value.find_first_not_of(" \t"), value.size()));
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    if (name == "retry-after") sink->retry_after = parse_retry_after(value);
    sink->headers[name] = std::move(value);
    return size * n;
}

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
    void add(const std::string& h) { list = curl_slist_append(list, h.c_str()); }
};

}  // namespace

struct HttpClient::Handle {
    CURL* curl = nullptr;
    Handle() {
        static std::once_flag init;
        std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        curl = curl_easy_init();
        if (!curl) throw HttpError("cannot initialise libcurl");
    }
    ~Handle() { curl_easy_cleanup(curl); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), handle_(std::make_unique<Handle>()) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::post(const std::string& url, const std::string& body,
                              const std::vector<std::string>& headers) {
    return perform(url, &body, headers);
}

HttpResponse HttpClient::get(const std::string& url, const std::vector<std::string>& headers) {
    return perform(url, nullptr, headers);
}

HttpResponse HttpClient::perform(const std::string& url, const std::string* body,
                                 const std::vector<std::string>& headers) {
    CURL* c = handle_->curl;
    curl_easy_reset(c);  // keeps the connection cache: keep-alive survives
    Sink sink;
    sink.max_bytes = options_.max_response_bytes;
    char error[CURL_ERROR_SIZE] = {};
    HeaderList list;
    for (const auto& h : headers) list.add(h);
    list.add("Expect:");  // no 100-continue round trip for batch bodies
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (options_.insecure_skip_verify) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else {
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    }
    CURLcode rc = curl_easy_perform(c);
    if (sink.too_big) {
        const std::size_t max = options_.max_response_bytes;
        throw HttpError(url + ": response larger than " +
                        (max % (1u << 20) == 0 ? std::to_string(max >> 20) + " MiB" : std::to_string(max) + " bytes"));
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        // curl's text carries the elapsed milliseconds; say which limit it was.
        curl_off_t connected_us = 0;
        curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected_us);
        throw HttpError(url + (connected_us == 0
                                   ? ": no connection within " + std::to_string(options_.connect_timeout.count()) + " s"
                                   : ": no complete answer within " + std::to_string(options_.timeout.count()) + " s"));
    }
    if (rc != CURLE_OK) {
        const std::string why = error[0] ? std::string(error) : curl_easy_strerror(rc);
        // TLS failures say what was trusted: the usual fix is the CA file.
        const std::string trusted = options_.ca_file.empty() ? "the system's CA certificates"
                                                             : "the CA certificates in " + options_.ca_file.string();
        if (rc == CURLE_PEER_FAILED_VERIFICATION)
            throw HttpError(url + ": TLS: the server's certificate is refused: " + why + " (trusted: " + trusted + ")");
        if (rc == CURLE_SSL_CACERT_BADFILE)
            throw HttpError(url + ": TLS: cannot use the CA file " + options_.ca_file.string() + ": " + why);
        if (rc == CURLE_SSL_CONNECT_ERROR) throw HttpError(url + ": TLS handshake failed: " + why);
        throw HttpError(url + ": " + why);
    }
    HttpResponse r;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r.new_connections);
    r.body = std::move(sink.body);
    r.retry_after = sink.retry_after;
    r.headers = std::move(sink.headers);
    return r;
}

}  // namespace usage
