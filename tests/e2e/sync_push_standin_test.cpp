// End to end: `sync --once` against what the real `serve --ingest` never
// does (its limits are far above what an agent sends): a 413 for a batch of
// a few events, an endpoint that accepts and never answers, one that resets
// the connection. The stand-in is testing::LoopbackHttpServer.
#include <doctest/doctest.h>

#include <algorithm>

#include "push_helpers.hpp"
#include "usage/net/gzip.hpp"
#include "usage/sync/protocol.hpp"

using push_test::push_json;
using push_test::PushHome;
using Reply = testing::LoopbackHttpServer::Reply;
using Mode = testing::LoopbackHttpServer::Mode;

namespace {

const std::string kOk = R"({"protocol":1,"received":0,"new":0,"updated":0,"unchanged":0})";

// How many events each recorded request carried.
std::vector<std::size_t> batch_sizes(const std::vector<testing::LoopbackHttpServer::Request>& requests) {
    std::vector<std::size_t> sizes;
    for (const auto& r : requests)
        sizes.push_back(usage::sync::decode_batch(usage::gzip_decompress(r.body, 64u << 20)).events.size());
    return sizes;
}

}  // namespace

TEST_CASE("push: a 413 halves the batch until it fits, a single event too large stops the push") {
    const std::string too_large = R"({"error":"the batch is larger than this endpoint takes"})";
    testing::LoopbackHttpServer server(std::vector<Reply>{{413, too_large, {}}, {200, kOk, {}}});
    PushHome h(server.url(""), "secret-token", "  batch_size: 4\n");
    h.add_calls(1, 5);
    CHECK(h.sync_json()["push"] == push_json("delivered", 5, 5, 0, 3, 0, 4, 0, 0, 0, nlohmann::json::array(), 0,
                                             "pushed 5 events in 3 batches to " + server.url("")));
    // 4 refused, then halves of it, and the halved size holds for the rest of the run.
    CHECK(batch_sizes(server.received()) == std::vector<std::size_t>{4, 2, 2, 1});  // gzip bodies, or this throws
    const std::string head = server.received().at(0).head + "\r\n";                 // every header line ends in CRLF
    CHECK(head.starts_with("POST /v1/ingest HTTP/1.1\r\n"));
    CHECK(head.find("\r\nAuthorization: Bearer secret-token\r\n") != std::string::npos);
    CHECK(head.find("\r\nContent-Encoding: gzip\r\n") != std::string::npos);
    CHECK(head.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
    CHECK(h.status()["push"]["rows_waiting"] == 0);

    testing::LoopbackHttpServer strict(413, too_large);
    PushHome one(strict.url(""), "secret-token", "  batch_size: 4\n");
    one.add_calls(1, 2);
    const std::string refused =
        strict.url("") + " refused a batch (HTTP 413): the batch is larger than this endpoint takes";
    CHECK(one.sync_json(1)["push"] ==
          push_json("refused", 2, 0, 0, 0, 0, 2, 0, 0, 0, nlohmann::json::array(), 2, refused));
    CHECK(batch_sizes(strict.received()) == std::vector<std::size_t>{2, 1});
    CHECK(one.status()["push"]["rows_waiting"] == 2);
}

TEST_CASE("push: an endpoint that never answers is given up after sync.max_attempts waits of sync.timeout") {
    testing::LoopbackHttpServer silent(Mode::hold);
    PushHome h(silent.url(""), "secret-token", "  max_attempts: 2\n  timeout: 1\n");
    h.add_calls(1, 3);
    const auto start = std::chrono::steady_clock::now();
    auto sync = h.run({"sync", "--once"});
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(sync.exit_code == 1);
    const std::string message = silent.url("") + ": " + silent.url("/v1/ingest") +
                                ": no complete answer within 1 s after 2 attempts; events stay queued for the next run";
    const std::string prefix = "usage-agent: push: ";
    REQUIRE(sync.err.starts_with(prefix));
    REQUIRE(sync.err.ends_with("\n"));
    CHECK(std::count(sync.err.begin(), sync.err.end(), '\n') == 1);  // one line
    CHECK(sync.err.substr(prefix.size(), sync.err.size() - prefix.size() - 1) == message);
    CHECK(silent.requests() == 2);  // each read whole, neither answered
    CHECK(took >= std::chrono::seconds(2));
    CHECK(took < std::chrono::seconds(30));
    auto status = h.status()["push"];
    CHECK(status["rows_waiting"] == 3);
    CHECK(status["last_result"] == message);
    CHECK(status["last_success"].is_null());
}

TEST_CASE("push: an endpoint that resets the connection is unreachable after sync.max_attempts tries") {
    testing::LoopbackHttpServer rude(Mode::reset);
    PushHome h(rude.url(""), "secret-token", "  max_attempts: 3\n");
    h.add_calls(1, 3);
    auto out = h.sync_json(1);
    CHECK(out["push"] == push_json("unreachable", 3, 0, 0, 0, 2, 0, 0, 0, 0, nlohmann::json::array(), 3,
                                   rude.url("") + ": " + rude.url("/v1/ingest") +
                                       ": Recv failure: Connection reset by peer after 3 attempts; events stay "
                                       "queued for the next run"));
    CHECK(rude.requests() == 3);
    CHECK(h.status()["push"]["rows_waiting"] == 3);
}
