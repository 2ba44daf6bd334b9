// Unit tests of the Qwen Code plugin through the plugin registry (no binary,
// no store): where it looks, what it lists and what one scan of one file
// yields, including how the telemetry and assistant copies of a call share
// one id. End-to-end runs of the binary are in qwen_agent_test.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "qwen_lines.hpp"
#include "test_support.hpp"
#include "usage/config/environment.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
using namespace qwen_test;

namespace {

const usage::SourcePlugin& qwen() {
    const usage::SourcePlugin* p = usage::find_source_plugin("qwen-code");
    REQUIRE(p != nullptr);
    return *p;
}

std::vector<fs::path> roots_for(std::map<std::string, std::string> vars) {
    usage::Environment env(std::move(vars));
    usage::DiscoveryContext ctx{&env, {}};
    return qwen().roots(ctx);
}

usage::SourceFile file_at(const fs::path& p) {
    usage::SourceFile f;
    f.path = p;
    f.kind = "main";
    f.session_hint = p.stem().string();
    f.project_hint = "-home-ann-src-shop";
    return f;
}

usage::ScanResult scan(const fs::path& p, const usage::ScanStart& start = {}) {
    return qwen().scan(file_at(p), start);
}

const usage::UsageEvent& event(const usage::ScanResult& r, const std::string& id) {
    for (const auto& e : r.events)
        if (e.id == id) return e;
    FAIL("no event " << id);
    static usage::UsageEvent none;
    return none;
}

std::string id_of(const std::string& uuid) {
    return "qwen-code:" + kSession + ":" + uuid;
}

void check_tokens(const usage::TokenCounts& t, std::int64_t input, std::int64_t cache_read, std::int64_t output,
                  std::int64_t reasoning) {
    CHECK(t.input == input);
    CHECK(t.cache_read == cache_read);
    CHECK(t.output == output);
    CHECK(t.reasoning == reasoning);
    CHECK(t.cache_write() == 0);
}

}  // namespace

TEST_CASE("qwen: the plugin is registered as qwen-code with its Windows root") {
    CHECK(qwen().name() == "qwen-code");
    CHECK(qwen().windows_roots("/mnt/c/Users/ann") == std::vector<fs::path>{"/mnt/c/Users/ann/.qwen"});
    CHECK(qwen().root_variables() == std::vector<std::string_view>{"QWEN_RUNTIME_DIR", "QWEN_HOME", "QWEN_DATA_DIR"});
}

TEST_CASE("qwen: roots follow QWEN_DATA_DIR, else QWEN_RUNTIME_DIR and QWEN_HOME or ~/.qwen") {
    CHECK(roots_for({{"HOME", "/home/u"}}) == std::vector<fs::path>{"/home/u/.qwen"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"QWEN_HOME", "/q"}}) == std::vector<fs::path>{"/q"});
    // The runtime dir holds projects/ when set; the global dir may still hold older chats.
    CHECK(roots_for({{"HOME", "/home/u"}, {"QWEN_RUNTIME_DIR", "/run/q"}}) ==
          std::vector<fs::path>{"/run/q", "/home/u/.qwen"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"QWEN_RUNTIME_DIR", "/run/q"}, {"QWEN_HOME", "/q"}}) ==
          std::vector<fs::path>{"/run/q", "/q"});
    // The peer convention replaces them all; a comma list; empty means unset.
    CHECK(roots_for({{"HOME", "/home/u"}, {"QWEN_HOME", "/q"}, {"QWEN_DATA_DIR", "/a, /b"}}) ==
          std::vector<fs::path>{"/a", "/b"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"QWEN_HOME", ""}}) == std::vector<fs::path>{"/home/u/.qwen"});
}

