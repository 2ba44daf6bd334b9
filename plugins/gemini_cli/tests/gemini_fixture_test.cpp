// End-to-end tests of the Gemini CLI source through the REAL binary:
// `sync --once` into a fresh state dir, then `report ... --json`. Covers the
// project's own fixture trees (tests/fixtures/<case>/gemini with an
// expected.json computed by hand from docs/sources/gemini-cli.md), the shared
// real sample when ../shared exists, legacy files rewritten in place, JSONL
// files that grow, and the report views a user sees.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gemini_records.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
namespace g = gemini_test;

namespace {

const fs::path kFixtures = fs::path(USAGE_SOURCE_DIR) / "plugins/gemini_cli/tests/fixtures";

/// A temp HOME/state dir. The Gemini data either lives under the temp HOME
/// (`home()/.gemini`), or GEMINI_DATA_DIR names a `.gemini`-like dir.
struct Agent : testing::AgentHome {
    Agent() = default;
    explicit Agent(const fs::path& gemini_dir) { env["GEMINI_DATA_DIR"] = gemini_dir.string(); }

    [[nodiscard]] fs::path home() const { return dir / "home"; }

    /// `sync --once --json`: the gemini-cli entry of the per-source stats.
    [[nodiscard]] json sync(const std::vector<std::string>& extra = {}) const {
        return sync_stats("gemini-cli", extra);
    }
    [[nodiscard]] json totals() const { return report("summary").at("totals"); }
};

struct Totals {
    std::int64_t events, sessions, input, output, reasoning, cache_read;
};

void check_totals(const json& t, const Totals& want) {
    INFO("totals: " << t.dump());
    CHECK(t.at("events").get<std::int64_t>() == want.events);
    CHECK(t.at("sessions").get<std::int64_t>() == want.sessions);
    CHECK(t.at("input_tokens").get<std::int64_t>() == want.input);
    CHECK(t.at("output_tokens").get<std::int64_t>() == want.output);
    CHECK(t.at("reasoning_tokens").get<std::int64_t>() == want.reasoning);
    CHECK(t.at("cache_read_tokens").get<std::int64_t>() == want.cache_read);
    CHECK(t.at("cache_write_tokens").get<std::int64_t>() == 0);
    CHECK(t.at("total_tokens").get<std::int64_t>() == want.input + want.output + want.cache_read);
}

std::int64_t count(const json& stats, const char* key) {
    return stats.at(key).get<std::int64_t>();
}

const json& row(const json& report, const std::string& key) {
    for (const auto& r : report.at("rows"))
        if (r.at("key") == key) return r;
    FAIL("no row " << key << " in " << report.dump());
    static json none;
    return none;
}

const std::string kHash = "d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1";
const std::string kSession = "51a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8";

}  // namespace

TEST_CASE("gemini fixtures: every case matches its expected.json") {
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (entry.is_directory()) cases.push_back(entry.path());
    std::sort(cases.begin(), cases.end());
    std::vector<std::string> names;
    for (const auto& c : cases) names.push_back(c.filename().string());
    // A missing or renamed case must fail, not silently shrink the coverage.
    CHECK(names == std::vector<std::string>{"jsonl-session", "legacy-json", "migrated-and-broken"});

    for (const auto& dir : cases) {
        INFO("case: " << dir.filename().string());
        const json want = json::parse(testing::read_file(dir / "expected.json"));
        auto n = [&](const char* key) { return want.at(key).get<std::int64_t>(); };
        Agent agent(dir / "gemini");
        const json first = agent.sync();
        CHECK(first.at("errors").empty());
        CHECK(count(first, "malformed_lines") == n("malformed_lines"));
        const json t = agent.totals();
        check_totals(t, {n("events"), n("sessions"), n("input"), n("output"), n("reasoning"), n("cache_read")});
        CHECK(t.at("total_tokens").get<std::int64_t>() == n("total"));
        // `[API Error: ...]` records are failed calls, counted apart from the events.
        CHECK(t.at("failed_requests").get<std::int64_t>() == n("failed_requests"));
        CHECK(count(first, "failures_new") == n("failed_requests"));

        // Idempotent: nothing changed, nothing read; a full re-read adds nothing.
        const json again = agent.sync();
        CHECK(count(again, "files_read") == 0);
        CHECK(count(again, "events_new") == 0);
        const json full = agent.sync({"--full-rescan"});
        CHECK(count(full, "files_read") == count(full, "files_seen"));
        CHECK(count(full, "events_new") == 0);
        CHECK(count(full, "events_updated") == 0);
        CHECK(agent.totals() == t);
    }
}

