// Unit tests of the Gemini CLI plugin through the plugin registry (no binary,
// no store): where it looks (roots), what it lists (discover) and what one
// scan of one file yields (scan). Store-level behaviour (twins, rewrites,
// reports) is covered end to end in gemini_fixture_test.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gemini_records.hpp"
#include "test_support.hpp"
#include "usage/config/environment.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
namespace g = gemini_test;

namespace {

const usage::SourcePlugin& gemini() {
    const usage::SourcePlugin* p = usage::find_source_plugin("gemini-cli");
    REQUIRE(p != nullptr);
    return *p;
}

std::vector<fs::path> roots_for(std::map<std::string, std::string> vars, std::vector<fs::path> extra = {}) {
    usage::Environment env(std::move(vars));
    usage::DiscoveryContext ctx{&env, std::move(extra)};
    return gemini().roots(ctx);
}

std::vector<usage::SourceFile> discover_sorted(const std::vector<fs::path>& roots) {
    auto files = gemini().discover(roots);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

usage::SourceFile file_at(const fs::path& p, std::string kind = "main", std::string session_hint = "",
                          std::string project_hint = "proj") {
    usage::SourceFile f;
    f.path = p;
    f.kind = std::move(kind);
    f.session_hint = std::move(session_hint);
    f.project_hint = std::move(project_hint);
    f.mode = p.extension() == ".json" ? usage::ReadMode::snapshot : usage::ReadMode::append_lines;
    return f;
}

const usage::UsageEvent& event(const usage::ScanResult& r, const std::string& id) {
    for (const auto& e : r.events)
        if (e.id == id) return e;
    FAIL("no event " << id);
    static usage::UsageEvent none;
    return none;
}

const std::string kHash = "aa00bb11cc22dd33ee44ff5566778899aabbccddeeff00112233445566778899";
const std::string kSession = "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b";

}  // namespace

TEST_CASE("gemini: the plugin is registered as gemini-cli") {
    CHECK(gemini().name() == "gemini-cli");
    CHECK(gemini().windows_roots("/mnt/c/Users/ann") == std::vector<fs::path>{"/mnt/c/Users/ann/.gemini/tmp"});
}

TEST_CASE("gemini: roots follow GEMINI_DATA_DIR, then GEMINI_CLI_HOME, then HOME") {
    testing::TempDir tmp;
    CHECK(roots_for({{"HOME", "/home/u"}}) == std::vector<fs::path>{"/home/u/.gemini/tmp"});
    // Gemini CLI's own override: the home that holds .gemini (HOME is then not used).
    CHECK(roots_for({{"HOME", "/home/u"}, {"GEMINI_CLI_HOME", "/jobs/42"}}) ==
          std::vector<fs::path>{"/jobs/42/.gemini/tmp"});
    // An empty value counts as unset.
    CHECK(roots_for({{"HOME", "/home/u"}, {"GEMINI_CLI_HOME", ""}}) == std::vector<fs::path>{"/home/u/.gemini/tmp"});

    // GEMINI_DATA_DIR names the .gemini dir itself (its tmp/ child is the root)
    // or, when it has no tmp/ child, the tmp dir; a comma list; it wins over both.
    fs::create_directories(tmp / "dot-gemini/tmp");
    fs::create_directories(tmp / "bare");
    const std::string list = (tmp / "dot-gemini").string() + ", ," + (tmp / "bare").string();
    CHECK(roots_for({{"HOME", "/home/u"}, {"GEMINI_CLI_HOME", "/jobs/42"}, {"GEMINI_DATA_DIR", list}}) ==
          std::vector<fs::path>{tmp / "dot-gemini/tmp", tmp / "bare"});

    // Config `sources.gemini-cli.paths` entries follow the same rule.
    CHECK(roots_for({{"HOME", "/home/u"}}, {tmp / "dot-gemini"}) ==
          std::vector<fs::path>{"/home/u/.gemini/tmp", tmp / "dot-gemini/tmp"});
}

TEST_CASE("gemini: discovery lists main, legacy and subagent sessions with their project") {
    testing::TempDir tmp;
    const fs::path root = tmp / ".gemini/tmp";
    const std::string meta = g::meta_line(kSession, kHash);
    // Newer layout: slug folder with a .project_root marker.
    testing::write_file(root / "shop/.project_root", "/home/dev/shop\n");
    testing::write_file(root / "shop/chats/session-2026-03-01T10-00-3e4f5a6b.jsonl", meta);
    testing::write_file(root / "shop/chats/" / kSession / "0f1e2d3c-0000-4000-8000-000000000001.jsonl", meta);
    // Older layout: hash folder, legacy whole-JSON file.
    testing::write_file(root / kHash / "chats/session-2025-10-01T08-00-11112222.json", "{}");
    // Not sessions: other chats files, checkpoints, logs, the global bin dir.
    testing::write_file(root / kHash / "chats/notes.json", "{}");
    testing::write_file(root / kHash / "checkpoint-mytag.json", "{}");
    testing::write_file(root / kHash / "logs.json", "[]");
    testing::write_file(root / "bin/rg", "");

    auto files = discover_sorted({root, root});  // overlapping roots: each file once
    REQUIRE(files.size() == 3);
    CHECK(files[0].path == root / kHash / "chats/session-2025-10-01T08-00-11112222.json");
    CHECK(files[0].kind == "main");
    CHECK(files[0].mode == usage::ReadMode::snapshot);
    CHECK(files[0].project_hint == kHash);
    CHECK(files[0].stat.inode != 0);
    CHECK(files[1].path == root / "shop/chats" / kSession / "0f1e2d3c-0000-4000-8000-000000000001.jsonl");
    CHECK(files[1].kind == "subagent");
    CHECK(files[1].session_hint == kSession);
    CHECK(files[1].mode == usage::ReadMode::append_lines);
    CHECK(files[1].project_hint == "/home/dev/shop");
    CHECK(files[2].path == root / "shop/chats/session-2026-03-01T10-00-3e4f5a6b.jsonl");
    CHECK(files[2].kind == "main");
    CHECK(files[2].project_hint == "/home/dev/shop");

    // A root may be one project folder.
    auto one = discover_sorted({root / "shop"});
    CHECK(one.size() == 2);
}

TEST_CASE("gemini: a legacy document yields one event per billable gemini message") {
    testing::TempDir tmp;
    const fs::path p = tmp / "session-2026-03-01T10-00-3e4f5a6b.json";
    testing::write_file(
        p, g::legacy_file(
               kSession, kHash,
               {g::user("u1", "2026-03-01T10:00:01.000Z", "hi"),
                g::gemini("g1", "2026-03-01T10:00:05.250Z", "gemini-2.5-pro", g::tokens(1200, 80, 1000, 150, 30)),
                g::note("i1", "2026-03-01T10:00:06.000Z", "info", "note"),
                g::note("e1", "2026-03-01T10:00:07.000Z", "error", "boom"),
                g::gemini("g2", "2026-03-01T10:00:08.000Z", "gemini-2.5-pro", nullptr),                // no usage yet
                g::gemini("g3", "2026-03-01T10:00:09.000Z", "gemini-2.5-pro", g::tokens(0, 0, 0, 0)),  // nothing billed
                g::gemini("g4", "2026-03-01T10:00:10.000Z", "", g::tokens(10, 1, 0, 0))}));
    const auto r = gemini().scan(file_at(p, "main", "hint", "/home/dev/shop"), {});
    CHECK(r.malformed_lines == 0);
    CHECK(r.offset == fs::file_size(p));
    CHECK(r.bytes_read == fs::file_size(p));
    REQUIRE(r.events.size() == 2);
    const auto& g1 = event(r, "gemini-cli:" + kSession + ":g1");
    CHECK(g1.source == "gemini-cli");
    CHECK(g1.session_id == kSession);
    CHECK(g1.parent_session_id.empty());
    CHECK(g1.model == "gemini-2.5-pro");
    CHECK_FALSE(g1.model_guessed);
    CHECK(g1.provider == "google");
    CHECK(g1.surface == "cli");
    CHECK(g1.project_name == "shop");
    CHECK(g1.project_path == "/home/dev/shop");
    CHECK(g1.timestamp_ms == 1772359205250);
    // input 1200 includes 1000 cached; the 30 tool-use prompt tokens are beside it.
    CHECK(g1.tokens == usage::TokenCounts{230, 230, 150, 1000, 0, 0});
    CHECK(g1.tokens.total() == 1200 + 80 + 150 + 30);
    const auto& g4 = event(r, "gemini-cli:" + kSession + ":g4");
    CHECK(g4.model == "gemini-2.5-pro");
    CHECK(g4.model_guessed);
}

TEST_CASE("gemini: a legacy document cut off mid-write counts once and keeps its complete messages") {
    testing::TempDir tmp;
    const fs::path p = tmp / "session-x.json";
    // Braces, brackets, quotes and backslashes inside strings must not confuse the recovery.
    const std::string tricky = "a {\"b\": [1, 2]} \\ } ] \\\" done";
    const std::string text = g::legacy_file(
        kSession, kHash,
        {g::user("u1", "2026-03-01T10:00:01.000Z", tricky),
         g::gemini("g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(100, 10, 40, 5), tricky),
         g::gemini("g2", "2026-03-01T10:00:09.000Z", "gemini-2.5-pro", g::tokens(200, 20, 0, 0), "a long answer")});
    const auto f = file_at(p);

    // Cut inside g2: g1 is whole and counts; g2 does not exist yet.
    testing::write_file(p, text.substr(0, text.find("a long") + 3));
    auto r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 1);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "gemini-cli:" + kSession + ":g1");
    CHECK(r.events[0].tokens == usage::TokenCounts{60, 15, 5, 40, 0, 0});

