// Unit tests of the Claude Code plugin through the plugin registry (no
// binary, no store): where it looks (roots), what it lists (discover) and
// what one scan of one file yields (scan). Store-level rules (dedup across
// files, replay superseding) are covered end to end in claude_fixture_test.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"
#include "usage/config/environment.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
using claude_test::Assistant;
using claude_test::kSession;

namespace {

const usage::SourcePlugin& claude() {
    const usage::SourcePlugin* p = usage::find_source_plugin("claude-code");
    REQUIRE(p != nullptr);
    return *p;
}

std::vector<fs::path> roots_for(std::map<std::string, std::string> vars, std::vector<fs::path> extra = {}) {
    usage::Environment env(std::move(vars));
    usage::DiscoveryContext ctx{&env, std::move(extra)};
    return claude().roots(ctx);
}

// discover() output sorted by path, so assertions do not depend on directory order.
std::vector<usage::SourceFile> discover_sorted(const std::vector<fs::path>& roots) {
    auto files = claude().discover(roots);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

usage::SourceFile main_file(const fs::path& p) {
    return {p, "main", "hint-session", "-home-dev-slug", {}};
}

const usage::UsageEvent* find_event(const usage::ScanResult& r, const std::string& id) {
    for (const auto& e : r.events)
        if (e.id == id) return &e;
    return nullptr;
}

}  // namespace

TEST_CASE("claude: the plugin is registered as claude-code") {
    CHECK(claude().name() == "claude-code");
    CHECK(usage::find_source_plugin("claude") == nullptr);
}

TEST_CASE("claude: roots from CLAUDE_CONFIG_DIR, a comma list of config dirs or projects dirs") {
    testing::TempDir tmp;
    fs::create_directories(tmp / "cfg/projects");  // a config dir: its projects/ child is the root
    fs::create_directories(tmp / "bare");          // no projects/ child: the entry itself is the root
    const std::string list = (tmp / "cfg").string() + ",," + (tmp / "bare").string() + "," + (tmp / "missing").string();
    auto roots = roots_for({{"HOME", (tmp / "home").string()}, {"CLAUDE_CONFIG_DIR", list}});
    // Empty entries are skipped; missing dirs are still returned (the engine drops them);
    // HOME defaults are NOT added when the variable is set.
    CHECK(roots == std::vector<fs::path>{tmp / "cfg/projects", tmp / "bare", tmp / "missing"});

    // Config `sources.claude-code.paths` entries follow the same config-dir-or-projects rule.
    roots = roots_for({{"CLAUDE_CONFIG_DIR", (tmp / "bare").string()}}, {tmp / "cfg"});
    CHECK(roots == std::vector<fs::path>{tmp / "bare", tmp / "cfg/projects"});
}

TEST_CASE("claude: default roots under HOME and XDG_CONFIG_HOME") {
    // No CLAUDE_CONFIG_DIR (an empty value counts as unset): both default locations.
    for (const std::string unset : {"", "absent"}) {
        std::map<std::string, std::string> vars{{"HOME", "/home/u"}};
        if (unset.empty()) vars["CLAUDE_CONFIG_DIR"] = "";
        CHECK(roots_for(vars) == std::vector<fs::path>{"/home/u/.config/claude/projects", "/home/u/.claude/projects"});
    }
    CHECK(roots_for({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "/xdg/cfg"}}) ==
          std::vector<fs::path>{"/xdg/cfg/claude/projects", "/home/u/.claude/projects"});
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    CHECK(roots_for({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "rel/cfg"}}) ==
          std::vector<fs::path>{"/home/u/.config/claude/projects", "/home/u/.claude/projects"});
}

TEST_CASE("claude: Windows-side roots below a Windows user's home (WSL)") {
    CHECK(claude().windows_roots("/mnt/c/Users/dev") ==
          std::vector<fs::path>{"/mnt/c/Users/dev/.claude/projects", "/mnt/c/Users/dev/.config/claude/projects"});
}

