// Role scoping of the read API: a member token sees only its own user's
// events through every endpoint; managers and admins see everyone's.
#include "serve_helpers.hpp"

using namespace serve_test;

namespace {

// alice (member): 2 events on alice-laptop; bob (member): 1 event on bob-desktop.
struct Team {
    testing::AgentHome home;
    std::string alice = add_token(home, "alice", "member");
    std::string bob = add_token(home, "bob", "member");
    std::string carol = add_token(home, "carol", "manager");
    std::string root = add_token(home, "root", "admin");
    testing::ServeProcess server{home, {"--ingest"}};

    Team() {
        REQUIRE(ingest(server,
                       batch("m-alice", "alice-laptop",
                             {{"msg_a1:r", "sa", kJan10, 100, 10}, {"msg_a2:r", "sa", kJan10 + kMinute, 200, 20}}),
                       alice)
                    .status == 200);
        REQUIRE(ingest(server, batch("m-bob", "bob-desktop", {{"msg_b1:r", "sb", kJan10, 1000, 100, 0, 0, kOpus}}), bob)
                    .status == 200);
    }
};

std::string with(const std::string& path, const std::string& query) {
    return path + (path.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

TEST_CASE("serve roles: a member reads only their own events through every endpoint") {
    Team t;
    for (const auto& path : kReadPaths) {
        INFO("path " << path);
        auto own = get_json(t.server, path, t.alice);
        CHECK(own["totals"]["events"] == 2);
        CHECK(own["totals"]["users"] == 1);
        CHECK(own["totals"]["input_tokens"] == 300);
        for (const auto& r : own["rows"]) CHECK(r["input_tokens"].get<std::int64_t>() <= 300);
        // Naming their own user is fine; naming anyone else is refused.
        CHECK(get_json(t.server, with(path, "user=alice"), t.alice)["totals"]["events"] == 2);
        auto other = get(t.server, with(path, "user=bob"), t.alice);
        CHECK(other.status == 403);
        CHECK(error_of(other) == "a member token reads only its own user's usage ('alice')");
        // Filters that would match bob's data still return nothing of it.
        CHECK(get_json(t.server, with(path, "machine=bob-desktop"), t.alice)["totals"]["events"] == 0);
        CHECK(get_json(t.server, with(path, "model=opus"), t.alice)["totals"]["events"] == 0);
        CHECK(get_json(t.server, path, t.bob)["totals"]["events"] == 1);
    }
    auto users = get_json(t.server, "/api/v1/by-user", t.alice);
    REQUIRE(users["rows"].size() == 1);
    CHECK(users["rows"][0]["key"] == "alice");
    auto machines = get_json(t.server, "/api/v1/by-machine", t.alice);
    REQUIRE(machines["rows"].size() == 1);
    CHECK(machines["rows"][0]["key"] == "m-alice");
    CHECK(machines["rows"][0]["name"] == "alice-laptop");
    auto sessions = get_json(t.server, "/api/v1/sessions", t.alice);
    REQUIRE(sessions["rows"].size() == 1);
    CHECK(sessions["rows"][0]["key"] == "sa");
    CHECK(t.server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve roles: managers and admins read everyone's events and may filter by user") {
    Team t;
    for (const auto& token : {t.carol, t.root}) {
        for (const auto& path : kReadPaths) {
            INFO("path " << path);
            auto all = get_json(t.server, path, token);
            CHECK(all["totals"]["events"] == 3);
            CHECK(all["totals"]["users"] == 2);
            CHECK(all["totals"]["machines"] == 2);
            CHECK(all["totals"]["input_tokens"] == 1300);
            auto bob = get_json(t.server, with(path, "user=bob"), token);
            CHECK(bob["totals"]["events"] == 1);
            CHECK(bob["totals"]["input_tokens"] == 1000);
        }
    }
    auto users = get_json(t.server, "/api/v1/by-user", t.carol);
    REQUIRE(users["rows"].size() == 2);
    CHECK(users["rows"][0]["key"] == "bob");  // opus costs more: sorted by cost
    CHECK(row(users, "alice")["events"] == 2);
    auto machines = get_json(t.server, "/api/v1/by-machine", t.carol);
    CHECK(row(machines, "bob-desktop")["events"] == 1);
    CHECK(row(machines, "alice-laptop")["events"] == 2);
    // A manager's own uploads are theirs; they may ingest like anyone.
    REQUIRE(ingest(t.server, batch("m-carol", "carol-pc", {{"msg_c1:r", "sc", kJan10, 1, 1}}), t.carol).status == 200);
    CHECK(get_json(t.server, "/api/v1/summary?user=carol", t.root)["totals"]["events"] == 1);
    CHECK(t.server.stop() == 0);  // a clean exit (and no sanitizer report)
}