    // Cut between two messages, and cut right after the array's bracket.
    testing::write_file(p, text.substr(0, text.find("\"id\": \"g2\"")));
    r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 1);
    CHECK(r.events.size() == 1);
    testing::write_file(p, text.substr(0, text.find("[") + 1));
    r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 1);
    CHECK(r.events.empty());

    // Whole again: both count, nothing malformed.
    testing::write_file(p, text);
    r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 0);
    CHECK(r.events.size() == 2);

    // Not JSON at all; empty (being rewritten): nothing read, only the first counts as malformed.
    testing::write_file(p, "not json at all");
    r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 1);
    CHECK(r.events.empty());
    testing::write_file(p, "");
    r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 0);
    CHECK(r.events.empty());
}

TEST_CASE("gemini: invalid UTF-8 inside a document costs no usage") {
    testing::TempDir tmp;
    const fs::path p = tmp / "session-x.json";
    // A multi-byte character cut in half (nlohmann refuses to write one, so it is patched in).
    std::string text = g::legacy_file(
        kSession, kHash,
        {g::gemini("g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(10, 1, 0, 0), "cut @@ here")});
    text.replace(text.find("@@"), 2, "\xE2\x82");
    testing::write_file(p, text);
    const auto r = gemini().scan(file_at(p), {});
    CHECK(r.malformed_lines == 0);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].tokens.input == 10);
}

TEST_CASE("gemini: JSONL scans continue from the offset with the session id of the first line") {
    testing::TempDir tmp;
    const fs::path p = tmp / "chats" / kSession / "sub-1.jsonl";
    const std::string head =
        g::meta_line("sub-session-1", kHash, "subagent") +
        g::line(g::user("u1", "2026-03-01T10:00:01.000Z", "find it")) +
        g::line(g::gemini("s1", "2026-03-01T10:00:04.000Z", "gemini-2.5-flash", g::tokens(400, 40, 100, 4)));
    testing::write_file(p, head + "{\"id\":\"s2\",\"type\":\"gemini\",\"tok");  // writer mid-line
    const auto f = file_at(p, "subagent", kSession, "proj");
    auto r = gemini().scan(f, {});
    CHECK(r.offset == head.size());
    CHECK(r.malformed_lines == 0);
    CHECK(r.state == "gemini-2.5-flash");
    REQUIRE(r.events.size() == 1);
    const auto& s1 = r.events[0];
    CHECK(s1.id == "gemini-cli:sub-session-1:s1");  // keyed by the subagent's own session id
    CHECK(s1.session_id == kSession);               // reported under its parent
    CHECK(s1.parent_session_id == kSession);
    CHECK(s1.tokens == usage::TokenCounts{300, 44, 4, 100, 0, 0});

    testing::write_file(p, head + g::line(g::gemini("s2", "2026-03-01T10:00:09.000Z", "", g::tokens(50, 5, 0, 0))) +
                               "{\"id\":\"s3\",\"type\":\"gemini\",\"tokens\":{\"input\":1\n");
    r = gemini().scan(f, {r.offset, r.state});
    CHECK(r.malformed_lines == 1);  // the broken line only; the first line is not counted again
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "gemini-cli:sub-session-1:s2");
    CHECK(r.events[0].model == "gemini-2.5-flash");  // from the state: the call before it
    CHECK(r.events[0].model_guessed);
    CHECK(r.offset == fs::file_size(p));
}