TEST_CASE("claude: discover classifies main, flat and nested subagent files and skips journals") {
    testing::TempDir tmp;
    const fs::path root = tmp / "projects";
    const fs::path slug = root / "-home-dev-proj";
    const std::string sid = "11111111-2222-4333-8444-555555555555";
    testing::write_file(slug / (sid + ".jsonl"), "");
    testing::write_file(slug / "agent-1a2b3c4d.jsonl", "");                         // flat 2.0.x
    testing::write_file(slug / sid / "subagents/agent-a1b2c3d.jsonl", "");          // nested 2.1.x
    testing::write_file(slug / sid / "subagents/workers/agent-b2c3d4e.jsonl", "");  // subagents/**
    testing::write_file(slug / sid / "subagents/agent-a1b2c3d.meta.json", "{\"agentType\":\"Explore\"}\n");
    testing::write_file(slug / sid / "subagents/journal.jsonl", "");  // bookkeeping, not a transcript
    testing::write_file(slug / sid / "subagents/workers/journal.jsonl", "");
    testing::write_file(slug / "notes.txt", "");
    // The shared samples' layout: transcripts directly in the root, session folder beside them.
    testing::write_file(root / "turn-1.jsonl", "");
    testing::write_file(root / "turn-1/subagents/agent-a485154.jsonl", "");

    struct Want {
        fs::path path;
        std::string kind, session_hint, project_hint;
    };
    const std::vector<Want> want = {
        {slug / sid / "subagents/agent-a1b2c3d.jsonl", "subagent", sid, "-home-dev-proj"},
        {slug / sid / "subagents/workers/agent-b2c3d4e.jsonl", "subagent", sid, "-home-dev-proj"},
        {slug / (sid + ".jsonl"), "main", sid, "-home-dev-proj"},
        {slug / "agent-1a2b3c4d.jsonl", "subagent", "", "-home-dev-proj"},  // session comes from its lines
        {root / "turn-1/subagents/agent-a485154.jsonl", "subagent", "turn-1", "turn-1"},
        {root / "turn-1.jsonl", "main", "turn-1", ""},
    };
    // Environment variables often end with a slash: same result.
    for (const fs::path& r : {root, fs::path(root.string() + "/")}) {
        auto files = discover_sorted({r});
        REQUIRE(files.size() == want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            INFO(files[i].path.string());
            CHECK(files[i].path == want[i].path);
            CHECK(files[i].kind == want[i].kind);
            CHECK(files[i].session_hint == want[i].session_hint);
            CHECK(files[i].project_hint == want[i].project_hint);
        }
    }
}

TEST_CASE("claude: a file reachable through two roots is listed once") {
    testing::TempDir tmp;
    const fs::path root = tmp / "projects";
    testing::write_file(root / "-p/aaaa.jsonl", "");
    testing::write_file(root / "-p/bbbb.jsonl", "");
    fs::create_directory_symlink(root, tmp / "alias");  // e.g. ~/.claude -> ~/.config/claude
    fs::create_directories(tmp / "other/-p");
    fs::create_symlink(root / "-p/aaaa.jsonl", tmp / "other/-p/linked.jsonl");
    auto files = discover_sorted({root, tmp / "alias", tmp / "other"});
    REQUIRE(files.size() == 2);
    // The first root that reaches a file names it.
    CHECK(files[0].path == root / "-p/aaaa.jsonl");
    CHECK(files[1].path == root / "-p/bbbb.jsonl");
}

