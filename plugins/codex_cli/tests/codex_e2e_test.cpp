// End-to-end tests of the Codex CLI source through the REAL binary: `sync
// --once` into a fresh state dir, then `report sources|sessions|models
// --json`. Covers the project's own fixture homes (tests/fixtures/<case>/codex
// with an expected.json computed from the calls each rollout really made),
// twin copies of rollouts, appends, the default ~/.codex root, and the shared
// real sample when ../shared exists.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/codex_rollout.hpp"

namespace fs = std::filesystem;
using codex_test::kT0;
using codex_test::Meta;
using codex_test::Rollout;
using codex_test::v7;
using nlohmann::json;

namespace {

const fs::path kFixtures = fs::path(USAGE_SOURCE_DIR) / "plugins/codex_cli/tests/fixtures";

/// A temp HOME/state dir; `codex_home` (if any) is CODEX_HOME.
struct Agent : testing::AgentHome {
    explicit Agent(const std::optional<fs::path>& codex_home) {
        if (codex_home) env["CODEX_HOME"] = codex_home->string();
    }
    /// `sync --once --json`: the codex-cli entry of the per-source stats.
    [[nodiscard]] json sync(const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> args{"--source", "codex-cli"};
        args.insert(args.end(), extra.begin(), extra.end());
        return sync_stats("codex-cli", args);
    }
    /// The codex-cli row of `report sources`.
    [[nodiscard]] json source_row() const {
        const json rows = report("sources").at("rows");
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].at("key") == "codex-cli");
        return rows[0];
    }
};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

const json& row(const json& report, const std::string& key) {
    for (const auto& r : report.at("rows"))
        if (r.at("key") == key) return r;
    FAIL("no row " << key);
    static const json none;
    return none;
}

