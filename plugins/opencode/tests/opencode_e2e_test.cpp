// End to end through the real binary: `sync --once` over an OpenCode data
// folder holding a live database (its writer connection stays open, so new
// rows sit in the -wal) and the legacy tree, then `report summary --json`.
#include <doctest/doctest.h>

#include <cmath>

#include "transcripts/opencode_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using opencode_test::assistant;

namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

struct Agent : testing::AgentHome {
    json sync(const std::vector<std::string>& extra = {}) const { return sync_stats("opencode", extra); }
    [[nodiscard]] json totals() const { return report("summary").at("totals"); }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

}  // namespace

TEST_CASE("opencode e2e: database + legacy tree, incremental syncs, exact totals and costs") {
    Agent agent;
    const fs::path data = agent.dir / "xdg-data";
    agent.env["XDG_DATA_HOME"] = data.string();
    const fs::path root = data / "opencode";
    opencode_test::Db db(root / "opencode.db");
    db.conn().exec("PRAGMA wal_autocheckpoint = 0");  // OpenCode's own writes mostly sit in the -wal
    opencode_test::write_sample(db, root / "storage");

    json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_seen") == 4);
    CHECK(n(s, "files_read") == 4);
    CHECK(n(s, "events_new") == 3);  // the legacy twin is stored as a superseded copy, not an event
    CHECK(n(s, "malformed_lines") == 1);

    // a1: 1000*3 + 250*15 + 10000*0.3 + 2000*3.75 = 17250 micro-USD (estimated)
    // a2: reported 0.0042 USD; l1: 10*3 + 10*15 = 180 (estimated)
    json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 3);
    CHECK(n(t, "sessions") == 2);  // ses_sub folds into ses_main
    CHECK(n(t, "input_tokens") == 1510);
    CHECK(n(t, "output_tokens") == 360);
    CHECK(n(t, "cache_read_tokens") == 10000);
    CHECK(n(t, "cache_write_tokens") == 2000);
    CHECK(n(t, "total_tokens") == 13870);
    CHECK(micros(t.at("reported_cost_usd")) == 4200);
    CHECK(micros(t.at("estimated_cost_usd")) == 17430);
    CHECK(micros(t.at("cost_usd")) == 21630);

    // Nothing changed: nothing opened.
    s = agent.sync();
    CHECK(n(s, "files_seen") == 4);
    CHECK(n(s, "files_read") == 0);

    // A new call that only reached the -wal, and a streaming one (zeros).
    db.assistant(assistant("msg_a3", "ses_main", {1, 2, 0, 0, 0}), kT0 + 3);
    db.assistant(assistant("msg_a4", "ses_main", {0, 0, 0, 0, 0}), kT0 + 4);
    s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 1);
    // The streaming call finishes: its row is rewritten.
    db.assistant(assistant("msg_a4", "ses_main", {4, 4, 0, 0, 0}), kT0 + 5);
    s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_read") == 1);
    CHECK(n(s, "events_new") == 1);
    t = agent.totals();
    CHECK(n(t, "events") == 5);
    CHECK(n(t, "total_tokens") == 13870 + 3 + 8);

    const json full = agent.sync({"--full-rescan"});
    CHECK(n(full, "files_read") == 4);
    CHECK(n(full, "events_new") == 0);
    CHECK(n(full, "events_updated") == 0);
    CHECK(agent.totals() == t);
}

TEST_CASE("opencode e2e: the shared shape sample (OPENCODE_DATA_DIR)") {
    auto shared = testing::shared_dir("the OpenCode shape sample");
    if (!shared) return;
    Agent agent;
    agent.env["OPENCODE_DATA_DIR"] = (*shared / "fixtures/opencode").string();
    const json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "malformed_lines") == 0);
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 1);
    CHECK(n(t, "sessions") == 1);
    CHECK(n(t, "input_tokens") == 1000);
    CHECK(n(t, "output_tokens") == 500);
    CHECK(n(t, "cache_read_tokens") == 200);
    CHECK(n(t, "cache_write_tokens") == 100);
    CHECK(n(t, "total_tokens") == 1800);
}
