// End to end through the real binary over ONE home holding data of all
// fourteen sources at once: every Claude Code, Codex CLI and Gemini CLI
// fixture tree under its default root (~/.claude/projects, ~/.codex,
// ~/.gemini), the OpenCode sample database + legacy tree
// (~/.local/share/opencode) and the Cursor sample state.vscdb
// (~/.config/Cursor/User/globalStorage), both written by their plugins' test
// helpers, and one call of each of the nine newer sources at its default place
// (transcripts/newer_sources_home.hpp). One `sync --once` must count each
// source exactly as its own tests do, alone: nothing lost, nothing counted
// twice, nothing attributed to the wrong source. A second test puts a fake
// Windows drive next to the Linux home (WSL) and checks that its users'
// data is reported as a machine of its own.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/cursor_db.hpp"
#include "transcripts/newer_sources_home.hpp"
#include "transcripts/opencode_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kPlugins = fs::path(USAGE_SOURCE_DIR) / "plugins";

struct Totals {
    std::int64_t events = 0, sessions = 0, input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write_5m = 0,
                 cache_write_1h = 0, total = 0;
    std::int64_t reported_micros = 0;
    std::int64_t estimated_micros = -1;  ///< -1: not asserted (see kClaude)
};

// claude-code: the sum of plugins/claude_code/tests/fixtures/<case>/expected.json
// over the 7 cases, in the order duplicates-across-files, layout-v1-inline,
// layout-v2-flat, layout-v21-nested, one-hour-cache, sidechain-replay,
// synthetic-and-errors. Only layout-v1-inline has a reported cost
// (`costUSD`, 0.0123 USD). Estimated costs are not asserted for the three
// fixture-tree sources: they are priced and rounded per event, so a
// hand-computed per-source figure would be a second copy of the pricing
// code; the plugin tests and tests/unit/pricing_test.cpp cover pricing.
constexpr Totals kClaude{.events = 4 + 3 + 4 + 5 + 5 + 3 + 3,  // 27
                         .sessions = 2 + 1 + 1 + 1 + 2 + 1 + 1,
                         .input = 17 + 20 + 19 + 18 + 22 + 10 + 23,
                         .output = 438 + 285 + 255 + 472 + 230 + 119 + 112,
                         .reasoning = 0,
                         .cache_read = 10200 + 7700 + 29000 + 13100 + 9200 + 2000 + 6300,
                         .cache_write_5m = 2150 + 1700 + 29500 + 9950 + 1790 + 1040 + 100,
                         .cache_write_1h = 4500,  // one-hour-cache
                         .total = 12805 + 9705 + 58774 + 23540 + 15742 + 3169 + 6535,
                         .reported_micros = 12300};

// codex-cli: the sum of plugins/codex_cli/tests/fixtures/<case>/expected.json
// in the order config-model, counting-traps, forks-and-subagents; their
// `cache_write` is a 5-minute write. config-model's config.toml lands in the
// shared ~/.codex and must not change the other rollouts' models.
constexpr Totals kCodex{.events = 2 + 7 + 11,
                        .sessions = 1 + 2 + 2,
                        .input = 3500 + 3200 + 50400,
                        .output = 200 + 370 + 2970,
                        .reasoning = 64 + 55 + 830,
                        .cache_read = 2900 + 5200 + 82200,
                        .cache_write_5m = 0 + 300 + 0,
                        .total = 6600 + 9070 + 135570};

// gemini-cli: the sum of plugins/gemini_cli/tests/fixtures/<case>/expected.json
// in the order jsonl-session, legacy-json, migrated-and-broken (Gemini has no
// cache writes).
constexpr Totals kGemini{.events = 4 + 4 + 5,
                         .sessions = 1 + 1 + 3,
                         .input = 7866 + 4029 + 4600,
                         .output = 1670 + 1290 + 289,
                         .reasoning = 790 + 850 + 30,
                         .cache_read = 6144 + 21096 + 3000,
                         .total = 15680 + 26415 + 7889};