TEST_CASE("qwen: discovery lists chats under projects and tmp, nothing else") {
    testing::TempDir tmp;
    const fs::path root = tmp / ".qwen";
    testing::write_file(root / "projects/-home-ann-src-shop/chats/s1.jsonl", "");
    testing::write_file(root / "projects/-home-ann-src-shop/chats/sub/s2.jsonl", "");
    testing::write_file(root / "tmp/0a1b2c/chats/s3.jsonl", "");
    testing::write_file(root / "projects/-home-ann-src-shop/chats/notes.txt", "");
    testing::write_file(root / "projects/-home-ann-src-shop/memory.jsonl", "");
    testing::write_file(root / "tmp/0a1b2c/shell_history", "");
    auto files = qwen().discover({root, root});  // the same root twice: each file once
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    REQUIRE(files.size() == 3);
    CHECK(files[0].path == root / "projects/-home-ann-src-shop/chats/s1.jsonl");
    CHECK(files[0].session_hint == "s1");
    CHECK(files[0].project_hint == "-home-ann-src-shop");
    CHECK(files[0].mode == usage::ReadMode::append_lines);
    CHECK(files[1].path == root / "projects/-home-ann-src-shop/chats/sub/s2.jsonl");
    CHECK(files[2].path == root / "tmp/0a1b2c/chats/s3.jsonl");
    // A root that is a projects/ folder itself.
    CHECK(qwen().discover({root / "projects"}).size() == 2);
}

TEST_CASE("qwen: the shared real sample gives 2 calls, 1050 uncached in, 50 cached, 25 out") {
    auto shared = testing::shared_dir("the Qwen Code real-sample totals");
    if (!shared) return;
    const fs::path sample = *shared / "fixtures/new-sources/qwen-code/qwen_code_0.18.1_session.jsonl";
    REQUIRE(fs::exists(sample));
    const auto r = scan(sample);
    CHECK(r.malformed_lines == 0);
    CHECK(r.invalid.count == 0);
    REQUIRE(r.events.size() == 2);
    // Each call is keyed by its telemetry record, which its assistant record
    // names as parent; the two calls share the mock's response id.
    const std::string s = "qwen-code:69f0814a-8bfc-4c8e-93d3-05757f17b96f:";
    const auto& a = event(r, s + "2af1748d-38dc-4019-b0b0-c675c2878f3b");
    check_tokens(a.tokens, 500, 0, 20, 0);
    const auto& b = event(r, s + "cc353431-d443-4415-bc6c-7f9e1258b73a");
    check_tokens(b.tokens, 550, 50, 5, 0);
    CHECK(a.tokens.input + b.tokens.input == 1050);
    CHECK(a.tokens.cache_read + b.tokens.cache_read == 50);
    CHECK(a.tokens.output + b.tokens.output == 25);
    for (const auto& e : r.events) {
        CHECK(e.model == "coder-model");
        CHECK(e.source == "qwen-code");
        CHECK(e.session_id == "69f0814a-8bfc-4c8e-93d3-05757f17b96f");
        CHECK(e.project_path == "/tmp/qwentest");
        CHECK(e.project_name == "qwentest");
        CHECK(e.surface == "cli");
    }
    CHECK(a.timestamp_ms == 1781534422908);  // 2026-06-15T14:40:22.908Z, the telemetry's (earlier) time
    CHECK(r.state.empty());                  // both calls matched: nothing pending
}

TEST_CASE("qwen: telemetry and assistant copies of a call count once, keyed by the telemetry") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    const Usage u{1200, 80, 0, 1000};
    testing::write_file(
        f, user("u1", "", "2026-03-01T10:00:00.000Z") +
               api_response("t1", "u1", "2026-03-01T10:00:04.000Z", "chatcmpl-1", u, "qwen3-coder-plus", "qwen-oauth") +
               assistant("a1", "t1", "2026-03-01T10:00:04.010Z", u));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 1);
    const auto& e = event(r, id_of("t1"));
    check_tokens(e.tokens, 200, 1000, 80, 0);
    CHECK(e.provider == "qwen");  // Qwen OAuth, from the telemetry
    CHECK(e.git_branch == "main");
    CHECK(e.project_name == "shop");
    CHECK(e.timestamp_ms == 1772359204000);
}

