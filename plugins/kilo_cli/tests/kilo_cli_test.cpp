// Kilo CLI: OpenCode's database layout under Kilo's folder, read by the
// OpenCode reader as `kilo-cli`; the channel databases, $KILO_DB, and
// step-finish parts that must not count twice. The databases are written by
// the test with OpenCode's schema (transcripts/opencode_fixture.hpp): no real
// Kilo database was available; Kilo's source (packages/core/src/database,
// global.ts) keeps OpenCode's tables.
#include <doctest/doctest.h>

#include <cmath>

#include "../kilo_discovery.hpp"
#include "transcripts/opencode_fixture.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using opencode_test::assistant;

namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

// A session with one assistant message and the step-finish part Kilo writes
// for its step (the same tokens and cost again).
void one_call(opencode_test::Db& db, const std::string& msg, opencode_test::Tokens t, double cost) {
    db.project("prj", "/w/app");
    db.session("ses_" + msg, "prj", "", "/w/app");
    db.assistant(assistant(msg, "ses_" + msg, t, cost), kT0);
    SQLite::Statement part(db.conn(),
                           "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) "
                           "VALUES (?1, ?2, ?3, 1, 1, ?4)");
    part.bind(1, "prt_" + msg);
    part.bind(2, msg);
    part.bind(3, "ses_" + msg);
    part.bind(4, R"({"type":"step-finish","reason":"stop","cost":)" + std::to_string(cost) + R"(,"tokens":{"input":)" +
                     std::to_string(t.input) + R"(,"output":)" + std::to_string(t.output) +
                     R"(,"reasoning":0,"cache":{"read":0,"write":0}}})");
    part.exec();
}

struct Agent : testing::AgentHome {
    json sync(const std::vector<std::string>& extra = {}) const { return sync_stats("kilo-cli", extra); }
    [[nodiscard]] json totals(const std::string& source = "kilo-cli") const {
        return report("summary", {"--source", source}).at("totals");
    }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

}  // namespace

TEST_CASE("kilo-cli roots: XDG data folder, KILO_DB absolute, relative and in-memory") {
    testing::TempDir dir;
    usage::Environment env({{"HOME", (dir / "home").string()}});
    usage::DiscoveryContext ctx{&env, {}};
    auto roots = usage::plugins::kilo::kilo_roots(ctx);
    REQUIRE(roots.size() == 1);
    CHECK(roots[0] == dir / "home/.local/share/kilo");
    env.set("XDG_DATA_HOME", (dir / "xdg").string());
    env.set("KILO_DB", "work.db");  // relative: in the data folder, already a root
    roots = usage::plugins::kilo::kilo_roots(ctx);
    REQUIRE(roots.size() == 1);
    CHECK(roots[0] == dir / "xdg/kilo");
    env.set("KILO_DB", "sub/other.db");
    roots = usage::plugins::kilo::kilo_roots(ctx);
    REQUIRE(roots.size() == 2);
    CHECK(roots[1] == dir / "xdg/kilo/sub");
    env.set("KILO_DB", (dir / "elsewhere/custom.db").string());
    CHECK(usage::plugins::kilo::kilo_roots(ctx).at(1) == dir / "elsewhere");
    env.set("KILO_DB", ":memory:");
    CHECK(usage::plugins::kilo::kilo_roots(ctx).size() == 1);

    const usage::SourcePlugin* plugin = usage::find_source_plugin("kilo-cli");
    REQUIRE(plugin);
    const auto win = plugin->windows_roots("/mnt/c/Users/u");
    REQUIRE(win.size() == 2);
    CHECK(win[0] == "/mnt/c/Users/u/.local/share/kilo");
    CHECK(win[1] == "/mnt/c/Users/u/AppData/Roaming/kilo");
}

TEST_CASE("kilo-cli e2e: kilo.db, channel databases and KILO_DB, step-finish parts not counted") {
    Agent agent;
    const fs::path data = agent.dir / "xdg-data";
    agent.env["XDG_DATA_HOME"] = data.string();
    const fs::path kilo = data / "kilo";
    opencode_test::Db main(kilo / "kilo.db");
    main.conn().exec("PRAGMA wal_autocheckpoint = 0");
    one_call(main, "msg_k1", {100, 20, 5, 1000, 50}, 0.01);
    opencode_test::Db beta(kilo / "kilo-beta.db");
    one_call(beta, "msg_k2", {10, 10, 0, 0, 0}, 0);
    testing::write_file(kilo / "notes.txt", "not a database");
    // OpenCode's own folder is another source: never read as Kilo.
    opencode_test::Db opencode(data / "opencode" / "opencode.db");
    one_call(opencode, "msg_o1", {7, 7, 0, 0, 0}, 0);

    json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_seen") == 2);
    CHECK(n(s, "events_new") == 2);
    // k1: reported 0.01 USD; k2: claude-sonnet-4-5 10*3 + 10*15 = 180 micro-USD.
    json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "sessions") == 2);
    CHECK(n(t, "input_tokens") == 110);
    CHECK(n(t, "output_tokens") == 35);  // 20 + 5 reasoning + 10
    CHECK(n(t, "cache_read_tokens") == 1000);
    CHECK(n(t, "cache_write_tokens") == 50);
    CHECK(micros(t.at("reported_cost_usd")) == 10'000);
    CHECK(micros(t.at("estimated_cost_usd")) == 180);
    CHECK(n(agent.totals("opencode"), "events") == 1);  // msg_o1, under opencode only

    // KILO_DB names a database of any name elsewhere.
    opencode_test::Db custom(agent.dir / "elsewhere" / "custom.db");
    one_call(custom, "msg_k3", {1, 1, 0, 0, 0}, 0);
    agent.env["KILO_DB"] = (agent.dir / "elsewhere" / "custom.db").string();
    s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_seen") == 3);
    CHECK(n(s, "events_new") == 1);
    t = agent.totals();
    CHECK(n(t, "events") == 3);
    CHECK(n(t, "input_tokens") == 111);
    CHECK(micros(t.at("estimated_cost_usd")) == 198);

    // A new call that only reached kilo.db's -wal.
    main.assistant(assistant("msg_k4", "ses_msg_k1", {2, 2, 0, 0, 0}), kT0 + 1);
    s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 1);

    const json full = agent.sync({"--full-rescan"});
    CHECK(n(full, "events_new") == 0);
    CHECK(n(agent.totals(), "events") == 4);

    const json sessions = agent.report("sessions", {"--source", "kilo-cli"});
    INFO("sessions: " << sessions.dump());
    CHECK(sessions.dump().find("kilo-cli") != std::string::npos);
}