// opencode: opencode_test::write_sample (tests/support/transcripts/opencode_fixture.hpp
// documents each message). a2's 0.0042 USD is reported; a1 and l1 are
// estimated as claude-sonnet-4-5: 17250 + 180 micro-USD.
constexpr Totals kOpenCode{.events = 3,
                           .sessions = 2,
                           .input = 1000 + 500 + 10,
                           .output = 200 + 50 + 100 + 10,  // OpenCode keeps a1's 50 reasoning apart
                           .reasoning = 50,
                           .cache_read = 10000,
                           .cache_write_5m = 2000,
                           .total = 13870,
                           .reported_micros = 4200,
                           .estimated_micros = 17250 + 180};

// cursor: cursor_test::write_e2e_sample (tests/support/transcripts/cursor_db.hpp).
// Priced by the provider ids, USD per million: claude-sonnet-4-5
// 1000 x 3 + 200 x 15, gpt-5 300 x 1.25 + 30 x 10.
constexpr Totals kCursor{.events = 2,
                         .sessions = 1,
                         .input = 1000 + 300,
                         .output = 200 + 30,
                         .total = 1530,
                         .estimated_micros = 3000 + 3000 + 375 + 300};

// Malformed usage lines, from the fixtures' expected.json
// (`malformed_lines`): claude synthetic-and-errors 2, codex counting-traps 1,
// gemini migrated-and-broken 2; opencode's truncated legacy file 1.
// Files each source lists: every transcript of the copied fixture cases
// (journal.jsonl and expected.json are not transcripts), OpenCode's database
// plus its three legacy message files, Cursor's one state.vscdb.
const std::map<std::string, std::int64_t> kFiles{
    {"claude-code", 13}, {"codex-cli", 8}, {"gemini-cli", 7}, {"opencode", 4}, {"cursor", 1}};

// Failed calls, from the fixtures' expected.json (`failed_requests`): claude
// synthetic-and-errors 1 (`isApiErrorMessage`), gemini jsonl-session and
// legacy-json 1 each (`[API Error: ...]`).
const std::map<std::string, std::int64_t> kFailed{
    {"claude-code", 1}, {"codex-cli", 0}, {"gemini-cli", 2}, {"opencode", 0}, {"cursor", 0}};

const std::map<std::string, std::int64_t> kMalformed{
    {"claude-code", 2}, {"codex-cli", 1}, {"gemini-cli", 2}, {"opencode", 1}, {"cursor", 0}};

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

void check_row(const json& row, const Totals& want) {
    INFO("row: " << row.dump());
    CHECK(n(row, "events") == want.events);
    CHECK(n(row, "sessions") == want.sessions);
    CHECK(n(row, "input_tokens") == want.input);
    CHECK(n(row, "output_tokens") == want.output);
    CHECK(n(row, "reasoning_tokens") == want.reasoning);
    CHECK(n(row, "cache_read_tokens") == want.cache_read);
    CHECK(n(row, "cache_write_5m_tokens") == want.cache_write_5m);
    CHECK(n(row, "cache_write_1h_tokens") == want.cache_write_1h);
    CHECK(n(row, "cache_write_tokens") == want.cache_write_5m + want.cache_write_1h);
    CHECK(n(row, "total_tokens") == want.total);
    CHECK(want.total == want.input + want.output + want.cache_read + want.cache_write_5m + want.cache_write_1h);
    CHECK(micros(row.at("reported_cost_usd")) == want.reported_micros);
    if (want.estimated_micros >= 0) CHECK(micros(row.at("estimated_cost_usd")) == want.estimated_micros);
    CHECK(n(row, "unpriced_events") == 0);
}

const json& row(const json& report, const std::string& key) {
    for (const auto& r : report.at("rows"))
        if (r.value("label", r.at("key").get<std::string>()) == key) return r;
    FAIL("no row " << key << " in " << report.dump());
    static const json none;
    return none;
}

std::vector<std::string> keys(const json& report) {
    std::vector<std::string> out;
    for (const auto& r : report.at("rows")) out.push_back(r.value("label", r.at("key").get<std::string>()));
    std::sort(out.begin(), out.end());
    return out;
}

/// Copy the contents of `from` into `to`, merging directories; a file that
/// already exists is an error (two fixtures must not collide).
void copy_into(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive);
}