TEST_CASE("gemini: an API error record is a failed call with the model called before it") {
    testing::TempDir tmp;
    const fs::path p = tmp / "chats" / "session-2026-05-02T09-14-6f1c0000.jsonl";
    testing::write_file(
        p, g::meta_line(kSession, kHash) +
               g::line(g::gemini("g1", "2026-05-02T09:10:00.000Z", "gemini-2.5-pro", g::tokens(100, 10, 0, 0))) +
               g::line(g::note("e1", "2026-05-02T09:14:03.120Z", "error",
                               "[API Error: Quota exceeded for quota metric 'Generate Content API requests per "
                               "minute' (Status: RESOURCE_EXHAUSTED)]\nPlease wait and try again later.")) +
               g::line(g::note("e2", "2026-05-02T09:15:00.000Z", "error", "[API Error: socket hang up]")) +
               // The CLI's own errors (a command that failed) are not calls.
               g::line(g::note("e3", "2026-05-02T09:16:00.000Z", "error", "Unknown command: /frobnicate")) +
               g::line(g::note("i1", "2026-05-02T09:16:30.000Z", "info", "[API Error: quoted in an info line]")));
    const auto f = file_at(p);
    auto r = gemini().scan(f, {});
    CHECK(r.malformed_lines == 0);
    REQUIRE(r.events.size() == 3);
    CHECK(event(r, "gemini-cli:" + kSession + ":g1").failure.empty());
    const auto& quota = event(r, "gemini-cli:" + kSession + ":e1");
    CHECK(quota.failure == "resource_exhausted");
    CHECK(quota.tokens == usage::TokenCounts{});
    CHECK(quota.model == "gemini-2.5-pro");
    CHECK(quota.model_guessed);
    CHECK(quota.timestamp_ms == 1777713243120);
    CHECK(quota.session_id == kSession);
    CHECK(event(r, "gemini-cli:" + kSession + ":e2").failure == "api_error");
    CHECK(r.state == "gemini-2.5-pro");  // failed calls name no model of their own
}