TEST_CASE("gemini fixtures: a migrated .jsonl twin counts once, a cut-off legacy file keeps its whole messages") {
    Agent agent(kFixtures / "migrated-and-broken/gemini");
    const json s = agent.sync();
    CHECK(count(s, "files_seen") == 4);
    // 2 in the legacy .json, 3 in its .jsonl twin (2 of them copies), 1 in the other .jsonl,
    // 1 salvaged from the legacy file that was cut off mid-write.
    CHECK(count(s, "events_read") == 7);
    CHECK(count(s, "events_new") == 5);
    CHECK(count(s, "malformed_lines") == 2);
    const json sessions = agent.report("sessions");
    CHECK(row(sessions, "4c5d6e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f").at("events") == 3);
    CHECK(row(sessions, "cc33dd44-5e6f-4a7b-8c9d-0e1f2a3b4c5d").at("events") == 1);
    CHECK(row(sessions, "aa11bb22-3c4d-4e5f-8a9b-0c1d2e3f4a5b").at("events") == 1);
}

TEST_CASE("gemini fixtures: the shared real sample gives the totals derived by hand") {
    auto shared = testing::shared_dir("the Gemini real-sample totals");
    if (!shared) return;
    const fs::path sample = *shared / "fixtures/gemini-cli/session-2025-12-01T21-45-5b959dae.json";
    REQUIRE(fs::exists(sample));
    // Laid out as Gemini CLI would: ~/.gemini/tmp/<projectHash>/chats/.
    Agent agent;
    const fs::path chats =
        agent.home() / ".gemini/tmp/fb8e242a6fbbb5c48a1d0be57a8a4cc934d33e0a1caf73ab5d4ecaa17269960c/chats";
    fs::create_directories(chats);
    fs::copy_file(sample, chats / sample.filename());

    const json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(count(s, "malformed_lines") == 0);
    // 14 messages: 3 user, 11 gemini with tokens. Per message
    // input - cached + tool, cached, output + thoughts; total = sum of `total`.
    const json t = agent.totals();
    check_totals(t, {11, 1, 45092, 4227, 1493, 56538});
    CHECK(t.at("total_tokens").get<std::int64_t>() == 105857);
    const json sessions = agent.report("sessions");
    const json& r = row(sessions, "5b959dae-8655-4cd1-b10f-720b8c336ea2");
    CHECK(r.at("first_activity") == "2025-12-01T21:45:40.110Z");
    CHECK(r.at("last_activity") == "2025-12-01T21:50:10.837Z");
    CHECK(r.at("models") == json::array({"gemini-3-pro-image-preview"}));
}

TEST_CASE("gemini snapshot: a legacy file rewritten in place adds only its new messages") {
    Agent agent;
    const fs::path file = agent.home() / ".gemini/tmp" / kHash / "chats/session-2026-03-01T10-00-51a2b3c4.json";
    const auto u1 = g::user("m-u1", "2026-03-01T10:00:01.000Z", "hi");
    const auto g1 = g::gemini("m-g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(1000, 10, 0, 5));
    // Written before its usage arrived: tokens null.
    const auto g2_early = g::gemini("m-g2", "2026-03-01T10:01:00.000Z", "gemini-2.5-pro", nullptr);
    testing::write_file(file, g::legacy_file(kSession, kHash, {u1, g1, g2_early}));
    CHECK(count(agent.sync(), "events_new") == 1);
    check_totals(agent.totals(), {1, 1, 1000, 15, 5, 0});

    // Gemini CLI rewrites the whole file: m-g2 gets its tokens, m-g3 is new.
    const auto g2 = g::gemini("m-g2", "2026-03-01T10:01:00.000Z", "gemini-2.5-pro", g::tokens(3000, 20, 2000, 0, 7));
    const auto g3 = g::gemini("m-g3", "2026-03-01T10:02:00.000Z", "gemini-2.5-pro", g::tokens(4000, 30, 3000, 40));
    testing::write_file(file, g::legacy_file(kSession, kHash, {u1, g1, g::user("m-u2", "t", "more"), g2, g3}));
    json s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_read") == 3);
    CHECK(count(s, "events_new") == 2);
    CHECK(count(s, "events_updated") == 0);
    // m-g2: 3000-2000+7 in, 2000 cached, 20 out; m-g3: 1000 in, 3000 cached, 70 out (40 thoughts).
    check_totals(agent.totals(), {3, 1, 1000 + 1007 + 1000, 15 + 20 + 70, 5 + 40, 5000});

    // Unchanged: not even opened.
    s = agent.sync();
    CHECK(count(s, "files_read") == 0);

    // Replaced by a new file (write + rename, a new inode) with the same content.
    const fs::path tmp = file.parent_path() / "tmp-replace";
    testing::write_file(tmp, g::legacy_file(kSession, kHash, {u1, g1, g2, g3}));
    fs::rename(tmp, file);
    s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 0);
    CHECK(count(s, "events_updated") == 0);
    check_totals(agent.totals(), {3, 1, 3007, 105, 45, 5000});
}