TEST_CASE("qwen: telemetry alone counts when the assistant record has no usageMetadata") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    const Usage u1{900, 30, 0, 0}, u2{1500, 45, 0, 600};
    testing::write_file(f, user("u1", "", "2026-03-01T10:00:00.000Z") +
                               api_response("t1", "u1", "2026-03-01T10:00:01.000Z", "r-1", u1) +
                               assistant("a1", "t1", "2026-03-01T10:00:01.100Z", u1, false) +
                               tool_call_telemetry("x1", "a1", "2026-03-01T10:00:02.000Z") +
                               api_response("t2", "x1", "2026-03-01T10:00:03.000Z", "r-2", u2) +
                               assistant("a2", "t2", "2026-03-01T10:00:03.100Z", u2, false));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 2);
    check_tokens(event(r, id_of("t1")).tokens, 900, 0, 30, 0);
    check_tokens(event(r, id_of("t2")).tokens, 900, 600, 45, 0);
    CHECK(r.state.empty());
}

TEST_CASE("qwen: an assistant record without telemetry is keyed by its own uuid") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    testing::write_file(f, user("u1", "", "2026-03-01T10:00:00.000Z") +
                               assistant("a1", "u1", "2026-03-01T10:00:01.000Z", {700, 12, 0, 100}) +
                               assistant("a2", "a1", "2026-03-01T10:00:02.000Z", {0, 0, 0, 0}));  // nothing billed
    const auto r = scan(f);
    REQUIRE(r.events.size() == 1);
    check_tokens(event(r, id_of("a1")).tokens, 600, 100, 12, 0);
}

TEST_CASE("qwen: telemetry repeated for one response id before its assistant record counts once") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    const Usage partial{2000, 10, 0, 1500}, full{2000, 64, 0, 1500};
    testing::write_file(f, user("u1", "", "2026-03-01T10:00:00.000Z") +
                               api_response("t1", "u1", "2026-03-01T10:00:01.000Z", "chatcmpl-9", partial) +
                               api_response("t2", "t1", "2026-03-01T10:00:01.500Z", "chatcmpl-9", full) +
                               assistant("a1", "t2", "2026-03-01T10:00:01.600Z", full) +
                               // The next call reuses the id (a proxy that does): a new call.
                               api_response("t3", "a1", "2026-03-01T10:00:05.000Z", "chatcmpl-9", {2100, 7, 0, 2000}));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 2);
    // Copies merge: the largest output, one prompt.
    check_tokens(event(r, id_of("t1")).tokens, 500, 1500, 64, 0);
    check_tokens(event(r, id_of("t3")).tokens, 100, 2000, 7, 0);
    CHECK(r.state.find("t3") != std::string::npos);  // t3's assistant record has not been written yet
}

TEST_CASE("qwen: an incremental scan gives the assistant the id its telemetry got in the scan before") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    const Usage u{3000, 90, 40, 2500};
    testing::write_file(
        f, user("u1", "", "2026-03-01T10:00:00.000Z") + api_response("t1", "u1", "2026-03-01T10:00:01.000Z", "r-1", u));
    const auto first = scan(f);
    REQUIRE(first.events.size() == 1);
    CHECK(first.events[0].id == id_of("t1"));
    CHECK(!first.state.empty());

    testing::append_file(f, assistant("a1", "t1", "2026-03-01T10:00:01.200Z", u) +
                                api_response("t2", "a1", "2026-03-01T10:00:09.000Z", "r-2", {3100, 5, 0, 3000}) +
                                assistant("a2", "t2", "2026-03-01T10:00:09.100Z", {3100, 5, 0, 3000}));
    const auto second = scan(f, {first.offset, first.state});
    REQUIRE(second.events.size() == 2);
    // Same id as the first scan's telemetry copy: the store merges, never adds.
    check_tokens(event(second, id_of("t1")).tokens, 500, 2500, 90, 40);
    check_tokens(event(second, id_of("t2")).tokens, 100, 3000, 5, 0);
    CHECK(second.state.empty());

    // Without the state (a re-read from 0) the ids are the same.
    const auto again = scan(f);
    REQUIRE(again.events.size() == 2);
    CHECK(event(again, id_of("t1")).tokens == event(second, id_of("t1")).tokens);
}

