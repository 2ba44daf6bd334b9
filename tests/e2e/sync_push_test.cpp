// End to end: `sync --once` pushing to a test-local endpoint on 127.0.0.1
// that answers as scripted (503 + Retry-After, 401, 200), through the real
// binary, with the pushed bodies decoded and checked event by event.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "../../plugins/claude_code/tests/claude_lines.hpp"
#include "test_support.hpp"
#include "usage/gzip.hpp"
#include "usage/sync_protocol.hpp"

using claude_test::Assistant;
using Reply = testing::LoopbackHttpServer::Reply;

namespace {

const std::string kOk = R"({"protocol":1,"received":0,"new":0,"updated":0,"unchanged":0})";

// A home with three Claude calls and a config pointing at `endpoint`.
struct PushHome : testing::AgentHome {
    std::filesystem::path transcript;
    explicit PushHome(const std::string& endpoint, const std::string& token = "secret-token",
                      const std::string& extra_sync = "") {
        transcript = dir / "home" / ".claude" / "projects" / "-w-app" / "s1.jsonl";
        testing::write_file(transcript, line("msg_1", 10) + line("msg_2", 20) + line("msg_3", 30));
        auto token_file = dir / "home" / ".config" / "usage-agent" / "token";
        testing::write_file(token_file, token + "\n");
        ::chmod(token_file.c_str(), 0600);
        testing::write_file(dir / "home" / ".config" / "usage-agent" / "config.yaml",
                            "machine_name: box-1\nsync:\n  endpoint: " + endpoint +
                                "\n  token_file: ~/.config/usage-agent/token\n  batch_size: 2\n" + extra_sync);
    }
    static std::string line(const std::string& id, std::int64_t output) {
        return Assistant(id, "req_" + id, 5, 0, 0, output)
            .session("s1")
            .cwd("/w/app")
            .at("2026-01-10T10:00:00.000Z")
            .line();
    }
    [[nodiscard]] nlohmann::json status() const { return nlohmann::json::parse(run({"status", "--json"}).out); }
};

// Every event id pushed, in order, across the recorded requests that got `status`.
std::vector<std::string> pushed_ids(const std::vector<testing::LoopbackHttpServer::Request>& requests) {
    std::vector<std::string> ids;
    for (const auto& r : requests) {
        auto batch = usage::sync::decode_batch(usage::gzip_decompress(r.body, 64u << 20));
        for (const auto& w : batch.events) ids.push_back(w.event.id);
    }
    return ids;
}

}  // namespace

TEST_CASE("push: batches arrive gzip-compressed with the token, a second run sends nothing, one new line sends one") {
    testing::LoopbackHttpServer server(200, kOk);
    PushHome h(server.url(""));
    auto first = h.run({"sync", "--once", "--json"});
    REQUIRE(first.exit_code == 0);
    auto out = nlohmann::json::parse(first.out);
    CHECK(out["push"]["outcome"] == "delivered");
    CHECK(out["push"]["sent"] == 3);
    CHECK(out["push"]["batches"] == 2);  // batch_size 2
    auto requests = server.received();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].head.starts_with("POST /v1/ingest HTTP/1.1"));
    CHECK(requests[0].head.find("Authorization: Bearer secret-token") != std::string::npos);
    CHECK(requests[0].head.find("Content-Encoding: gzip") != std::string::npos);
    auto batch = usage::sync::decode_batch(usage::gzip_decompress(requests[0].body, 1 << 20));
    CHECK(batch.machine.name == "box-1");
    CHECK(batch.events[0].event.tokens.output == 10);
    CHECK(batch.events[0].event.user.empty());  // the endpoint decides the user
    CHECK(pushed_ids(requests) == std::vector<std::string>{"claude-code:msg_1:req_msg_1", "claude-code:msg_2:req_msg_2",
                                                           "claude-code:msg_3:req_msg_3"});
    CHECK(h.status()["push"]["events_waiting"] == 0);

    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    CHECK(server.requests() == 2);  // nothing new: no request at all

    testing::append_file(h.transcript, PushHome::line("msg_4", 40));
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto all = server.received();
    REQUIRE(all.size() == 3);
    CHECK(pushed_ids({all[2]}) == std::vector<std::string>{"claude-code:msg_4:req_msg_4"});
}