TEST_CASE("claude: scan yields one merged event per message.id + requestId") {
    testing::TempDir tmp;
    const fs::path file = tmp / "projects/-home-dev-slug/s.jsonl";
    const std::string l1 = claude_test::user_line("hello");
    // Two content blocks of one response: output grows, the rest repeats.
    const std::string l2 = Assistant("msg_01A", "req_01A", 3, 100, 2000, 2)
                               .cwd("/home/dev/proj")
                               .branch("feature/x")
                               .at("2025-09-03T00:47:19.293Z")
                               .cost(0.0123)
                               .line();
    const std::string l3 = Assistant("msg_01A", "req_01A", 3, 100, 2000, 50).at("2025-09-03T00:47:21.000Z").line();
    // Bedrock: no requestId, no cwd and no sessionId on this (trimmed) line.
    const std::string l4 = Assistant("msg_bdrk_x", "", 7, 0, 10, 5).cwd(std::nullopt).session(std::nullopt).line();
    testing::write_file(file, l1 + l2 + l3 + l4);

    auto r = claude().scan(main_file(file), {});
    CHECK(r.offset == l1.size() + l2.size() + l3.size() + l4.size());
    CHECK(r.bytes_read == r.offset);
    CHECK(r.malformed_lines == 0);
    REQUIRE(r.events.size() == 2);

    const auto* a = find_event(r, "claude-code:msg_01A:req_01A");
    REQUIRE(a != nullptr);
    CHECK(a->source == "claude-code");
    CHECK(a->tokens == usage::TokenCounts{3, 50, 0, 2000, 100, 0});
    CHECK(a->provider == "anthropic");
    CHECK(a->model == "claude-sonnet-4-5-20250929");
    CHECK(a->session_id == kSession);
    CHECK(a->parent_session_id.empty());  // main file
    CHECK(a->project_path == "/home/dev/proj");
    CHECK(a->project_name == "proj");  // last component of cwd, never the slug
    CHECK(a->git_branch == "feature/x");
    CHECK(a->timestamp_ms == 1756860439293);  // earliest copy: 2025-09-03T00:47:19.293Z
    REQUIRE(a->reported_cost_micros.has_value());
    CHECK(*a->reported_cost_micros == 12300);  // costUSD 0.0123
    CHECK(a->dedup_group == "claude-code:msg_01A:");
    CHECK_FALSE(a->replay);

    const auto* b = find_event(r, "claude-code:msg_bdrk_x:");  // empty requestId part
    REQUIRE(b != nullptr);
    CHECK(b->provider == "bedrock");
    CHECK(b->tokens == usage::TokenCounts{7, 5, 0, 10, 0, 0});
    CHECK(b->session_id == "hint-session");      // no sessionId: the file's session
    CHECK(b->project_name == "-home-dev-slug");  // no cwd: the slug is the fallback
    CHECK(b->project_path.empty());
    CHECK_FALSE(b->reported_cost_micros.has_value());

    // From an offset: only the lines after it.
    auto tail = claude().scan(main_file(file), {l1.size() + l2.size() + l3.size(), ""});
    REQUIRE(tail.events.size() == 1);
    CHECK(tail.events[0].id == "claude-code:msg_bdrk_x:");
    CHECK(tail.offset == r.offset);
    CHECK(tail.bytes_read == l4.size());
}

TEST_CASE("claude: scan stops before an incomplete last line and resumes there") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    const std::string l1 = Assistant("msg_01A", "req_01A", 1, 0, 0, 10).line();
    const std::string l2 = Assistant("msg_01B", "req_01B", 2, 0, 0, 20).line();
    const std::string cut = l2.substr(0, l2.size() / 2);  // writer still mid-line
    testing::write_file(file, l1 + cut);
    auto r = claude().scan(main_file(file), {});
    CHECK(r.offset == l1.size());
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "claude-code:msg_01A:req_01A");
    CHECK(r.malformed_lines == 0);  // an unfinished line is not malformed

    testing::append_file(file, l2.substr(cut.size()));
    auto next = claude().scan(main_file(file), {r.offset, r.state});
    CHECK(next.offset == l1.size() + l2.size());
    REQUIRE(next.events.size() == 1);
    CHECK(next.events[0].id == "claude-code:msg_01B:req_01B");
    CHECK(next.events[0].tokens.output == 20);
}

TEST_CASE("claude: cache writes split by TTL, unsplit writes are 5-minute writes") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    testing::write_file(file, Assistant("msg_split", "r", 1, 3000, 0, 1).split(1000, 2000).line() +
                                  Assistant("msg_old", "r", 1, 700, 0, 1).line() +
                                  // An all-zero split must not hide the total.
                                  Assistant("msg_zero_split", "r", 1, 400, 0, 1).split(0, 0).line());
    auto r = claude().scan(main_file(file), {});
    REQUIRE(r.events.size() == 3);
    CHECK(find_event(r, "claude-code:msg_split:r")->tokens == usage::TokenCounts{1, 1, 0, 0, 1000, 2000});
    CHECK(find_event(r, "claude-code:msg_old:r")->tokens == usage::TokenCounts{1, 1, 0, 0, 700, 0});
    CHECK(find_event(r, "claude-code:msg_zero_split:r")->tokens == usage::TokenCounts{1, 1, 0, 0, 400, 0});
}