TEST_CASE("qwen: a resumed session that repeats records keeps one event per call") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    const Usage u{800, 20, 0, 0};
    const std::string call = api_response("t1", "u1", "2026-03-01T10:00:01.000Z", "r-1", u) +
                             assistant("a1", "t1", "2026-03-01T10:00:01.100Z", u);
    testing::write_file(f, user("u1", "", "2026-03-01T10:00:00.000Z") + call +
                               // Resumed: the earlier records written again with their uuids.
                               user("u1", "", "2026-03-01T10:00:00.000Z") + call +
                               user("u2", "a1", "2026-03-02T09:00:00.000Z") +
                               assistant("a3", "u2", "2026-03-02T09:00:01.000Z", {900, 10, 0, 800}));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 2);
    check_tokens(event(r, id_of("t1")).tokens, 800, 0, 20, 0);
    check_tokens(event(r, id_of("a3")).tokens, 100, 800, 10, 0);
}

TEST_CASE("qwen: a branched session's copies keep the ids of the records they copy") {
    testing::TempDir tmp;
    const fs::path f = tmp / "branch.jsonl";
    const Usage u{500, 9, 0, 0};
    auto forked = [](std::string line, const std::string& uuid) {
        auto j = nlohmann::json::parse(line);
        j["sessionId"] = "b-session";
        j["forkedFrom"] = {{"sessionId", kSession}, {"messageUuid", uuid}};
        return j.dump() + "\n";
    };
    testing::write_file(f, forked(api_response("t1", "u1", "2026-03-01T10:00:01.000Z", "r-1", u), "t1") +
                               forked(assistant("a1", "t1", "2026-03-01T10:00:01.100Z", u), "a1"));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == id_of("t1"));
    CHECK(r.events[0].session_id == "b-session");
}

TEST_CASE("qwen: thoughts are output once, whichever way the API counted them") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    // OpenAI-compatible: completion_tokens (candidates) include the 30
    // reasoning tokens; total = prompt + candidates.
    // Gemini API: candidates leave the 30 thoughts out; total = all three.
    testing::write_file(f, assistant("a1", "", "2026-03-01T10:00:01.000Z", {1000, 100, 30, 0}) +
                               assistant("a2", "a1", "2026-03-01T10:00:02.000Z", {1000, 100, 30, 0, 1130}));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 2);
    check_tokens(event(r, id_of("a1")).tokens, 1000, 0, 100, 30);
    check_tokens(event(r, id_of("a2")).tokens, 1000, 0, 130, 30);
}

TEST_CASE("qwen: a malformed line is counted and skipped, the rest still counts") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    testing::write_file(f, assistant("a1", "", "2026-03-01T10:00:01.000Z", {400, 4, 0, 0}) +
                               "{\"type\":\"assistant\",\"model\":\"qwen3-coder-plus\",\"usageMetadata\":{\n" +
                               assistant("a2", "a1", "2026-03-01T10:00:02.000Z", {600, 6, 0, 0}));
    const auto r = scan(f);
    CHECK(r.malformed_lines == 1);
    REQUIRE(r.events.size() == 2);
    CHECK(event(r, id_of("a1")).tokens.total() == 404);
    CHECK(event(r, id_of("a2")).tokens.total() == 606);
}

TEST_CASE("qwen: a count that breaks the token rule skips that copy only") {
    testing::TempDir tmp;
    const fs::path f = tmp / "s.jsonl";
    auto bad_telemetry = nlohmann::json::parse(api_response("t1", "", "2026-03-01T10:00:01.000Z", "r-1", {}));
    bad_telemetry["systemPayload"]["uiEvent"]["input_token_count"] = -5;
    testing::write_file(f, bad_telemetry.dump() + "\n" +
                               assistant("a1", "t1", "2026-03-01T10:00:01.100Z", {700, 7, 0, 0}) +
                               assistant("a2", "a1", "2026-03-01T10:00:02.000Z", {2000000000, 7, 0, 0}));
    const auto r = scan(f);
    CHECK(r.invalid.count == 2);
    CHECK(r.invalid.first_field == "systemPayload.uiEvent.input_token_count");
    REQUIRE(r.events.size() == 1);  // the assistant copy of t1's call
    check_tokens(event(r, id_of("t1")).tokens, 700, 0, 7, 0);
}