TEST_CASE("push: 503 with Retry-After is waited out, then delivered") {
    testing::LoopbackHttpServer server(
        std::vector<Reply>{{503, R"({"error":"busy"})", {"Retry-After: 1"}}, {200, kOk, {}}});
    PushHome h(server.url(""));
    auto sync = h.run({"sync", "--once", "--json"});
    REQUIRE(sync.exit_code == 0);
    auto push = nlohmann::json::parse(sync.out)["push"];
    CHECK(push["outcome"] == "delivered");
    CHECK(push["retries"] == 1);
    auto requests = server.received();
    REQUIRE(requests.size() == 3);  // refused batch, its retry, second batch
    CHECK(requests[1].at - requests[0].at >= std::chrono::milliseconds(950));
    CHECK(pushed_ids({requests[1], requests[2]}).size() == 3);
    CHECK(h.status()["push"]["events_waiting"] == 0);
}

TEST_CASE("push: a refused token stops the push with one clear line, nothing is lost, fixed token delivers") {
    testing::LoopbackHttpServer server(401, R"({"error":"unknown token"})");
    PushHome h(server.url(""), "wrong-token");
    auto sync = h.run({"sync", "--once"});
    CHECK(sync.exit_code == 1);
    CHECK(sync.err.find(server.url("") + " refused the token (HTTP 401)") != std::string::npos);
    CHECK(sync.err.find("wrong-token") == std::string::npos);                                   // never printed
    CHECK(sync.out.find("claude-code: 1 of 1 files read, 3 new events") != std::string::npos);  // the scan completed
    CHECK(server.requests() == 1);
    auto status = h.status();
    CHECK(status["push"]["events_waiting"] == 3);
    CHECK(status["push"]["last_success"].is_null());

    server.set_script({{200, kOk, {}}});
    h.env["USAGE_AGENT_TOKEN"] = "good-token";  // the environment wins over the file
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto requests = server.received();
    REQUIRE(requests.size() == 3);
    CHECK(requests[1].head.find("Authorization: Bearer good-token") != std::string::npos);
    CHECK(pushed_ids({requests[1], requests[2]}).size() == 3);
    CHECK(h.status()["push"]["events_waiting"] == 0);
}

TEST_CASE("push: a token file readable by others is refused, --no-push sends nothing") {
    testing::LoopbackHttpServer server(200, kOk);
    PushHome h(server.url(""));
    auto token_file = h.dir / "home" / ".config" / "usage-agent" / "token";
    ::chmod(token_file.c_str(), 0644);
    auto refused = h.run({"sync", "--once"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err == "usage-agent: " + token_file.string() +
                             ": token file is mode 0644, readable by others; run: chmod 600 " + token_file.string() +
                             "\n");
    CHECK(server.requests() == 0);
    auto quiet = h.run({"sync", "--once", "--no-push"});
    CHECK(quiet.exit_code == 0);
    CHECK(server.requests() == 0);
    CHECK(h.status()["push"]["events_waiting"] == 3);
}

TEST_CASE("push: an endpoint that never answers leaves everything queued with a clear line") {
    int port = 0;
    {
        testing::LoopbackHttpServer gone(200, kOk);  // a port that was just free
        auto url = gone.url("");
        port = std::stoi(url.substr(url.rfind(':') + 1));
    }
    PushHome h("http://127.0.0.1:" + std::to_string(port), "secret-token", "  max_attempts: 2\n");
    auto sync = h.run({"sync", "--once"});
    CHECK(sync.exit_code == 1);
    CHECK(sync.err.find("after 2 attempts; events stay queued for the next run") != std::string::npos);
    CHECK(h.status()["push"]["events_waiting"] == 3);
}