std::vector<fs::path> fixture_cases(const std::string& plugin) {
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(kPlugins / plugin / "tests/fixtures"))
        if (e.is_directory()) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    return cases;
}

/// The sum of one key over a plugin's expected.json files: a guard that the
/// constants above still describe the fixtures.
std::int64_t expected_sum(const std::string& plugin, const char* key) {
    std::int64_t sum = 0;
    for (const auto& c : fixture_cases(plugin)) {
        const json want = json::parse(testing::read_file(c / "expected.json"));
        if (want.contains(key)) sum += n(want, key);
    }
    return sum;
}

struct MixedHome : testing::AgentHome {
    fs::path home = dir / "home";

    MixedHome() { testing::write_file(home / ".config/usage-agent/config.yaml", "machine_name: devbox\n"); }

    /// `sync --once --json`: per-source stats by source name.
    [[nodiscard]] std::map<std::string, json> sync() const {
        auto r = run({"sync", "--once", "--json"});
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        std::map<std::string, json> out;
        const json parsed = json::parse(r.out);
        for (const auto& s : parsed.at("sources")) out[s.at("source").get<std::string>()] = s;
        return out;
    }
};

}  // namespace

TEST_CASE("mixed home: all fourteen sources in one home, each counted exactly as alone") {
    MixedHome h;
    for (const auto& c : fixture_cases("claude_code")) copy_into(c / "projects", h.home / ".claude/projects");
    for (const auto& c : fixture_cases("codex_cli")) copy_into(c / "codex", h.home / ".codex");
    for (const auto& c : fixture_cases("gemini_cli")) copy_into(c / "gemini", h.home / ".gemini");
    // OpenCode and Cursor keep their data in SQLite: built by their helpers.
    // Both stay open (a running tool) while the agent reads them.
    const fs::path opencode_root = h.home / ".local/share/opencode";
    opencode_test::Db opencode_db(opencode_root / "opencode.db");
    opencode_test::write_sample(opencode_db, opencode_root / "storage");
    cursor_test::StateDb cursor_db(h.home / ".config/Cursor/User/globalStorage/state.vscdb");
    cursor_test::write_e2e_sample(cursor_db);
    const std::vector<newer_sources::Expected> newer = newer_sources::write_all(h.home);

    // The constants above must still be the fixtures' sums.
    CHECK(expected_sum("claude_code", "events") == kClaude.events);
    CHECK(expected_sum("claude_code", "total") == kClaude.total);
    CHECK(expected_sum("claude_code", "cache_write_1h") == kClaude.cache_write_1h);
    CHECK(expected_sum("codex_cli", "events") == kCodex.events);
    CHECK(expected_sum("codex_cli", "total") == kCodex.total);
    CHECK(expected_sum("codex_cli", "reasoning") == kCodex.reasoning);
    CHECK(expected_sum("gemini_cli", "events") == kGemini.events);
    CHECK(expected_sum("gemini_cli", "total") == kGemini.total);
    CHECK(expected_sum("gemini_cli", "reasoning") == kGemini.reasoning);

    std::map<std::string, const Totals*> want{{"claude-code", &kClaude},
                                              {"codex-cli", &kCodex},
                                              {"gemini-cli", &kGemini},
                                              {"opencode", &kOpenCode},
                                              {"cursor", &kCursor}};
    std::map<std::string, std::int64_t> files = kFiles, failed = kFailed, malformed = kMalformed;
    std::map<std::string, Totals> newer_totals;
    std::map<std::string, std::vector<std::string>> models{
        {"claude-code",
         {"claude-haiku-4-5-20251001", "claude-opus-4-1-20250805", "claude-sonnet-4-20250514",
          "claude-sonnet-4-5-20250929"}},
        {"codex-cli", {"gpt-5", "gpt-5-codex", "gpt-5.1-codex", "gpt-5.1-codex-mini"}},
        {"gemini-cli", {"gemini-2.5-flash", "gemini-2.5-pro"}},
        {"opencode", {"claude-sonnet-4-5-20250929"}},
        {"cursor", {"claude-4.5-sonnet", "gpt-5"}}};
    for (const auto& e : newer) {
        newer_totals[e.source] = Totals{.events = e.events,
                                        .sessions = e.sessions,
                                        .input = e.input,
                                        .output = e.output,
                                        .reasoning = e.reasoning,
                                        .cache_read = e.cache_read,
                                        .cache_write_5m = e.cache_write_5m,
                                        .total = e.total(),
                                        .reported_micros = e.reported_micros,
                                        .estimated_micros = e.estimated_micros};
        want[e.source] = &newer_totals[e.source];
        files[e.source] = e.files;
        failed[e.source] = 0;
        malformed[e.source] = 0;
        models[e.source] = {e.model};
    }
    REQUIRE(want.size() == 14);

    const auto first = h.sync();
    REQUIRE(first.size() == 14);
    for (const auto& [source, stats] : first) {
        INFO("source: " << source << " " << stats.dump());
        CHECK(stats.at("errors").empty());
        CHECK(n(stats, "files_seen") == files.at(source));
        CHECK(n(stats, "files_read") == n(stats, "files_seen"));
        CHECK(n(stats, "malformed_lines") == malformed.at(source));
    }
    {
        // All sources share one writer: each source's events_new must be
        // exactly the events of that source it stored (superseded copies are
        // rows, not events; failed calls are counted apart, see kFailed).
        SQLite::Database db((h.dir / "state" / "usage.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement rows(db,
                               "SELECT source, count(*) FROM events WHERE superseded = 0 AND failure = '' "
                               "GROUP BY source");
        std::map<std::string, std::int64_t> stored;
        while (rows.executeStep()) stored[rows.getColumn(0).getString()] = rows.getColumn(1).getInt64();
        REQUIRE(stored.size() == 14);
        for (const auto& [source, stats] : first) {
            INFO("source: " << source);
            CHECK(n(stats, "events_new") == stored.at(source));
            CHECK(n(stats, "failures_new") == failed.at(source));
            CHECK(n(stats, "events_new") + n(stats, "events_updated") <= n(stats, "events_read"));
        }
    }

    const json sources = h.report("sources");
    std::vector<std::string> names;
    for (const auto& [source, t] : want) names.push_back(source);
    CHECK(keys(sources) == names);
    Totals sum;
    for (const auto& [source, t] : want) {
        INFO("source: " << source);
        check_row(row(sources, source), *t);
        sum.events += t->events;
        sum.sessions += t->sessions;
        sum.total += t->total;
    }
    CHECK(n(sources.at("totals"), "events") == sum.events);  // 65 + 9
    CHECK(n(sources.at("totals"), "sessions") == sum.sessions);
    CHECK(n(sources.at("totals"), "total_tokens") == sum.total);

    // Models, per source: the ids each tool wrote (codex: the union of the
    // fixtures' `models`; the others: the model fields of their files).
    std::set<std::string> all_models;
    for (const auto& [source, ids] : models) {
        INFO("source: " << source);
        const json rep = h.report("models", {"--source", source});
        CHECK(keys(rep) == ids);
        CHECK(n(rep.at("totals"), "events") == want.at(source)->events);
        all_models.insert(ids.begin(), ids.end());
    }
    const json all = h.report("models");
    CHECK(keys(all) == std::vector<std::string>(all_models.begin(), all_models.end()));
    CHECK(n(all.at("totals"), "events") == sum.events);

    // Sessions: every source's sessions, with the surface each one ran in
    // (codex counting-traps' expected.json: cli and exec; forks-and-subagents:
    // ide).
    const json sessions = h.report("sessions");
    std::map<std::string, std::int64_t> session_count;
    std::map<std::string, std::set<std::string>> surfaces;
    for (const auto& r : sessions.at("rows")) {
        const auto source = r.at("source").get<std::string>();
        ++session_count[source];
        surfaces[source].insert(r.at("surface").get<std::string>());
        CHECK(r.at("machine") == "devbox");
    }
    for (const auto& [source, t] : want) CHECK(session_count[source] == t->sessions);
    // Amp's threads and Goose's database are shared by the tools' command
    // line and editor or desktop apps, which they do not tell apart: no surface.
    CHECK(surfaces == std::map<std::string, std::set<std::string>>{{"amp", {""}},
                                                                   {"claude-code", {"cli"}},
                                                                   {"cline", {"ide"}},
                                                                   {"codex-cli", {"cli", "exec", "ide"}},
                                                                   {"copilot-cli", {"cli"}},
                                                                   {"cursor", {"ide"}},
                                                                   {"droid", {"cli"}},
                                                                   {"gemini-cli", {"cli"}},
                                                                   {"goose", {""}},
                                                                   {"kilo-cli", {"cli"}},
                                                                   {"kilo-code", {"ide"}},
                                                                   {"opencode", {"cli"}},
                                                                   {"qwen-code", {"cli"}},
                                                                   {"roo-code", {"ide"}}});

    // Nothing changed: nothing read, nothing added, the same report.
    const auto second = h.sync();
    for (const auto& [source, stats] : second) {
        INFO("source: " << source << " " << stats.dump());
        CHECK(n(stats, "files_seen") == n(first.at(source), "files_seen"));
        CHECK(n(stats, "files_read") == 0);
        CHECK(n(stats, "bytes_read") == 0);
        CHECK(n(stats, "events_new") == 0);
        CHECK(n(stats, "events_updated") == 0);
    }
    CHECK(h.report("sources") == sources);

    // Cursor's own fixtures are dashboard exports, imported rather than
    // found in a home. plugins/cursor/tests/fixtures/csv-new-header/
    // expected.json: 6 events, 4604 / 2418 / 36006 / 1802 (5m), reported
    // 2469555784 micro-USD; its span (2026-01-12) does not cover the sample
    // database's calls (2026-01-10), so both count. Only the cursor row moves.
    auto imported =
        h.run({"import", "cursor-csv", (kPlugins / "cursor/tests/fixtures/csv-new-header/usage.csv").string()});
    INFO("stderr: " << imported.err);
    REQUIRE(imported.exit_code == 0);
    const json after = h.report("sources");
    const json& cursor = row(after, "cursor");
    CHECK(n(cursor, "events") == kCursor.events + 6);
    CHECK(n(cursor, "input_tokens") == kCursor.input + 4604);
    CHECK(n(cursor, "output_tokens") == kCursor.output + 2418);
    CHECK(n(cursor, "cache_read_tokens") == 36006);
    CHECK(n(cursor, "cache_write_5m_tokens") == 1802);
    CHECK(n(cursor, "total_tokens") == kCursor.total + 44830);
    CHECK(micros(cursor.at("reported_cost_usd")) == 2469555784);
    for (const auto& [source, t] : want)
        if (source != "cursor") CHECK(row(after, source) == row(sources, source));
}

// A WSL machine sees the Windows drive under /mnt/c. Each real user's home
// there (Users/<name>) is scanned with the plugins' windows_roots() and its
// events belong to "<machine_name> (windows)"; the built-in profiles
// (Public, Default) are never scanned. Fixtures: Linux side
// claude layout-v1-inline (3 events, 9705 tokens); Windows user alice:
// claude layout-v2-flat (4 events, 58774 tokens) + codex counting-traps
// (7 events, 9070 tokens). Public and Default hold other fixtures that must
// not show up anywhere.
TEST_CASE("mixed home: a WSL machine reports the Windows users' data as a machine of its own") {
    MixedHome h;
    const fs::path drive = h.dir / "mnt/c";
    testing::write_file(h.home / ".config/usage-agent/config.yaml",
                        "machine_name: devbox\nwsl:\n  windows_drive: " + drive.string() + "\n");
    const fs::path claude = kPlugins / "claude_code/tests/fixtures";
    const fs::path codex = kPlugins / "codex_cli/tests/fixtures";
    copy_into(claude / "layout-v1-inline/projects", h.home / ".claude/projects");
    copy_into(claude / "layout-v2-flat/projects", drive / "Users/alice/.claude/projects");
    copy_into(codex / "counting-traps/codex", drive / "Users/alice/.codex");
    copy_into(claude / "duplicates-across-files/projects", drive / "Users/Public/.claude/projects");
    copy_into(codex / "forks-and-subagents/codex", drive / "Users/Default/.codex");
    testing::write_file(drive / "Users/desktop.ini", "[.ShellClassInfo]\n");  // a file, not a home

    const auto first = h.sync();
    CHECK(n(first.at("claude-code"), "files_seen") == 1 + 2);
    CHECK(n(first.at("codex-cli"), "files_seen") == 2);
    for (const auto& [source, stats] : first) CHECK(stats.at("errors").empty());

    const json machines = h.report("machines");
    CHECK(keys(machines) == std::vector<std::string>{"devbox", "devbox (windows)"});
    const json& linux_side = row(machines, "devbox");
    CHECK(n(linux_side, "events") == 3);
    CHECK(n(linux_side, "sessions") == 1);
    CHECK(n(linux_side, "total_tokens") == 9705);
    CHECK(micros(linux_side.at("reported_cost_usd")) == 12300);
    const json& windows_side = row(machines, "devbox (windows)");
    CHECK(n(windows_side, "events") == 4 + 7);
    CHECK(n(windows_side, "sessions") == 1 + 2);
    CHECK(n(windows_side, "input_tokens") == 19 + 3200);
    CHECK(n(windows_side, "output_tokens") == 255 + 370);
    CHECK(n(windows_side, "cache_read_tokens") == 29000 + 5200);
    CHECK(n(windows_side, "cache_write_tokens") == 29500 + 300);
    CHECK(n(windows_side, "total_tokens") == 58774 + 9070);
    CHECK(n(machines.at("totals"), "events") == 3 + 4 + 7);

    // The same split by source on the Windows side alone.
    const json win_sources = h.report("sources", {"--machine", "devbox (windows)"});
    CHECK(n(row(win_sources, "claude-code"), "total_tokens") == 58774);
    CHECK(n(row(win_sources, "codex-cli"), "total_tokens") == 9070);

    const auto second = h.sync();
    for (const auto& [source, stats] : second) CHECK(n(stats, "files_read") == 0);
    CHECK(h.report("machines") == machines);
}

// `wsl.windows` decides whether the drive is scanned: `off` never, `on`
// always, `auto` only when /proc/version says Microsoft (not on a plain Linux
// machine such as CI's); a `windows_drive` without `windows` means `on`.
TEST_CASE("mixed home: wsl.windows off, on and auto decide whether the Windows drive is scanned") {
    std::ifstream version("/proc/version");
    std::string text((std::istreambuf_iterator<char>(version)), std::istreambuf_iterator<char>());
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    const bool under_wsl = text.find("microsoft") != std::string::npos;

    struct Mode {
        const char* yaml;
        bool scans_windows;
    };
    for (const Mode mode : {Mode{"  windows: off\n", false}, Mode{"  windows: on\n", true},
                            Mode{"  windows: auto\n", under_wsl}, Mode{"", true}}) {
        INFO("wsl block: " << mode.yaml);
        MixedHome h;
        const fs::path drive = h.dir / "mnt/c";
        testing::write_file(
            h.home / ".config/usage-agent/config.yaml",
            std::string("machine_name: devbox\nwsl:\n") + mode.yaml + "  windows_drive: " + drive.string() + "\n");
        const fs::path claude = kPlugins / "claude_code/tests/fixtures";
        copy_into(claude / "layout-v1-inline/projects", h.home / ".claude/projects");
        copy_into(claude / "layout-v2-flat/projects", drive / "Users/alice/.claude/projects");

        const auto first = h.sync();
        CHECK(n(first.at("claude-code"), "files_seen") == (mode.scans_windows ? 3 : 1));
        const json machines = h.report("machines");
        CHECK(keys(machines) == (mode.scans_windows ? std::vector<std::string>{"devbox", "devbox (windows)"}
                                                    : std::vector<std::string>{"devbox"}));
        CHECK(n(machines.at("totals"), "events") == (mode.scans_windows ? 3 + 4 : 3));
        CHECK(n(machines.at("totals"), "total_tokens") == (mode.scans_windows ? 9705 + 58774 : 9705));
    }
}