TEST_CASE("claude: lines that are not billable calls never become events") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    std::string content;
    // <synthetic> is a local error/abort: skipped by model, even with counts on it.
    content += Assistant("msg_syn", "", 5, 5, 5, 5).model("<synthetic>").line();
    // A real model with all-zero usage is no call either.
    content += Assistant("msg_zero", "req_zero", 0, 0, 0, 0).line();
    // A user line quoting usage JSON in its text (escaped: no `"usage"` key).
    content += claude_test::user_line(R"({"usage":{"input_tokens":999}})");
    // A user line with a real usage KEY (Task tool results carry one): not an assistant line.
    content += R"({"type":"user","sessionId":"s","toolUseResult":{"usage":{"input_tokens":888,"output_tokens":88}},)"
               R"("message":{"role":"user","content":"done"}})"
               "\n";
    // Malformed: a truncated object and garbage, both holding the needle; plus plain garbage.
    content += R"({"type":"assistant","message":{"id":"msg_trunc","usage":{"input_tokens":5)"
               "\n";
    content += "garbage \"usage\": ]]]\n";
    content += "@@@@\n";
    // Unknown line types with usage-looking content are ignored.
    content += R"({"type":"progress","message":{"id":"msg_prog","usage":{"input_tokens":77}}})"
               "\n";
    content += Assistant("msg_ok", "req_ok", 1, 2, 3, 4).line();
    testing::write_file(file, content);
    auto r = claude().scan(main_file(file), {});
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "claude-code:msg_ok:req_ok");
    CHECK(r.events[0].tokens == usage::TokenCounts{1, 4, 0, 3, 2, 0});
    CHECK(r.malformed_lines == 2);
    CHECK(r.offset == content.size());
}

TEST_CASE("claude: invalid UTF-8 inside a text block does not cost the line's usage") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    std::string line = Assistant("msg_utf8", "req_utf8", 7, 0, 2100, 64).text("caf\xc3\xa9 PLACEHOLDER end").line();
    line.replace(line.find("PLACEHOLDER"), 11, "\xff\xfe \xe2\x82 \xc3");  // stray bytes + cut sequences
    testing::write_file(file, line + Assistant("msg_next", "req_next", 1, 0, 0, 1).line());
    auto r = claude().scan(main_file(file), {});
    CHECK(r.malformed_lines == 0);
    REQUIRE(r.events.size() == 2);
    const auto* e = find_event(r, "claude-code:msg_utf8:req_utf8");
    REQUIRE(e != nullptr);
    CHECK(e->tokens == usage::TokenCounts{7, 64, 0, 2100, 0, 0});
    CHECK(e->session_id == kSession);
}

TEST_CASE("claude: subagent events carry the parent session and sidechain lines are replay candidates") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/agent-1a2b3c4d.jsonl";
    testing::write_file(file, Assistant("msg_sub", "req_sub", 3, 9000, 0, 12).sidechain().line());
    auto r = claude().scan({file, "subagent", "", "-p", {}}, {});
    REQUIRE(r.events.size() == 1);
    const auto& e = r.events[0];
    CHECK(e.session_id == kSession);  // the flat file's lines carry the parent's sessionId
    CHECK(e.parent_session_id == kSession);
    CHECK(e.replay);  // superseded in the store only if a non-sidechain twin exists
    CHECK(e.dedup_group == "claude-code:msg_sub:");

    // Nested file without sessionId on the line: the session folder above subagents/.
    const fs::path nested = tmp / "p/sess-1/subagents/agent-a1.jsonl";
    testing::write_file(nested, Assistant("msg_n", "req_n", 1, 0, 0, 1).sidechain().session(std::nullopt).line());
    auto n = claude().scan({nested, "subagent", "sess-1", "-p", {}}, {});
    REQUIRE(n.events.size() == 1);
    CHECK(n.events[0].session_id == "sess-1");
    CHECK(n.events[0].parent_session_id == "sess-1");
}

