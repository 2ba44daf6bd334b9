// `usage-agent store backup|export|import|check` through the real binary on
// stores a real sync wrote: an export imported elsewhere gives the same
// numbers, twice changes nothing, bad rows are named by line, a backup taken
// during an open write holds only committed rows, and check finds damage.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>

#include "sqlite_store_at_version.hpp"
#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"
#include "usage/store/store.hpp"

namespace {

using claude_test::api_error_line;
using claude_test::Assistant;

// Three answered calls in two sessions, a sidechain replay of the first
// (superseded by it) and one failed call: 5 rows, 3 events.
struct SyncedHome : testing::AgentHome {
    SyncedHome() {
        const auto projects = dir / "home" / ".claude" / "projects";
        testing::write_file(projects / "-w-api" / "s1.jsonl",
                            Assistant("msg_1", "req_1", 100, 40, 1000, 10)
                                    .model("claude-sonnet-4-5")
                                    .at("2026-01-10T10:00:00.000Z")
                                    .line() +
                                Assistant("msg_1", "req_1b", 100, 40, 1000, 10)
                                    .model("claude-sonnet-4-5")
                                    .at("2026-01-10T10:00:01.000Z")
                                    .sidechain()
                                    .line() +
                                Assistant("msg_2", "req_2", 200, 0, 0, 20)
                                    .model("claude-opus-4-5")
                                    .at("2026-01-10T11:00:00.000Z")
                                    .line() +
                                api_error_line("0b1e0000-rate", "2026-01-10T11:05:00.000Z", "rate_limit", 429));
        testing::write_file(projects / "-w-web" / "s2.jsonl", Assistant("msg_3", "req_3", 300, 0, 0, 30)
                                                                  .model("claude-sonnet-4-5")
                                                                  .session("5c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f")
                                                                  .at("2026-01-11T09:00:00.000Z")
                                                                  .line());
        auto r = run({"sync", "--once", "--no-push"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    [[nodiscard]] std::filesystem::path db() const { return dir / "state" / "usage.db"; }
};

// The figures two stores must agree on.
void check_same_totals(const testing::AgentHome& a, const testing::AgentHome& b) {
    const auto ta = a.report("summary")["totals"];
    const auto tb = b.report("summary")["totals"];
    for (const char* k : {"events", "failed_requests", "sessions", "input_tokens", "output_tokens", "cache_read_tokens",
                          "cache_write_tokens", "cost_usd"})
        CHECK_MESSAGE(ta[k] == tb[k], k);
    CHECK(tb["events"] == 3);
    CHECK(tb["failed_requests"] == 1);
    CHECK(tb["input_tokens"] == 600);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        auto nl = text.find('\n', at);
        out.push_back(text.substr(at, nl - at));
        at = nl == std::string::npos ? text.size() : nl + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("store export then import: another store holds the same rows and numbers, twice changes nothing") {
    SyncedHome home;
    const auto file = home.dir / "usage.jsonl";
    auto r = home.run({"store", "export", "--output", file.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.empty());
    CHECK(r.err.find("exported 5 rows (3 events, 1 superseded copy, 1 failed call) of 1 machine to ") == 0);
    CHECK_FALSE(std::filesystem::exists(file.string() + ".partial"));

    const auto lines = lines_of(testing::read_file(file));
    REQUIRE(lines.size() == 6);
    const auto header = nlohmann::json::parse(lines[0]);
    CHECK(header["format"] == "usage-agent-export");
    CHECK(header["version"] == 1);
    CHECK(header["schema_version"] == 12);
    REQUIRE(header["machines"].size() == 1);
    CHECK(header["machines"][0]["id"] == header["machine_id"]);
    int superseded = 0, failed = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto row = nlohmann::json::parse(lines[i]);
        CHECK(row["machine_id"] == header["machine_id"]);
        CHECK(row["user"] == "tester");
        superseded += row["superseded"].get<bool>() ? 1 : 0;
        failed += row.contains("failure") ? 1 : 0;
    }
    CHECK(superseded == 1);
    CHECK(failed == 1);

    // To stdout: the same rows.
    auto to_stdout = home.run({"store", "export"});
    REQUIRE(to_stdout.exit_code == 0);
    const auto stdout_lines = lines_of(to_stdout.out);
    REQUIRE(stdout_lines.size() == 6);
    for (std::size_t i = 1; i < lines.size(); ++i) CHECK(stdout_lines[i] == lines[i]);

    testing::AgentHome other;
    auto imported = other.run({"store", "import", file.string(), "--json"});
    REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
    auto j = nlohmann::json::parse(imported.out);
    CHECK(j["rows_read"] == 5);
    CHECK(j["rows_new"] == 5);
    CHECK(j["events_new"] == 3);
    CHECK(j["rows_invalid"] == 0);
    CHECK(j["machines"] == 1);
    check_same_totals(home, other);
    // The machine keeps its name; the rows keep their user.
    const auto machines = other.report("machines")["rows"];
    REQUIRE(machines.size() == 1);
    CHECK(machines[0]["key"] == home.report("machines")["rows"][0]["key"]);

    auto again = other.run({"store", "import", file.string()});
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    CHECK(again.out == file.string() + ": 5 rows, 0 new (0 events), 0 updated, 5 unchanged\n");
    check_same_totals(home, other);

    // The imported store exports the same rows (it is the same history).
    auto round = other.run({"store", "export"});
    const auto round_lines = lines_of(round.out);
    REQUIRE(round_lines.size() == 6);
    for (std::size_t i = 1; i < lines.size(); ++i) CHECK(round_lines[i] == lines[i]);
}

TEST_CASE("store export then import: the session cost ledger travels, and the larger figure stays") {
    SyncedHome home;
    {
        usage::Store store(home.dir / "state");
        REQUIRE(store.record_session_cost({"claude-code", "s-big", 4'560'000, "claude-opus-4-5", "2.0.1", 1000}));
        REQUIRE(store.record_session_cost({"claude-code", "s-small", 120'000, "claude-sonnet-4-5", "2.0.1", 2000}));
    }
    const auto file = home.dir / "usage.jsonl";
    auto r = home.run({"store", "export", "--output", file.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("of 1 machine and 2 session costs to ") != std::string::npos);
    const auto lines = lines_of(testing::read_file(file));
    REQUIRE(lines.size() == 8);
    const auto big = nlohmann::json::parse(lines[6])["session_cost"];
    CHECK(big["session_id"] == "s-big");
    CHECK(big["cost_micros"] == 4'560'000);
    CHECK(big["model"] == "claude-opus-4-5");
    CHECK(big["updated_ms"] == 1000);

    // The other store already has a larger figure for s-small: it keeps it.
    testing::AgentHome other;
    REQUIRE(other.run({"sync", "--once", "--no-push"}).exit_code == 0);
    {
        usage::Store store(other.dir / "state");
        REQUIRE(store.record_session_cost({"claude-code", "s-small", 300'000, "claude-sonnet-4-5", "2.0.2", 3000}));
    }
    auto imported = other.run({"store", "import", file.string(), "--json"});
    REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
    const auto j = nlohmann::json::parse(imported.out);
    CHECK(j["rows_read"] == 5);
    CHECK(j["rows_invalid"] == 0);
    CHECK(j["session_costs"] == 2);
    CHECK(j["session_costs_changed"] == 1);
    {
        usage::Store store(other.dir / "state");
        const auto costs = store.session_costs();
        REQUIRE(costs.size() == 2);
        CHECK(costs[0].session_id == "s-big");
        CHECK(costs[0].cost_micros == 4'560'000);
        CHECK(costs[0].version == "2.0.1");
        CHECK(costs[1].session_id == "s-small");
        CHECK(costs[1].cost_micros == 300'000);
        CHECK(costs[1].version == "2.0.2");
    }
    auto again = other.run({"store", "import", file.string()});
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    CHECK(again.out == file.string() +
                           ": 5 rows, 0 new (0 events), 0 updated, 5 unchanged; 2 session costs, 0 larger than "
                           "the store's\n");

    // A damaged ledger line is named like a damaged row; the rest is stored.
    const auto bad = home.dir / "bad.jsonl";
    testing::write_file(bad, lines[0] + "\n" + lines[1] + "\n{\"session_cost\":{\"source\":\"claude-code\"}}\n");
    testing::AgentHome third;
    auto partial = third.run({"store", "import", bad.string()});
    CHECK(partial.exit_code == 1);
    CHECK(partial.err.find("line 3: 'session_id' is required") != std::string::npos);
}

TEST_CASE("store import: invalid rows are skipped and named by line, the rest is stored, exit 1") {
    SyncedHome home;
    auto exported = home.run({"store", "export"});
    REQUIRE(exported.exit_code == 0);
    const auto lines = lines_of(exported.out);
    // Rows are in the order the scan stored them: pick them by id.
    auto row = [&](const std::string& id) {
        for (const auto& l : lines)
            if (l.find("\"id\":\"" + id + "\"") != std::string::npos) return l;
        FAIL("no row " << id);
        return std::string();
    };
    auto bad = nlohmann::json::parse(row("claude-code:msg_1:req_1"));
    bad["tokens"]["input"] = -5;
    const auto file = home.dir / "damaged.jsonl";
    testing::write_file(file, lines[0] + "\n" + row("claude-code:msg_2:req_2") + "\n" + bad.dump() + "\n{not json\n\n" +
                                  row("claude-code:msg_3:req_3") + "\n");

    testing::AgentHome other;
    auto r = other.run({"store", "import", file.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out == file.string() + ": 2 rows, 2 new (2 events), 0 updated, 0 unchanged, 2 invalid (skipped)\n");
    CHECK(r.err.find(file.string() + ": line 3: 'tokens.input' must be an integer from 0 to ") != std::string::npos);
    CHECK(r.err.find(file.string() + ": line 4: line is not valid JSON") != std::string::npos);
    CHECK(other.report("summary")["totals"]["events"] == 2);

    // Not an export at all: refused before anything is stored.
    const auto transcript = home.dir / "home" / ".claude" / "projects" / "-w-api" / "s1.jsonl";
    auto refused = other.run({"store", "import", transcript.string()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err == "usage-agent: " + transcript.string() +
                             ": not a usage-agent store export (its first line is not the header)\n");
    auto newer = home.dir / "newer.jsonl";
    testing::write_file(newer, "{\"format\":\"usage-agent-export\",\"version\":2}\n");
    auto too_new = other.run({"store", "import", newer.string()});
    CHECK(too_new.exit_code == 1);
    CHECK(too_new.err.find("export version 2 is not one this usage-agent reads (1); upgrade usage-agent") !=
          std::string::npos);
}

TEST_CASE("store backup: a checked copy of committed rows, even during an open write, never overwritten by accident") {
    SyncedHome home;
    const auto copy = home.dir / "backup" / "usage-copy.db";
    std::filesystem::create_directories(copy.parent_path());
    {
        // Another writer holds a write transaction open (as `run` does while it scans).
        SQLite::Database writer(home.db().string(), SQLite::OPEN_READWRITE);
        writer.exec("BEGIN IMMEDIATE");
        writer.exec("UPDATE events SET input = input + 1000000");
        auto r = home.run({"store", "backup", copy.string(), "--json"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        auto j = nlohmann::json::parse(r.out);
        CHECK(j["file"] == copy.string());
        CHECK(j["bytes"].get<std::int64_t>() == static_cast<std::int64_t>(std::filesystem::file_size(copy)));
        writer.exec("ROLLBACK");
    }
    CHECK_FALSE(std::filesystem::exists(copy.string() + "-wal"));
    CHECK_FALSE(std::filesystem::exists(copy.string() + ".partial"));

    auto check = home.run({"store", "check", copy.string()});
    CHECK(check.exit_code == 0);
    CHECK(check.out.find("ok: " + copy.string() + " (schema 12, 3 events in 5 rows)") == 0);

    // The copy is a store: a state dir holding it reports what the original does.
    testing::AgentHome restored;
    std::filesystem::create_directories(restored.dir / "state");
    std::filesystem::copy_file(copy, restored.dir / "state" / "usage.db");
    check_same_totals(home, restored);

    auto refused = home.run({"store", "backup", copy.string()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err == "usage-agent: " + copy.string() + ": already exists (--force replaces it)\n");
    auto forced = home.run({"store", "backup", copy.string(), "--force"});
    CHECK(forced.exit_code == 0);
    CHECK(forced.out.find("backed up " + home.db().string() + " to " + copy.string() + " (") == 0);

    testing::AgentHome empty;
    auto nothing = empty.run({"store", "backup", (empty.dir / "x.db").string()});
    CHECK(nothing.exit_code == 1);
    CHECK(nothing.err.find("no store here (run `usage-agent sync` first)") != std::string::npos);
}

TEST_CASE("store check: damage, a foreign file, rollups out of step and an older schema each get a clear answer") {
    SyncedHome home;
    auto ok = home.run({"store", "check", "--json"});
    REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
    auto j = nlohmann::json::parse(ok.out);
    CHECK(j["ok"] == true);
    CHECK(j["rows"] == 5);
    CHECK(j["events"] == 3);
    CHECK(j["problems"].empty());

    // A rollup that no longer sums to the events (written behind the triggers' back).
    const auto drift = home.dir / "drift.db";
    REQUIRE(home.run({"store", "backup", drift.string()}).exit_code == 0);
    {
        SQLite::Database db(drift.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE usage_rollup SET input = input + 7 WHERE hour_ms = (SELECT min(hour_ms) FROM usage_rollup)");
    }
    auto drifted = home.run({"store", "check", drift.string()});
    CHECK(drifted.exit_code == 1);
    CHECK(drifted.out.find("FAILED: " + drift.string() +
                           "\n  the hourly rollup's input (607) is not the events' (600)\n") == 0);

    // Pages overwritten with junk.
    const auto damaged = home.dir / "damaged.db";
    REQUIRE(home.run({"store", "backup", damaged.string()}).exit_code == 0);
    {
        std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
        // Every page after the first (which names the tables): their b-trees are gone.
        const auto size = static_cast<std::size_t>(std::filesystem::file_size(damaged));
        f.seekp(4096);
        const std::string junk(size - 4096, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    auto broken = home.run({"store", "check", damaged.string()});
    CHECK(broken.exit_code == 1);
    CHECK(broken.out.find("FAILED: " + damaged.string() + "\n") == 0);

    const auto junk = home.dir / "junk.db";
    testing::write_file(junk, std::string(8192, 'x'));
    auto foreign = home.run({"store", "check", junk.string(), "--json"});
    CHECK(foreign.exit_code == 1);
    CHECK(nlohmann::json::parse(foreign.out)["problems"] == nlohmann::json::array({"SQLite: file is not a database"}));

    // A store an older usage-agent wrote: sound, upgraded when next opened.
    testing::TempDir old_dir;
    testing::sqlite_store_at_version(old_dir.path(), 5);
    auto old = home.run({"store", "check", (old_dir.path() / "usage.db").string()});
    CHECK(old.exit_code == 0);
    CHECK(old.out.find("note: schema version 5: usage-agent upgrades it to 12 the next time it opens the store") !=
          std::string::npos);
}
