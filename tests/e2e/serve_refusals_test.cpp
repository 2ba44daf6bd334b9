// Every bad request gets a clean 4xx with a reason, and the server keeps
// serving afterwards (checked with /healthz after each).
#include <zlib.h>

#include "serve_helpers.hpp"

using namespace serve_test;

namespace {

// `bytes` zeros gzip-compressed without ever holding them in memory.
std::string gzip_of_zeros(std::size_t bytes) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string zeros(1 << 20, '\0');
    std::string out;
    std::string chunk(1 << 16, '\0');
    for (std::size_t fed = 0; fed < bytes; fed += zeros.size()) {
        const bool last = fed + zeros.size() >= bytes;
        z.next_in = reinterpret_cast<Bytef*>(zeros.data());
        z.avail_in = static_cast<uInt>(zeros.size());
        do {
            z.next_out = reinterpret_cast<Bytef*>(chunk.data());
            z.avail_out = static_cast<uInt>(chunk.size());
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(chunk.data(), chunk.size() - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
}

struct Endpoint {
    testing::AgentHome home;
    std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server{home, {"--ingest"}};
};

void refused(const usage::HttpResponse& r, long status, const std::string& reason_part,
             const testing::ServeProcess& server) {
    INFO("HTTP " << r.status << " " << r.body);
    CHECK(r.status == status);
    CHECK(error_of(r).find(reason_part) != std::string::npos);
    CHECK(healthy(server));
}

}  // namespace

TEST_CASE("serve refusals: tokens missing, unknown or revoked") {
    Endpoint e;
    const std::string body = batch("m-1", "box", {{"msg_1:r", "s", kJan10, 1, 1}});
    refused(ingest(e.server, body, ""), 401, "a bearer token is required", e.server);
    refused(ingest(e.server, body, "ua_not-a-real-token"), 401, "unknown token", e.server);
    refused(get(e.server, "/api/v1/summary"), 401, "a bearer token is required", e.server);
    refused(get(e.server, "/api/v1/summary", "ua_nope"), 401, "unknown token", e.server);

    REQUIRE(ingest(e.server, body, e.token).status == 200);
    auto list = nlohmann::json::parse(e.home.run({"serve", "token", "list", "--json"}).out);
    REQUIRE(list.size() == 1);
    const std::int64_t id = list[0]["id"];
    REQUIRE(e.home.run({"serve", "token", "revoke", std::to_string(id)}).exit_code == 0);
    refused(ingest(e.server, body, e.token), 403, "was revoked", e.server);
    refused(get(e.server, "/api/v1/summary", e.token), 403, "was revoked", e.server);
    // What was accepted before the revocation stays.
    const std::string admin = add_token(e.home, "root", "admin");
    CHECK(get_json(e.server, "/api/v1/summary", admin)["totals"]["events"] == 1);
    CHECK(e.server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve refusals: bad bodies are 400 with the reason, oversize ones 413") {
    Endpoint e;
    refused(ingest(e.server, "{\"protocol\": 1, \"machine\": ", e.token), 400, "body is not valid JSON", e.server);
    refused(ingest(e.server, "not gzip at all", e.token, "identity"), 400, "body is not valid JSON", e.server);
    refused(ingest(e.server, R"({"protocol": 2, "machine": {"id": "m"}, "events": []})", e.token), 400,
            "protocol version 2 is not supported", e.server);
    refused(ingest(e.server, R"({"protocol": 1, "machine": {"id": "m"}, "events": [{"id": "x:1", "source": "x",
            "timestamp_ms": 1, "tokens": {"input": "ten"}}]})",
                   e.token),
            400, "'events[0].tokens.input' must be an integer", e.server);
    {
        usage::HttpClient client;
        auto r = client.post(e.server.url("/v1/ingest"), "\x1f\x8b garbage",
                             {"Authorization: Bearer " + e.token, "Content-Encoding: gzip"});
        refused(r, 400, "gzip", e.server);
        auto br =
            client.post(e.server.url("/v1/ingest"), "{}", {"Authorization: Bearer " + e.token, "Content-Encoding: br"});
        refused(br, 415, "unsupported Content-Encoding 'br'", e.server);
    }

    // A gzip bomb: 200 MB of zeros in ~200 KB. Refused at 64 MiB of output.
    const std::string bomb = gzip_of_zeros(200u << 20);
    CHECK(bomb.size() < (1u << 20));
    {
        usage::HttpClient client;
        auto r = client.post(e.server.url("/v1/ingest"), bomb,
                             {"Authorization: Bearer " + e.token, "Content-Encoding: gzip"});
        refused(r, 413, "expands beyond 64 MiB", e.server);
    }

    // 17 MiB on the wire: refused from its Content-Length, before the body.
    {
        usage::HttpClient client;
        auto r =
            client.post(e.server.url("/v1/ingest"), std::string(17u << 20, ' '), {"Authorization: Bearer " + e.token});
        refused(r, 413, "larger than 16 MiB", e.server);
    }

    // More than 10,000 events in one batch.
    std::vector<Call> many;
    for (int i = 0; i <= 10'000; ++i) many.push_back({"msg_" + std::to_string(i) + ":r", "s", kJan10 + i, 1, 1});
    refused(ingest(e.server, batch("m-1", "box", many), e.token), 413, "the batch has 10001 events", e.server);
    // Nothing of the refused batches was stored.
    CHECK(get_json(e.server, "/api/v1/summary", e.token)["totals"]["events"] == 0);
    CHECK(e.server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve refusals: bad read parameters, paths and methods") {
    Endpoint e;
    const std::string& k = e.token;
    refused(get(e.server, "/api/v1/summary?range=fortnight", k), 400, "unknown range 'fortnight'", e.server);
    refused(get(e.server, "/api/v1/summary?range=7d&since=2026-01-01", k), 400, "use either 'range' or", e.server);
    refused(get(e.server, "/api/v1/summary?since=2026-02-30", k), 400, "since is not a valid date", e.server);
    refused(get(e.server, "/api/v1/summary?tz=Mars/Base", k), 400, "unknown time zone 'Mars/Base'", e.server);
    refused(get(e.server, "/api/v1/timeseries?bucket=minute", k), 400, "'bucket' must be hour, day, week or month",
            e.server);
    refused(get(e.server, "/api/v1/summary?bucket=day", k), 400, "unknown parameter 'bucket'", e.server);
    refused(get(e.server, "/api/v1/sessions?limit=0", k), 400, "'limit' must be an integer from 1", e.server);
    refused(get(e.server, "/api/v1/sessions?offset=-1", k), 400, "'offset' must be an integer", e.server);
    refused(get(e.server, "/api/v1/summary?full=maybe", k), 400, "'full' must be true or false", e.server);
    refused(get(e.server, "/api/v1/summary?user=a&user=b", k), 400, "given more than once", e.server);
    refused(get(e.server, "/api/v1/summary?model=%zz", k), 400, "malformed percent-escape", e.server);
    refused(get(e.server, "/api/v1/nothing", k), 404, "no such path '/api/v1/nothing'", e.server);
    refused(get(e.server, "/v1/ingest", k), 405, "GET is not allowed here (use POST)", e.server);
    {
        usage::HttpClient client;
        refused(client.post(e.server.url("/api/v1/summary"), "{}", {"Authorization: Bearer " + k}), 405,
                "POST is not allowed here (use GET, HEAD)", e.server);
    }
    // Percent-encoded values are decoded: a space in a project name.
    CHECK(get_json(e.server, "/api/v1/summary?project=my%20app&tz=Europe%2FBerlin", k)["range"]["tz"] ==
          "Europe/Berlin");
    CHECK(e.server.stop() == 0);
}

TEST_CASE("serve refusals: ten wrong tokens from one address in a minute make it wait, whatever it sends next") {
    testing::AgentHome home;
    const std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});
    for (int i = 0; i < 10; ++i) {
        const auto r = get(server, "/api/v1/summary", "not-a-token-" + std::to_string(i));
        CHECK(r.status == 401);
        // Asking without a token guesses nothing: not counted.
        if (i == 4)
            for (int j = 0; j < 3; ++j) CHECK(get(server, "/api/v1/summary").status == 401);
    }
    // Now every request that needs a token waits, the right one included.
    for (const std::string& next : {std::string("not-a-token-10"), token}) {
        const auto r = get(server, "/api/v1/summary", next);
        CHECK(r.status == 429);
        REQUIRE(r.retry_after.has_value());
        CHECK(r.retry_after->count() >= 1);
        CHECK(r.retry_after->count() <= 60);
        CHECK(error_of(r).starts_with("too many wrong tokens from this address; try again in "));
    }
    // Signing in on the page waits too; health checks do not.
    usage::HttpClient client;
    const auto sign_in = client.post(server.url("/api/v1/session"), R"({"token":")" + token + R"("})",
                                     {"Content-Type: application/json"});
    CHECK(sign_in.status == 429);
    CHECK(healthy(server));
    CHECK(server.stop() == 0);
}
