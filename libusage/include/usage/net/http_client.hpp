// usage/net/http_client.hpp — a small HTTP(S) client over libcurl for the sync
// push and price downloads. One client keeps one connection alive across
// requests (a push sends many batches to the same endpoint).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace usage {

struct HttpOptions {
    std::filesystem::path ca_file;      ///< extra CA bundle; empty = system store
    bool insecure_skip_verify = false;  ///< only when the config says so
    std::chrono::seconds connect_timeout{15};
    std::chrono::seconds timeout{120};
    std::size_t max_response_bytes = 64u << 20;
    std::string user_agent = "usage-agent";
};

struct HttpResponse {
    long status = 0;
    std::string body;
    /// `Retry-After` in seconds (delta-seconds or an HTTP date), if sent.
    std::optional<std::chrono::seconds> retry_after;
    /// Connections this request had to open (0: it reused a kept-alive one).
    long new_connections = 0;
    /// The response's header fields by lower-case name (the last of repeated ones).
    std::map<std::string, std::string> headers;
};

/// A transport failure (DNS, connect, TLS, timeout): nothing was answered.
class HttpError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class HttpClient {
public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Any status is returned (the caller decides); throws HttpError when no
    /// answer arrived. Header lines are "Name: value".
    HttpResponse post(const std::string& url, const std::string& body, const std::vector<std::string>& headers);
    HttpResponse get(const std::string& url, const std::vector<std::string>& headers = {});

private:
    struct Handle;
    HttpResponse perform(const std::string& url, const std::string* body, const std::vector<std::string>& headers);
    HttpOptions options_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace usage