std::vector<std::string> keys(const json& report) {
    std::vector<std::string> out;
    for (const auto& r : report.at("rows")) out.push_back(r.at("key").get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("codex fixtures: every case matches its expected.json") {
    std::vector<std::string> cases;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (entry.is_directory()) cases.push_back(entry.path().filename().string());
    std::sort(cases.begin(), cases.end());
    // A missing or renamed case must fail, not silently shrink the coverage.
    CHECK(cases == std::vector<std::string>{"config-model", "counting-traps", "forks-and-subagents"});

    for (const auto& name : cases) {
        INFO("case: " << name);
        const json want = json::parse(testing::read_file(kFixtures / name / "expected.json"));
        Agent agent(kFixtures / name / "codex");
        const json first = agent.sync();
        CHECK(first.at("errors").empty());
        CHECK(n(first, "malformed_lines") == n(want, "malformed_lines"));
        const json t = agent.source_row();
        INFO("sources row: " << t.dump());
        CHECK(n(t, "events") == n(want, "events"));
        CHECK(n(t, "sessions") == n(want, "sessions"));
        CHECK(n(t, "input_tokens") == n(want, "input"));
        CHECK(n(t, "output_tokens") == n(want, "output"));
        CHECK(n(t, "reasoning_tokens") == n(want, "reasoning"));
        CHECK(n(t, "cache_read_tokens") == n(want, "cache_read"));
        CHECK(n(t, "cache_write_5m_tokens") == n(want, "cache_write"));
        CHECK(n(t, "cache_write_1h_tokens") == 0);
        CHECK(n(t, "total_tokens") == n(want, "total"));
        CHECK(keys(agent.report("models")) == want.at("models").get<std::vector<std::string>>());

        // Idempotent: nothing changed, nothing read; a full re-read adds nothing.
        const json again = agent.sync();
        CHECK(n(again, "files_read") == 0);
        const json full = agent.sync({"--full-rescan"});
        CHECK(n(full, "files_read") == n(full, "files_seen"));
        CHECK(n(full, "events_new") == 0);
        CHECK(n(full, "events_updated") == 0);
        CHECK(agent.source_row() == t);
    }
}

namespace {

/// JSONL text with a space after every `:` and `,` outside strings, as
/// Python's json.dumps writes it: the same documents, other bytes.
std::string spaced(const std::string& text) {
    std::string out;
    bool in_string = false, escaped = false;
    for (char c : text) {
        out += c;
        if (c == '\n') {  // a truncated line must not leave the next one inside a string
            in_string = escaped = false;
        } else if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == ':' || c == ',') {
            out += ' ';
        }
    }
    return out;
}

}  // namespace

TEST_CASE("codex fixtures: rollouts written with spaces after the colons count the same") {
    for (const char* name : {"counting-traps", "forks-and-subagents"}) {
        INFO("case: " << name);
        testing::TempDir home;
        const fs::path from = kFixtures / name / "codex";
        std::size_t files = 0;
        for (const auto& entry : fs::recursive_directory_iterator(from)) {
            if (!entry.is_regular_file()) continue;
            const std::string text = testing::read_file(entry.path());
            testing::write_file(home / ("codex" / fs::relative(entry.path(), from)).string(), spaced(text));
            CHECK(spaced(text) != text);
            ++files;
        }
        REQUIRE(files > 0);
        Agent compact(from);
        Agent loose(home / "codex");
        CHECK(n(compact.sync(), "events_new") == n(loose.sync(), "events_new"));
        const json want = compact.source_row();
        const json expected = json::parse(testing::read_file(kFixtures / name / "expected.json"));
        CHECK(n(want, "events") == n(expected, "events"));
        CHECK(n(want, "total_tokens") == n(expected, "total"));
        CHECK(loose.source_row() == want);
        CHECK(keys(loose.report("models")) == keys(compact.report("models")));
        CHECK(n(loose.sync(), "files_read") == 0);
    }
}

TEST_CASE("codex fixtures: forks and subagents fold into two sessions with exact numbers") {
    const fs::path dir = kFixtures / "forks-and-subagents";
    const json want = json::parse(testing::read_file(dir / "expected.json"));
    Agent agent(dir / "codex");
    CHECK(agent.sync().at("events_new") == want.at("events"));
    const json sessions = agent.report("sessions");
    REQUIRE(sessions.at("rows").size() == 2);
    for (const auto& [id, numbers] : want.at("sessions_by_id").items()) {
        INFO("session " << id);
        const json& r = row(sessions, id);
        CHECK(r.at("events") == numbers.at("events"));
        CHECK(r.at("total_tokens") == numbers.at("total"));
        CHECK(r.at("source") == "codex-cli");
        CHECK(r.at("surface") == want.at("surface"));
        CHECK(r.at("project") == want.at("project"));
    }
}

TEST_CASE("codex fixtures: counting traps keep each session's surface and project") {
    const fs::path dir = kFixtures / "counting-traps";
    const json want = json::parse(testing::read_file(dir / "expected.json"));
    Agent agent(dir / "codex");
    REQUIRE(agent.sync().at("errors").empty());
    const json sessions = agent.report("sessions");
    for (const auto& [id, surface] : want.at("surfaces").items()) CHECK(row(sessions, id).at("surface") == surface);
    CHECK(keys(agent.report("projects")) == want.at("projects").get<std::vector<std::string>>());
}

namespace {

Rollout simple_rollout(int tail, std::int64_t created, int calls) {
    Meta m;
    m.id = v7(created, tail);
    m.created_ms = created;
    Rollout r(m);
    r.turn(created + 1000, v7(created + 1000, tail + 1), "gpt-5.1-codex");
    for (int i = 1; i <= calls; ++i)
        r.call(created + 1000 + i * 1000, {1000 * i, 500 * i, 10 * i, i}).tool_output(created + 1001 + i * 1000, 3000);
    return r;
}

}  // namespace

TEST_CASE("codex e2e: twin copies count once, and a rollout compressed later adds nothing") {
    testing::TempDir codex;
    const Rollout a = simple_rollout(1, kT0, 3);            // 3 calls: 6000 in (3000 cached), 60 out
    const Rollout b = simple_rollout(3, kT0 + 3600000, 2);  // 2 calls: 3000 in (1500 cached), 30 out
    const Rollout c = simple_rollout(5, kT0 + 7200000, 4);  // 4 calls: 10000 in (5000 cached), 100 out
    testing::write_file(codex / a.session_path(), a.text());
    testing::write_file(codex / "archived_sessions" / a.file_name(), a.text());
    testing::write_file(codex / (a.session_path() + ".zst"), codex_test::zstd_frame(a.text()));
    testing::write_file(codex / "archived_sessions" / (a.file_name() + ".zst"), codex_test::zstd_frame(a.text()));
    testing::write_file(codex / "archived_sessions" / (b.file_name() + ".zst"), codex_test::zstd_frame(b.text()));
    testing::write_file(codex / c.session_path(), c.text());

    Agent agent(codex.path());
    json s = agent.sync();
    CHECK(n(s, "files_seen") == 3);
    CHECK(n(s, "events_new") == 9);
    json t = agent.source_row();
    CHECK(n(t, "events") == 9);
    CHECK(n(t, "sessions") == 3);
    CHECK(n(t, "input_tokens") == 9500);
    CHECK(n(t, "cache_read_tokens") == 9500);
    CHECK(n(t, "output_tokens") == 190);
    CHECK(n(t, "total_tokens") == 19190);

    // Codex 0.137+ rewrites an idle rollout as .zst and removes the plain file.
    testing::write_file(codex / (c.session_path() + ".zst"), codex_test::zstd_frame(c.text()));
    fs::remove(codex / c.session_path());
    s = agent.sync();
    CHECK(n(s, "files_seen") == 3);
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_read") == 4);
    CHECK(n(s, "events_new") == 0);
    CHECK(n(s, "events_updated") == 0);
    CHECK(agent.source_row() == t);

    // Even a copy under another name, read as a rollout of its own, cannot
    // count a call twice: ids depend on the thread and its totals, not the file.
    testing::TempDir second;
    testing::write_file(second / "sessions" / ("rollout-2099-01-01T00-00-00-" + a.meta().id + ".jsonl"), a.text());
    Agent both(codex.path().string() + ", " + second.path().string());
    s = both.sync();
    CHECK(n(s, "files_seen") == 4);
    CHECK(n(s, "events_read") == 12);
    CHECK(both.source_row() == t);
}

TEST_CASE("codex e2e: an appended rollout adds exactly its new calls") {
    testing::TempDir codex;
    Rollout r = simple_rollout(1, kT0, 2);
    const std::size_t first = r.size();
    r.snapshot(kT0 + 9000, r.total(), codex_test::Vec{2000, 1000, 20, 2})  // re-emitted on resume
        .call(kT0 + 10000, {4000, 3000, 40, 0})
        .call_total_only(kT0 + 11000, {5000, 4500, 50, 0});
    const std::string rest = r.text(first);
    const fs::path file = codex / r.session_path();
    testing::write_file(file, r.text().substr(0, r.text().size() - rest.size()));

    Agent agent(codex.path());
    CHECK(n(agent.sync(), "events_new") == 2);
    testing::append_file(file, rest);
    json s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 2);
    CHECK(n(s, "events_updated") == 0);
    CHECK(n(s, "bytes_read") == static_cast<std::int64_t>(rest.size()));
    const json t = agent.source_row();
    CHECK(n(t, "events") == 4);
    CHECK(n(t, "input_tokens") == 1500 + 1000 + 500);
    CHECK(n(t, "cache_read_tokens") == 1500 + 3000 + 4500);
    CHECK(n(t, "output_tokens") == 30 + 40 + 50);
    CHECK(n(agent.sync(), "files_read") == 0);
}