TEST_CASE("claude: provider from the message id or model") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    testing::write_file(
        file, Assistant("msg_vrtx_1", "", 1, 0, 0, 1).line() +
                  Assistant("msg_2", "", 1, 0, 0, 1).model("claude-sonnet-4-5@20250929").line() +
                  Assistant("msg_3", "", 1, 0, 0, 1).model("us.anthropic.claude-sonnet-4-5-20250929-v1:0").line() +
                  Assistant("msg_4", "req_4", 1, 0, 0, 1).line());
    auto r = claude().scan(main_file(file), {});
    REQUIRE(r.events.size() == 4);
    CHECK(find_event(r, "claude-code:msg_vrtx_1:")->provider == "vertex");
    CHECK(find_event(r, "claude-code:msg_2:")->provider == "vertex");
    CHECK(find_event(r, "claude-code:msg_3:")->provider == "bedrock");
    CHECK(find_event(r, "claude-code:msg_4:req_4")->provider == "anthropic");
}

TEST_CASE("claude: a failed call becomes a zero-token event flagged with how it failed") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    const std::string ok = Assistant("msg_ok", "req_ok", 5, 0, 0, 7).model("claude-opus-4-5").line();
    const std::string rate = claude_test::api_error_line("0b1e-rate", "2025-09-03T01:00:00.000Z", "rate_limit", 429);
    testing::write_file(file,
                        ok + rate +
                            // The same failure again (a resumed session's copy): one failed call.
                            rate +
                            // No kind, a status: named by it. Neither: "error".
                            claude_test::api_error_line("0b1e-overload", "2025-09-03T01:01:00.000Z", "", 529) +
                            claude_test::api_error_line("0b1e-bare", "2025-09-03T01:02:00.000Z", "", 0) +
                            // A kind that is not a plain name is not taken as one.
                            claude_test::api_error_line("0b1e-odd", "2025-09-03T01:03:00.000Z", "Bad Thing!", 400));
    auto r = claude().scan(main_file(file), {});
    REQUIRE(r.events.size() == 5);
    CHECK(r.malformed_lines == 0);
    const auto* answered = find_event(r, "claude-code:msg_ok:req_ok");
    REQUIRE(answered != nullptr);
    CHECK(answered->failure.empty());
    const auto* failed = find_event(r, "claude-code:0b1e-rate:");
    REQUIRE(failed != nullptr);
    CHECK(failed->failure == "rate_limit");
    CHECK(failed->tokens == usage::TokenCounts{});
    CHECK(!failed->reported_cost_micros);
    CHECK(failed->model == "claude-opus-4-5");  // the session's last model, not <synthetic>
    CHECK(failed->model_guessed);
    CHECK(failed->session_id == kSession);
    CHECK(failed->project_name == "proj");
    CHECK(failed->timestamp_ms == 1756861200000);
    CHECK(failed->dedup_group.empty());
    CHECK(!failed->replay);
    CHECK(find_event(r, "claude-code:0b1e-overload:")->failure == "http_529");
    CHECK(find_event(r, "claude-code:0b1e-bare:")->failure == "error");
    CHECK(find_event(r, "claude-code:0b1e-odd:")->failure == "http_400");
    CHECK(r.state == "claude-opus-4-5");
}

TEST_CASE("claude: a failed call read in a later scan gets the model the file called last") {
    testing::TempDir tmp;
    const fs::path file = tmp / "p/s.jsonl";
    const std::string first =
        claude_test::api_error_line("0b1e-first", "2025-09-03T00:00:00.000Z", "server_error", 500);
    testing::write_file(file, first + Assistant("msg_a", "req_a", 1, 0, 0, 1).model("claude-haiku-4-5").line());
    auto r = claude().scan(main_file(file), {});
    REQUIRE(r.events.size() == 2);
    CHECK(find_event(r, "claude-code:0b1e-first:")->model.empty());  // nothing called before it
    CHECK(r.state == "claude-haiku-4-5");

    testing::append_file(
        file, claude_test::api_error_line("0b1e-later", "2025-09-03T02:00:00.000Z", "authentication_failed", 401));
    auto next = claude().scan(main_file(file), {r.offset, r.state});
    REQUIRE(next.events.size() == 1);
    CHECK(next.events[0].id == "claude-code:0b1e-later:");
    CHECK(next.events[0].failure == "authentication_failed");
    CHECK(next.events[0].model == "claude-haiku-4-5");
    CHECK(next.state == "claude-haiku-4-5");
}
