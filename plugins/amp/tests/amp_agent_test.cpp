// End-to-end tests of the Amp source through the REAL binary: `sync --once`
// into a fresh state dir, then `report summary --json`. Covers a thread
// built around the real usage object of ccusage#1138 under
// ~/.local/share/amp, and a thread file Amp rewrites whole as it grows.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "amp_threads.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace amp_test;

namespace {

struct Agent : testing::AgentHome {
    [[nodiscard]] fs::path home() const { return dir.path() / "home"; }
    [[nodiscard]] json sync() const { return sync_stats("amp"); }
    [[nodiscard]] json totals() const { return report("summary").at("totals"); }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("amp agent: a thread around the real usage object syncs to its exact figures") {
    auto shared = testing::shared_dir("the Amp real usage object");
    if (!shared) return;
    const json real = json::parse(
        testing::read_file(*shared / "fixtures/new-sources/amp/real_usage_object_from_ccusage_issue_1138.json"));
    Agent agent;
    testing::write_file(agent.home() / ".local/share/amp/threads" / (kThread + ".json"),
                        thread(json::array({user_message(0), assistant_message(1, real)})).dump());
    const json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "events_new") == 1);
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 1);
    CHECK(n(t, "sessions") == 1);
    CHECK(n(t, "input_tokens") == 10);
    CHECK(n(t, "output_tokens") == 178);
    CHECK(n(t, "cache_write_5m_tokens") == 986);
    CHECK(n(t, "cache_read_tokens") == 11372);
    CHECK(n(t, "total_tokens") == 12546);
}

TEST_CASE("amp agent: a thread rewritten whole adds only its new calls") {
    Agent agent;
    agent.env["AMP_DATA_DIR"] = (agent.dir.path() / "ampdata").string();
    const fs::path file = agent.dir.path() / "ampdata/threads" / (kThread + ".json");
    json msgs = json::array({user_message(0), assistant_message(1, usage_object("claude-sonnet-4-5", 20, 300, 5000, 0,
                                                                                "2026-02-01T09:00:00Z"))});
    testing::write_file(file, thread(msgs).dump());
    CHECK(n(agent.sync(), "events_new") == 1);

    msgs.push_back(user_message(2));
    msgs.push_back(assistant_message(3, usage_object("claude-sonnet-4-5", 4, 120, 800, 5000, "2026-02-01T09:05:00Z")));
    testing::write_file(file, thread(msgs).dump());
    const json s = agent.sync();
    CHECK(n(s, "events_read") == 2);
    CHECK(n(s, "events_new") == 1);
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 24);
    CHECK(n(t, "output_tokens") == 420);
    CHECK(n(t, "cache_write_5m_tokens") == 5800);
    CHECK(n(t, "cache_read_tokens") == 5000);
}
