// End to end through the real binary (HOME/.factory/sessions): a session's
// settings file replaced by rename after each change (a new inode every
// time) and `sync --full-rescan`: each growth counts once
// (ReadMode::cumulative keeps what was counted), priced through the
// model-name mapping.
#include <doctest/doctest.h>

#include <cmath>

#include "droid_fixture.hpp"

namespace fs = std::filesystem;
using droid_test::settings_json;
using nlohmann::json;

namespace {

struct Agent : testing::AgentHome {
    json sync(const std::vector<std::string>& extra = {}) const { return sync_stats("droid", extra); }
    [[nodiscard]] json totals() const { return report("summary", {"--source", "droid"}).at("totals"); }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

}  // namespace

TEST_CASE("droid e2e: rename-replaced settings, a second session, a full rescan, exact totals and costs") {
    Agent agent;
    const fs::path sessions = agent.dir / "home" / ".factory" / "sessions";
    const fs::path a = sessions / "-w-app" / "a1b2c3d4-0000-4000-8000-000000000001.settings.json";
    const fs::path b = sessions / "-w-lib" / "a1b2c3d4-0000-4000-8000-000000000002.settings.json";
    droid_test::transcript(sessions / "-w-app" / "a1b2c3d4-0000-4000-8000-000000000001.jsonl",
                           "a1b2c3d4-0000-4000-8000-000000000001", "/w/app");
    droid_test::replace_file(a, settings_json("custom:Claude-Sonnet-4-[Anthropic]", {1000, 200, 3000, 40000, 50}));
    droid_test::replace_file(b, settings_json("claude-sonnet-4-5-20250929", {100, 50, 0, 0, 0}));

    json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_seen") == 2);
    CHECK(n(s, "events_new") == 2);
    // a: 1000*3 + 250*15 + 40000*0.3 + 3000*3.75 = 30000 micro-USD (claude-sonnet-4)
    // b: 100*3 + 50*15 = 1050 (claude-sonnet-4-5)
    json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "sessions") == 2);
    CHECK(n(t, "input_tokens") == 1100);
    CHECK(n(t, "output_tokens") == 300);
    CHECK(n(t, "cache_read_tokens") == 40000);
    CHECK(n(t, "cache_write_tokens") == 3000);
    CHECK(micros(t.at("estimated_cost_usd")) == 31050);

    // Droid writes the grown totals as a new file renamed over the old one.
    droid_test::replace_file(a, settings_json("custom:Claude-Sonnet-4-[Anthropic]", {1600, 260, 3500, 52000, 80}));
    s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 1);
    // + 600*3 + 90*15 + 12000*0.3 + 500*3.75 = 8625
    t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 3);
    CHECK(n(t, "input_tokens") == 1700);
    CHECK(n(t, "output_tokens") == 390);
    CHECK(n(t, "cache_read_tokens") == 52000);
    CHECK(n(t, "cache_write_tokens") == 3500);
    CHECK(micros(t.at("estimated_cost_usd")) == 39675);

    // Rewritten with the same totals: read, nothing new.
    droid_test::replace_file(a, settings_json("custom:Claude-Sonnet-4-[Anthropic]", {1600, 260, 3500, 52000, 80}));
    s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 0);

    const json full = agent.sync({"--full-rescan"});
    CHECK(n(full, "files_read") == 2);
    CHECK(n(full, "events_new") == 0);
    CHECK(n(full, "events_updated") == 0);
    CHECK(agent.totals() == t);

    const json projects = agent.report("projects", {"--source", "droid"});
    INFO("projects: " << projects.dump());
    CHECK(projects.dump().find("\"app\"") != std::string::npos);
    CHECK(projects.dump().find("-w-lib") != std::string::npos);
}

TEST_CASE("droid e2e: aggregate deltas above 200k tokens are priced at base rates, not the long-context tier") {
    Agent agent;
    const fs::path sessions = agent.dir / "home" / ".factory" / "sessions";
    const fs::path a = sessions / "-w-app" / "a1b2c3d4-0000-4000-8000-000000000003.settings.json";
    droid_test::transcript(sessions / "-w-app" / "a1b2c3d4-0000-4000-8000-000000000003.jsonl",
                           "a1b2c3d4-0000-4000-8000-000000000003", "/w/app");
    // The running totals of a session on Claude Sonnet 4.5: a "prompt" of
    // 250,000 tokens summed over many calls, none of them above 200k.
    droid_test::replace_file(a, settings_json("claude-sonnet-4-5-20250929", {250000, 1000, 0, 0, 0}));
    CHECK(n(agent.sync(), "events_new") == 1);
    json t = agent.totals();
    INFO("totals: " << t.dump());
    // 250,000 x $3 + 1,000 x $15 per million (the tier would make it 250,000 x $6 + 1,000 x $22.50 = 1,522,500).
    CHECK(micros(t.at("estimated_cost_usd")) == 765000);

    droid_test::replace_file(a, settings_json("claude-sonnet-4-5-20250929", {600000, 3000, 0, 0, 0}));
    CHECK(n(agent.sync(), "events_new") == 1);
    // + 350,000 x $3 + 2,000 x $15 = 1,080,000.
    t = agent.totals();
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 600000);
    CHECK(micros(t.at("estimated_cost_usd")) == 1845000);

    // A full rescan re-reads every file and re-prices nothing upwards.
    const json full = agent.sync({"--full-rescan"});
    CHECK(n(full, "events_new") == 0);
    CHECK(micros(agent.totals().at("estimated_cost_usd")) == 1845000);
}
