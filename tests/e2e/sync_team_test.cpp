// End to end, all real processes on 127.0.0.1: machines running
// `sync --once` against one `serve --ingest`, through restarts and kills.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "push_helpers.hpp"
#include "serve_helpers.hpp"
#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

using claude_test::Assistant;
using serve_test::get_json;
using serve_test::row;

namespace {

using Machine = push_test::TeamMachine;
using push_test::check_same_totals;

}  // namespace

TEST_CASE("team sync: two machines push to one endpoint, it holds exactly their union, incrementally") {
    testing::AgentHome endpoint_home;
    const std::string alice = serve_test::add_token(endpoint_home, "alice", "member");
    const std::string boss = serve_test::add_token(endpoint_home, "boss", "manager");
    testing::ServeProcess server(endpoint_home, {"--ingest"});

    Machine laptop("laptop", server.url(""), alice);
    Machine desktop("desktop", server.url(""), alice, 2);  // tiny batches: several requests
    laptop.add_calls("l", 0, 3, 10);
    desktop.add_calls("d", 0, 5, 20);

    auto a = laptop.sync();
    CHECK(a["push"]["outcome"] == "delivered");
    CHECK(a["push"]["sent"] == 3);
    CHECK(a["push"]["endpoint_new"] == 3);
    auto b = desktop.sync();
    CHECK(b["push"]["sent"] == 5);
    CHECK(b["push"]["batches"] == 3);

    auto by_machine = get_json(server, "/api/v1/by-machine", boss);
    REQUIRE(by_machine["rows"].size() == 2);
    check_same_totals(row(by_machine, "laptop"), laptop.local_totals());
    check_same_totals(row(by_machine, "desktop"), desktop.local_totals());
    auto summary = get_json(server, "/api/v1/summary", boss)["totals"];
    CHECK(summary["events"] == 8);
    CHECK(summary["output_tokens"] == 3 * 10 + 5 * 20);
    CHECK(summary["input_tokens"] == 8 * 3);
    CHECK(summary["cache_read_tokens"] == 8 * 100);

    // Nothing new: nothing sent.
    CHECK(laptop.sync()["push"]["outcome"] == "nothing_to_send");
    CHECK(desktop.sync()["push"]["sent"] == 0);
    // One new message: exactly that one.
    laptop.add_calls("l", 3, 1, 10);
    auto again = laptop.sync();
    CHECK(again["push"]["sent"] == 1);
    CHECK(again["push"]["endpoint_new"] == 1);
    CHECK(get_json(server, "/api/v1/summary", boss)["totals"]["events"] == 9);
    // A grown streaming copy of a sent call is sent again and converges.
    laptop.add_calls("l", 0, 1, 500);
    auto grown = laptop.sync();
    CHECK(grown["push"]["sent"] == 1);
    CHECK(grown["push"]["endpoint_updated"] == 1);
    check_same_totals(row(get_json(server, "/api/v1/by-machine", boss), "laptop"), laptop.local_totals());
}

TEST_CASE("team sync: the endpoint killed mid-push and restarted gets everything exactly once") {
    testing::AgentHome endpoint_home;
    const std::string token = serve_test::add_token(endpoint_home, "alice", "admin");
    // The kernel picks the port; the restart takes back the port the killed
    // server held, since the agent keeps pushing to the one endpoint URL.
    auto server = std::make_unique<testing::ServeProcess>(endpoint_home, std::vector<std::string>{"--ingest"});
    const std::string listen = "127.0.0.1:" + std::to_string(server->port());

    constexpr int kCalls = 6000;
    Machine laptop("laptop", "http://" + listen, token, 20);  // 300 batches
    laptop.add_calls("k", 0, kCalls, 7);

    testing::RunResult pushed;
    std::thread agent([&] { pushed = laptop.run({"sync", "--once", "--json"}); });
    // Kill the endpoint once part of the push has landed, then bring it back.
    std::int64_t seen = 0;
    for (int i = 0; i < 2000 && seen == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto r = serve_test::get(*server, "/api/v1/summary", token);
        if (r.status == 200) seen = nlohmann::json::parse(r.body)["totals"]["events"].get<std::int64_t>();
    }
    server->signal(SIGKILL);
    server->stop();
    server.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server = std::make_unique<testing::ServeProcess>(endpoint_home, std::vector<std::string>{"--ingest"}, listen);
    agent.join();
    INFO("agent stderr: " << pushed.err);
    REQUIRE(pushed.exit_code == 0);
    auto push = nlohmann::json::parse(pushed.out)["push"];
    CHECK(push["outcome"] == "delivered");
    CHECK(seen > 0);
    CHECK(seen < kCalls);  // the kill really happened mid-push
    CHECK(push["retries"].get<int>() >= 1);

    auto remote = get_json(*server, "/api/v1/summary", token)["totals"];
    CHECK(remote["events"] == kCalls);
    check_same_totals(remote, laptop.local_totals());
    CHECK(laptop.sync()["push"]["outcome"] == "nothing_to_send");
}
