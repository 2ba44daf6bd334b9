// End-to-end tests of the Qwen Code source through the REAL binary: `sync
// --once` into a fresh state dir, then `report summary --json`. Covers the
// shared real sample laid out as Qwen Code writes it, and a call whose two
// copies arrive in different syncs.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "qwen_lines.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace qwen_test;

namespace {

struct Agent : testing::AgentHome {
    [[nodiscard]] fs::path home() const { return dir.path() / "home"; }
    [[nodiscard]] json sync() const { return sync_stats("qwen-code"); }
    [[nodiscard]] json totals() const { return report("summary").at("totals"); }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("qwen agent: the shared real sample syncs to 2 calls of coder-model") {
    auto shared = testing::shared_dir("the Qwen Code real-sample totals");
    if (!shared) return;
    const fs::path sample = *shared / "fixtures/new-sources/qwen-code/qwen_code_0.18.1_session.jsonl";
    REQUIRE(fs::exists(sample));
    Agent agent;
    // ~/.qwen/projects/<sanitized cwd>/chats/<sessionId>.jsonl
    const fs::path chats = agent.home() / ".qwen/projects/-tmp-qwentest/chats";
    fs::create_directories(chats);
    fs::copy_file(sample, chats / "69f0814a-8bfc-4c8e-93d3-05757f17b96f.jsonl");

    const json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "malformed_lines") == 0);
    CHECK(n(s, "events_new") == 2);
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "sessions") == 1);
    CHECK(n(t, "input_tokens") == 1050);
    CHECK(n(t, "cache_read_tokens") == 50);
    CHECK(n(t, "output_tokens") == 25);
    CHECK(n(t, "cache_write_tokens") == 0);
    CHECK(n(t, "total_tokens") == 1125);

    // A second sync reads nothing new and adds nothing.
    const json again = agent.sync();
    CHECK(n(again, "events_new") == 0);
    CHECK(n(agent.totals(), "events") == 2);
}

TEST_CASE("qwen agent: a call whose assistant record arrives in a later sync is stored once") {
    Agent agent;
    agent.env["QWEN_RUNTIME_DIR"] = (agent.dir.path() / "runtime").string();
    const fs::path file = agent.dir.path() / "runtime/projects/-home-ann-src-shop/chats" / (kSession + ".jsonl");
    const Usage u{5000, 120, 0, 4000};
    testing::write_file(file, user("u1", "", "2026-03-01T10:00:00.000Z") +
                                  api_response("t1", "u1", "2026-03-01T10:00:02.000Z", "r-1", u));
    CHECK(n(agent.sync(), "events_new") == 1);

    testing::append_file(file, assistant("a1", "t1", "2026-03-01T10:00:02.100Z", u) +
                                   user("u2", "a1", "2026-03-01T10:01:00.000Z") +
                                   assistant("a2", "u2", "2026-03-01T10:01:05.000Z", {5200, 30, 0, 5000}));
    const json s = agent.sync();
    CHECK(n(s, "events_new") == 1);  // a2; a1 is t1's copy
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 1000 + 200);
    CHECK(n(t, "cache_read_tokens") == 4000 + 5000);
    CHECK(n(t, "output_tokens") == 150);
}
