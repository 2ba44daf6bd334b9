// End-to-end tests of the Cursor source through the REAL binary: `sync
// --once --json` over a state.vscdb written by the test under a temp HOME,
// `import cursor-csv`, `report sources --json`, and the overlap rule (an
// imported export supersedes the local partial copies inside its span, in
// either order).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/cursor_db.hpp"

namespace fs = std::filesystem;
using cursor_test::Bubble;
using cursor_test::Composer;
using cursor_test::StateDb;
using nlohmann::json;

namespace {

const fs::path kFixtures = fs::path(USAGE_SOURCE_DIR) / "plugins/cursor/tests/fixtures";

struct Agent : testing::AgentHome {
    [[nodiscard]] fs::path db_path() const { return dir / "home/.config/Cursor/User/globalStorage/state.vscdb"; }

    /// `sync --once --json`: the cursor entry.
    [[nodiscard]] json sync() const { return sync_stats("cursor"); }
    /// `import cursor-csv FILE --json`.
    [[nodiscard]] json import(const fs::path& file) const {
        auto r = run({"import", "cursor-csv", file.string(), "--json"});
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        return json::parse(r.out);
    }
    /// The cursor row of `report sources --json`.
    [[nodiscard]] json cursor_row() const {
        auto rep = report("sources");
        for (const auto& row : rep.at("rows"))
            if (row.at("key") == "cursor") return row;
        FAIL("no cursor row: " << rep.dump());
        return {};
    }
};

struct Totals {
    std::int64_t events, input, output, cache_read, cache_write_5m;
};

void check_totals(const json& t, const Totals& want) {
    INFO("totals: " << t.dump());
    CHECK(t.at("events").get<std::int64_t>() == want.events);
    CHECK(t.at("input_tokens").get<std::int64_t>() == want.input);
    CHECK(t.at("output_tokens").get<std::int64_t>() == want.output);
    CHECK(t.at("cache_read_tokens").get<std::int64_t>() == want.cache_read);
    CHECK(t.at("cache_write_5m_tokens").get<std::int64_t>() == want.cache_write_5m);
    CHECK(t.at("cache_write_1h_tokens").get<std::int64_t>() == 0);
    CHECK(t.at("total_tokens").get<std::int64_t>() == want.input + want.output + want.cache_read + want.cache_write_5m);
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

std::int64_t count(const json& stats, const char* key) {
    return stats.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("cursor e2e: sync reads state.vscdb, skips it unchanged, picks up a grown bubble") {
    Agent agent;
    StateDb db(agent.db_path());
    cursor_test::write_e2e_sample(db);

    auto first = agent.sync();
    CHECK(count(first, "files_seen") == 1);
    CHECK(count(first, "files_read") == 1);
    CHECK(count(first, "events_read") == 2);
    CHECK(count(first, "events_new") == 2);
    CHECK(count(first, "malformed_lines") == 0);
    CHECK(first.at("errors").empty());

    // Unchanged database: the engine skips it by stat, nothing is opened.
    auto second = agent.sync();
    CHECK(count(second, "files_seen") == 1);
    CHECK(count(second, "files_read") == 0);
    CHECK(count(second, "bytes_read") == 0);
    CHECK(count(second, "events_read") == 0);

    // Cursor rewrites a1 when its counts grow.
    db.bubble("c1", "a1", Bubble().with_model("claude-4.5-sonnet").counts(1500, 250));
    auto third = agent.sync();
    CHECK(count(third, "files_read") == 1);
    CHECK(count(third, "events_new") == 0);
    CHECK(count(third, "events_updated") == 1);

    auto row = agent.cursor_row();
    check_totals(row, {2, 1800, 280, 0, 0});
    CHECK(row.at("sessions").get<std::int64_t>() == 1);
    // Priced by the provider ids: claude-sonnet-4-5 1500 x $3 + 250 x $15,
    // gpt-5 300 x $1.25 + 30 x $10 (per million tokens).
    CHECK(micros(row.at("estimated_cost_usd")) == 4500 + 3750 + 375 + 300);
    CHECK(row.at("unpriced_events").get<std::int64_t>() == 0);
    auto projects = agent.report("projects");
    REQUIRE(projects.at("rows").size() == 1);
    CHECK(projects.at("rows")[0].at("key") == "shop");
}

TEST_CASE("cursor e2e: $XDG_CONFIG_HOME is where Linux Cursor keeps its state") {
    Agent agent;
    agent.env["XDG_CONFIG_HOME"] = (agent.dir / "xdg").string();
    StateDb db(agent.dir / "xdg/Cursor/User/globalStorage/state.vscdb");
    db.composer("c1", Composer{1768039200000, "gpt-5", {}});
    db.bubble("c1", "a1", Bubble().counts(5, 6));
    CHECK(count(agent.sync(), "events_new") == 1);
}

TEST_CASE("cursor e2e: import cursor-csv, then report sources, re-importing changes nothing") {
    Agent agent;
    const fs::path csv = kFixtures / "csv-new-header/usage.csv";
    auto first = agent.import(csv);
    CHECK(first.at("source") == "cursor");
    CHECK(count(first, "events_read") == 6);
    CHECK(count(first, "events_new") == 6);
    CHECK(count(first, "malformed_lines") == 3);

    auto row = agent.cursor_row();
    check_totals(row, {6, 4604, 2418, 36006, 1802});
    CHECK(micros(row.at("reported_cost_usd")) == 2469555784);
    // The Included claude-4.5-sonnet-thinking row is estimated as
    // claude-sonnet-4-5: 300 x $3 + 800 x $15 + 15000 x $0.30 + 1200 x $3.75
    // per million; the Included `auto` row has no price.
    CHECK(micros(row.at("estimated_cost_usd")) == 900 + 12000 + 4500 + 4500);
    CHECK(row.at("unpriced_events").get<std::int64_t>() == 1);

    auto again = agent.import(csv);
    CHECK(count(again, "events_new") == 0);
    CHECK(count(again, "events_updated") == 0);
    CHECK(count(again, "events_unchanged") == 6);
    check_totals(agent.cursor_row(), {6, 4604, 2418, 36006, 1802});

    // The old header imports into the same store.
    auto old = agent.import(kFixtures / "csv-old-header/usage.csv");
    CHECK(count(old, "events_new") == 3);
    check_totals(agent.cursor_row(), {9, 4604 + 105, 2418 + 65, 36006 + 1000, 1802 + 210});
}

TEST_CASE("cursor e2e: a bad export is one clear error naming the file and the column") {
    Agent agent;
    testing::write_file(agent.dir / "bad.csv", "Date,Kind,Model,Cost\n2026-01-12,Included,gpt-5,-\n");
    auto r = agent.run({"import", "cursor-csv", (agent.dir / "bad.csv").string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find((agent.dir / "bad.csv").string()) != std::string::npos);
    CHECK(r.err.find("'Input (w/ Cache Write)'") != std::string::npos);
}

// The export (fixture csv-new-header) spans 2026-01-12T09:15:00.250Z ..
// 10:00:00.000Z. The local database holds partial copies of calls inside
// that span (two of them exactly on its ends) and two calls after it.
// Whichever comes first, the result is the export's rows plus the two later
// local calls: nothing counted twice.
TEST_CASE("cursor e2e: the export supersedes local copies inside its span, in either order") {
    auto write_db = [](const Agent& agent) {
        StateDb db(agent.db_path());
        db.composer("c1", Composer{1768208400000, "claude-4.5-sonnet", {}});
        db.bubble("c1", "v0", Bubble().counts(300, 800).at("2026-01-12T09:15:00.250Z"));  // span start
        db.bubble("c1", "v1", Bubble().with_model("gpt-5-codex").counts(4000, 1500).at("2026-01-12T09:20:00Z"));
        db.bubble("c1", "v2", Bubble().counts(50, 10).at("2026-01-12T09:30:00Z"));
        db.bubble("c1", "v3", Bubble().with_model("gpt-5").counts(2, 4).at("2026-01-12T10:00:00.000Z"));  // span end
        db.bubble("c1", "v4", Bubble().with_model("gpt-5").counts(7, 1).at("2026-01-12T10:00:00.001Z"));  // after
        db.bubble("c1", "v5", Bubble().with_model("gpt-5").counts(100, 10).at("2026-01-12T12:00:00Z"));   // after
    };
    const fs::path csv = kFixtures / "csv-new-header/usage.csv";
    const Totals want{6 + 2, 4604 + 7 + 100, 2418 + 1 + 10, 36006, 1802};

    SUBCASE("scan first, import after") {
        Agent agent;
        write_db(agent);
        CHECK(count(agent.sync(), "events_new") == 6);
        check_totals(agent.cursor_row(), {6, 4459, 2325, 0, 0});
        (void)agent.import(csv);
        check_totals(agent.cursor_row(), want);
        // A later scan of a changed database does not bring the copies back.
        StateDb(agent.db_path())
            .bubble("c1", "v6", Bubble().with_model("gpt-5").counts(1, 1).at("2026-01-12T09:50:00Z"));
        CHECK(count(agent.sync(), "files_read") == 1);
        check_totals(agent.cursor_row(), want);
    }
    SUBCASE("import first, scan after") {
        Agent agent;
        (void)agent.import(csv);
        write_db(agent);
        (void)agent.sync();
        check_totals(agent.cursor_row(), want);
    }
}

TEST_CASE("cursor e2e: the shared export excerpt imports with the hand-computed totals") {
    auto shared = testing::shared_dir("the Cursor export excerpt");
    if (!shared) return;
    const fs::path csv = *shared / "fixtures/cursor/usage-export-excerpt.csv";
    REQUIRE(fs::exists(csv));
    Agent agent;
    auto stats = agent.import(csv);
    CHECK(count(stats, "events_new") == 2);
    CHECK(count(stats, "malformed_lines") == 0);
    // auto:        w/ 28342, w/o 775,  read 105891, out 21282 = 156290, $0.19
    // gpt-5-codex: w/ 0,     w/o 8263, read 66964,  out 1612  = 76839,  $0.03
    auto row = agent.cursor_row();
    check_totals(row, {2, 9038, 22894, 172855, 28342});
    CHECK(row.at("total_tokens").get<std::int64_t>() == 233129);
    CHECK(micros(row.at("reported_cost_usd")) == 220000);
}