TEST_CASE("gemini jsonl: growing files are read from their offset, copies merge by message id") {
    Agent agent;
    agent.env["GEMINI_CLI_HOME"] = (agent.dir / "gemini-home").string();  // replaces HOME for Gemini
    const fs::path chats = agent.dir / "gemini-home/.gemini/tmp/proj-x/chats";
    testing::write_file(agent.dir / "gemini-home/.gemini/tmp/proj-x/.project_root", "/srv/proj-x\n");
    // Data under HOME must now be ignored.
    testing::write_file(
        agent.home() / ".gemini/tmp" / kHash / "chats/session-2026-03-01T09-00-99999999.jsonl",
        g::meta_line("99999999-0000-4000-8000-000000000000", kHash) +
            g::line(g::gemini("x", "2026-03-01T09:00:00.000Z", "gemini-2.5-pro", g::tokens(9, 9, 0, 0))));
    const fs::path file = chats / "session-2026-03-01T10-00-51a2b3c4.jsonl";
    testing::write_file(
        file, g::meta_line(kSession, kHash) + g::line(g::user("j-u1", "2026-03-01T10:00:01.000Z", "go")) +
                  g::line(g::gemini("j-g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(500, 50, 0, 25))) +
                  g::line(g::gemini("j-g2", "2026-03-01T10:00:09.000Z", "gemini-2.5-pro", nullptr)));
    json s = agent.sync();
    CHECK(count(s, "files_seen") == 1);
    CHECK(count(s, "events_new") == 1);
    check_totals(agent.totals(), {1, 1, 500, 75, 25, 0});

    // j-g2 is appended again with its tokens; j-g3 names no model (a synthetic
    // record that took queued tokens): it takes the model of the call before
    // it, which an incremental read only knows from the saved state.
    testing::append_file(
        file, g::line(g::gemini("j-g2", "2026-03-01T10:00:09.000Z", "gemini-2.5-pro", g::tokens(800, 10, 400, 0))) +
                  g::line(g::note("j-i1", "2026-03-01T10:00:10.000Z", "info", "Retrying")) +
                  g::line(g::gemini("j-g3", "2026-03-01T10:00:12.000Z", "", g::tokens(900, 5, 800, 0))));
    s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 2);
    CHECK(count(s, "events_updated") == 0);
    check_totals(agent.totals(), {3, 1, 500 + 400 + 100, 75 + 10 + 5, 25, 1200});
    const json models = agent.report("models");
    REQUIRE(models.at("rows").size() == 1);
    CHECK(row(models, "gemini-2.5-pro").at("events") == 3);

    // A later copy of a message already counted (a full `$set.messages` history) changes nothing.
    testing::append_file(
        file, g::line({{"$set",
                        {{"messages",
                          {g::gemini("j-g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(500, 50, 0, 25))}},
                         {"lastUpdated", "2026-03-01T10:00:20.000Z"}}}}));
    s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 0);
    CHECK(count(s, "events_updated") == 0);

    const json projects = agent.report("projects");
    CHECK(row(projects, "proj-x").at("events") == 3);
}

TEST_CASE("gemini e2e: report sources and sessions show the Gemini sessions") {
    Agent agent(kFixtures / "jsonl-session/gemini");
    REQUIRE(agent.sync().at("errors").empty());

    const json sources = agent.report("sources");
    REQUIRE(sources.at("rows").size() == 1);
    const json& src = sources.at("rows")[0];
    CHECK(src.at("key") == "gemini-cli");
    CHECK(src.at("events") == 4);
    CHECK(src.at("sessions") == 1);
    CHECK(src.at("input_tokens") == 7866);
    CHECK(src.at("output_tokens") == 1670);
    CHECK(src.at("cache_read_tokens") == 6144);
    CHECK(src.at("total_tokens") == 15680);
    CHECK(src.at("unpriced_events") == 0);
    // Built-in prices per million: 2.5-pro in 1.25 / out 10 / cache read 0.125, 2.5-flash in 0.3 / out 2.5.
    // g1 3000*1.25 + 520*10 = 8950; g2 2162*1.25 + 150*10 + 2048*0.125 = 4458.5 (rounds to 4459);
    // g3 204*1.25 + 500*10 + 4096*0.125 = 5767; s1 2500*0.3 + 500*2.5 = 2000 micro-USD.
    CHECK(src.at("cost_usd").get<double>() == doctest::Approx(0.021176));

    const json sessions = agent.report("sessions", {"--full"});
    REQUIRE(sessions.at("rows").size() == 1);
    const json& s = row(sessions, "7e1f0c2a-5b3d-4c8e-9a1f-2d4b6c8e0a13");  // the subagent folds into its parent
    CHECK(s.at("source") == "gemini-cli");
    CHECK(s.at("surface") == "cli");
    CHECK(s.at("project") == "webshop");
    CHECK(s.at("events") == 4);
    CHECK(s.at("models") == json::array({"gemini-2.5-flash", "gemini-2.5-pro"}));
    CHECK(s.at("first_activity") == "2026-02-03T09:15:20.000Z");
    // The session's last activity is its failed call (`[API Error: socket hang up]`), after its last answer.
    CHECK(s.at("last_activity") == "2026-02-03T09:17:00.000Z");
    CHECK(s.at("failed_requests") == 1);
    REQUIRE(s.at("by_model").size() == 2);
}
