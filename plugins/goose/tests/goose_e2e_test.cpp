// End to end through the real binary ($GOOSE_PATH_ROOT): a live database
// (rows in the -wal), then a rewrite of the database as a new file renamed
// over the old one (a new inode), then `sync --full-rescan`: the totals count
// each growth once (ReadMode::cumulative keeps what was counted).
#include <doctest/doctest.h>

#include <cmath>

#include "goose_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using goose_test::row;
using nlohmann::json;

namespace {

struct Agent : testing::AgentHome {
    json sync(const std::vector<std::string>& extra = {}) const { return sync_stats("goose", extra); }
    [[nodiscard]] json totals() const { return report("summary", {"--source", "goose"}).at("totals"); }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

}  // namespace

TEST_CASE("goose e2e: deltas across syncs, a rename-replaced database and a full rescan count once") {
    Agent agent;
    const fs::path root = agent.dir / "goose-root";
    agent.env["GOOSE_PATH_ROOT"] = root.string();
    const fs::path path = root / "data" / "sessions" / "sessions.db";
    {
        goose_test::Db db(path);
        db.conn().exec("PRAGMA wal_autocheckpoint = 0");
        db.put(row("20260101_1", 1000, 200, 1200, 0.05));
        db.put(row("20260101_2", 10, 5, 15));
        json s = agent.sync();
        CHECK(s.at("errors").empty());
        CHECK(n(s, "files_read") == 1);
        CHECK(n(s, "events_new") == 2);
        json t = agent.totals();
        INFO("totals: " << t.dump());
        CHECK(n(t, "events") == 2);
        CHECK(n(t, "sessions") == 2);
        CHECK(n(t, "input_tokens") == 1010);
        CHECK(n(t, "output_tokens") == 205);
        CHECK(micros(t.at("reported_cost_usd")) == 50'000);
        CHECK(micros(t.at("estimated_cost_usd")) == 105);  // claude-sonnet-4-5: 10*3 + 5*15
        CHECK(n(agent.sync(), "files_read") == 0);

        db.put(row("20260101_1", 1200, 220, 1420, 0.06));  // in the -wal only
        s = agent.sync();
        CHECK(n(s, "files_read") == 1);
        CHECK(n(s, "events_new") == 1);
    }

    // Goose's database rewritten as a new file and renamed over the old one.
    const fs::path fresh = root / "data" / "sessions" / "sessions.db.new";
    {
        goose_test::Db db(fresh);
        db.put(row("20260101_1", 1500, 260, 1760, 0.08));
        db.put(row("20260101_2", 10, 5, 15));
        db.put(row("20260101_3", 100, 0, 100));
    }
    fs::remove(path.string() + "-wal");
    fs::remove(path.string() + "-shm");
    fs::rename(fresh, path);
    json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 2);  // session 1 grew, session 3 is new; session 2 did not change
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 5);
    CHECK(n(t, "sessions") == 3);
    CHECK(n(t, "input_tokens") == 1610);
    CHECK(n(t, "output_tokens") == 265);
    CHECK(micros(t.at("reported_cost_usd")) == 80'000);
    CHECK(micros(t.at("estimated_cost_usd")) == 405);  // + 100*3 for session 3

    const json full = agent.sync({"--full-rescan"});
    CHECK(n(full, "files_read") == 1);
    CHECK(n(full, "events_new") == 0);
    CHECK(n(full, "events_updated") == 0);
    CHECK(agent.totals() == t);
}