TEST_CASE("codex e2e: a spaced rollout's appended calls are read incrementally") {
    testing::TempDir codex;
    Rollout r = simple_rollout(5, kT0, 2);
    const std::size_t first = r.size();
    r.call(kT0 + 10000, {4000, 3000, 40, 0});
    const fs::path file = codex / r.session_path();
    testing::write_file(file, spaced(r.text().substr(0, r.text().size() - r.text(first).size())));

    Agent agent(codex.path());
    CHECK(n(agent.sync(), "events_new") == 2);
    testing::append_file(file, spaced(r.text(first)));
    json s = agent.sync();
    CHECK(n(s, "files_read") == 1);
    CHECK(n(s, "events_new") == 1);
    CHECK(n(s, "events_updated") == 0);
    const json t = agent.source_row();
    CHECK(n(t, "events") == 3);
    CHECK(n(t, "input_tokens") == 500 + 1000 + 1000);
    CHECK(n(t, "cache_read_tokens") == 500 + 1000 + 3000);
    CHECK(n(t, "output_tokens") == 10 + 20 + 40);
}

TEST_CASE("codex e2e: the default root is ~/.codex and sessions rows carry the thread's details") {
    Agent agent(std::nullopt);
    const Rollout r = simple_rollout(7, kT0, 1);
    testing::write_file(agent.dir / "home/.codex" / r.session_path(), r.text());
    CHECK(n(agent.sync(), "events_new") == 1);
    const json sessions = agent.report("sessions");
    const json& s = row(sessions, r.meta().id);
    CHECK(s.at("surface") == "cli");
    CHECK(s.at("project") == "app");
    CHECK(s.at("models") == json::array({"gpt-5.1-codex"}));
    CHECK(s.at("first_activity") == codex_test::iso(kT0 + 2000));
    CHECK(n(s, "total_tokens") == 1010);
}

TEST_CASE("codex e2e: the shared real sample matches the README totals") {
    auto shared = testing::shared_dir("the Codex sample");
    if (!shared) return;
    // The sample folder holds the rollout directly: a root without sessions/.
    Agent agent(*shared / "fixtures/codex-cli");
    const json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "malformed_lines") == 0);
    const json t = agent.source_row();
    CHECK(n(t, "events") == 66);
    CHECK(n(t, "sessions") == 1);
    CHECK(n(t, "input_tokens") == 1126300);
    CHECK(n(t, "output_tokens") == 9118);
    CHECK(n(t, "cache_read_tokens") == 4929536);
    CHECK(n(t, "cache_write_tokens") == 0);
    CHECK(n(t, "total_tokens") == 6064954);
    const json sessions = agent.report("sessions");
    REQUIRE(sessions.at("rows").size() == 1);
    const json& r = sessions.at("rows")[0];
    CHECK(r.at("key") == "019e1625-789d-76c0-80ab-3724b5ddb799");
    CHECK(r.at("surface") == "cli");
    CHECK(r.at("project") == "codemie-code");
    CHECK(r.at("models") == json::array({"gpt-5.5"}));
}
