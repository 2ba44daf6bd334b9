// Team budgets on the real `serve --ingest`: a per-user budget configured on
// the server alerts for the user over the limit only, once per threshold,
// after ingests and across a restart of the server.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "serve_helpers.hpp"
#include "test_support.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "postgres_server.hpp"
#endif

namespace {

using std::chrono::milliseconds;

using testing::wait_until;

// Half-way through today (UTC) so far: inside today's period whenever the test runs.
std::int64_t earlier_today_ms() {
    const std::int64_t now =
        std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::int64_t day = now - now % 86'400'000;
    return day + (now - day) / 2;
}

serve_test::Call spend(const std::string& id, std::int64_t input) {
    serve_test::Call c;
    c.id = id;
    c.session = "s-" + id;
    c.ts_ms = earlier_today_ms();
    c.input = input;
    return c;
}

// `store`: serve's --store (empty: the state dir's SQLite store).
void check_per_user_budget(const std::string& store) {
    testing::LoopbackHttpServer hook(200, "ok");
    testing::AgentHome server_home;
    testing::write_file(server_home.dir / "home" / ".config" / "usage-agent" / "config.yaml",
                        "pricing:\n  overrides:\n    claude-sonnet-4-5-20250929: {input: 10, output: 10}\n"
                        "budgets:\n  - name: per-user-daily\n    period: day\n    time_zone: UTC\n"
                        "    limit_usd: 5\n    thresholds: [50, 100]\n    per: user\n"
                        "    notify:\n      - webhook: " +
                            hook.url("/team") + "\n");
    std::vector<std::string> args = {"--ingest"};
    if (!store.empty()) args.insert(args.end(), {"--store", store});
    const auto token = [&](const std::string& user) {
        std::vector<std::string> add = {"serve", "token", "add", "--user", user, "--role", "member"};
        if (!store.empty()) add.insert(add.end(), {"--store", store});
        auto r = server_home.run(add);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return r.out.substr(0, r.out.find('\n'));
    };
    const std::string alice = token("alice");
    const std::string bob = token("bob");
    {
        testing::ServeProcess server(server_home, args);
        // alice: 1,000,000 input tokens at $10/M = $10, 200% of $5; bob: $1, 20%.
        REQUIRE(
            serve_test::ingest(server, serve_test::batch("m-alice", "box-a", {spend("a1", 1'000'000)}), alice).status ==
            200);
        REQUIRE(serve_test::ingest(server, serve_test::batch("m-bob", "box-b", {spend("b1", 100'000)}), bob).status ==
                200);
        REQUIRE(wait_until([&] { return hook.requests() == 2; }));
        // More of bob's usage, still under half his limit: nothing to say.
        REQUIRE(serve_test::ingest(server, serve_test::batch("m-bob", "box-b", {spend("b2", 100'000)}), bob).status ==
                200);
        std::this_thread::sleep_for(milliseconds(3000));  // past the debounce: evaluated again
        CHECK(hook.requests() == 2);
        INFO("stderr: " << server.err());
        CHECK(server.stop() == 0);
    }
    {
        // A restart evaluates at once: alice's alerts are recorded, nothing goes out again.
        testing::ServeProcess server(server_home, args);
        std::this_thread::sleep_for(milliseconds(1500));
        CHECK(hook.requests() == 2);
        CHECK(server.stop() == 0);
    }
    std::vector<nlohmann::json> sent;
    for (const auto& r : hook.received()) sent.push_back(nlohmann::json::parse(r.body));
    REQUIRE(sent.size() == 2);
    CHECK(sent[0]["threshold"] == 50);
    CHECK(sent[1]["threshold"] == 100);
    for (const auto& s : sent) {
        CHECK(s["budget"] == "per-user-daily");
        CHECK(s["per"] == "user");
        CHECK(s["scope"] == "alice");
        CHECK(s["spent_usd"] == 10.0);
        CHECK(s["limit_usd"] == 5.0);
        CHECK(s["percent"] == 200.0);
        CHECK(s["text"].get<std::string>().find("usage-agent: budget per-user-daily (user alice) reached ") == 0);
    }
}

}  // namespace

TEST_CASE("budget team: a per-user budget on serve --ingest alerts for the user over the limit only (SQLite)") {
    check_per_user_budget("");
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("budget team: a per-user budget on serve --ingest alerts for the user over the limit only (PostgreSQL)") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    check_per_user_budget(pg->fresh_database());
}
#endif
