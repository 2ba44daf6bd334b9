// Shared by the serve_*_test.cpp files: protocol batches built with the real
// codec, HTTP calls through usage::HttpClient (libcurl), tokens made with the
// real CLI.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "usage/net/gzip.hpp"
#include "usage/net/http_client.hpp"
#include "usage/sync/protocol.hpp"

namespace serve_test {

// 2026-01-10T10:00:00Z
inline constexpr std::int64_t kJan10 = 1768039200000;
inline constexpr std::int64_t kMinute = 60'000;
inline constexpr const char* kSonnet = "claude-sonnet-4-5-20250929";
inline constexpr const char* kOpus = "claude-opus-4-1-20250805";

/// Every read path of the API.
inline const std::vector<std::string> kReadPaths = {"/api/v1/summary",  "/api/v1/timeseries", "/api/v1/by-source",
                                                    "/api/v1/by-model", "/api/v1/by-project", "/api/v1/by-machine",
                                                    "/api/v1/by-user",  "/api/v1/sessions",   "/api/v1/by-repository"};

struct Call {
    std::string id;
    std::string session;
    std::int64_t ts_ms = kJan10;
    std::int64_t input = 0;
    std::int64_t output = 0;
    std::int64_t cache_read = 0;
    std::int64_t cache_write_5m = 0;
    std::string model = kSonnet;
    bool superseded = false;
};

inline usage::sync::WireEvent wire(const Call& c) {
    usage::sync::WireEvent w;
    usage::UsageEvent& e = w.event;
    e.id = "claude-code:" + c.id;
    e.source = "claude-code";
    e.session_id = c.session;
    e.model = c.model;
    e.provider = "anthropic";
    e.project_name = "webshop";
    e.project_path = "/home/dev/webshop";
    e.surface = "cli";
    e.timestamp_ms = c.ts_ms;
    e.tokens.input = c.input;
    e.tokens.output = c.output;
    e.tokens.cache_read = c.cache_read;
    e.tokens.cache_write_5m = c.cache_write_5m;
    e.user = "someone-else";  // never sent: the token decides the user
    w.superseded = c.superseded;
    return w;
}

/// The JSON text of a batch from one machine.
inline std::string batch(const std::string& machine_id, const std::string& machine_name,
                         const std::vector<Call>& calls) {
    usage::sync::IngestBatch b;
    b.machine = {machine_id, machine_name, "linux", "Europe/Paris", "0.1.0"};
    for (const auto& c : calls) {
        b.events.push_back(wire(c));
        b.events.back().event.machine_id = machine_id;
    }
    return usage::sync::encode_batch(b);
}

/// POST /v1/ingest; gzip unless `encoding` says otherwise ("" = no header).
inline usage::HttpResponse ingest(const testing::ServeProcess& server, const std::string& json,
                                  const std::string& token, const std::string& encoding = "gzip") {
    usage::HttpClient client;
    std::vector<std::string> headers = {"Content-Type: application/json"};
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    if (!encoding.empty()) headers.push_back("Content-Encoding: " + encoding);
    const std::string body = encoding == "gzip" ? usage::gzip_compress(json) : json;
    return client.post(server.url("/v1/ingest"), body, headers);
}

inline usage::HttpResponse get(const testing::ServeProcess& server, const std::string& path,
                               const std::string& token = "") {
    usage::HttpClient client;
    std::vector<std::string> headers;
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    return client.get(server.url(path), headers);
}

/// GET that must answer 200; the parsed body.
inline nlohmann::json get_json(const testing::ServeProcess& server, const std::string& path,
                               const std::string& token = "") {
    auto r = get(server, path, token);
    INFO(path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body);
}

inline std::string error_of(const usage::HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "<no error field: " + r.body + ">";
}

/// The server still answers after whatever the test just did to it.
inline bool healthy(const testing::ServeProcess& server) {
    auto r = get(server, "/healthz");
    return r.status == 200 && nlohmann::json::parse(r.body) == nlohmann::json{{"status", "ok"}};
}

/// `serve token add`: the printed token.
inline std::string add_token(const testing::AgentHome& home, const std::string& user, const std::string& role) {
    auto r = home.run({"serve", "token", "add", "--user", user, "--role", role});
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.size() > 1);
    return r.out.substr(0, r.out.find('\n'));
}

inline const nlohmann::json& row(const nlohmann::json& report, const std::string& key) {
    for (const auto& r : report["rows"])
        if (r.value("label", r["key"].get<std::string>()) == key) return r;  // machine rows: by label
    FAIL("no row " << key << " in " << report.dump());
    static nlohmann::json none;
    return none;
}

}  // namespace serve_test
