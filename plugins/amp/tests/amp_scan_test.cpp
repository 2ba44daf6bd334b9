// Unit tests of the Amp plugin through the plugin registry (no binary, no
// store): where it looks, what it lists and what one scan of one thread
// file yields. End-to-end runs of the binary are in amp_agent_test.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "amp_threads.hpp"
#include "test_support.hpp"
#include "usage/config/environment.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
using namespace amp_test;

namespace {

const usage::SourcePlugin& amp() {
    const usage::SourcePlugin* p = usage::find_source_plugin("amp");
    REQUIRE(p != nullptr);
    return *p;
}

std::vector<fs::path> roots_for(std::map<std::string, std::string> vars) {
    usage::Environment env(std::move(vars));
    usage::DiscoveryContext ctx{&env, {}};
    return amp().roots(ctx);
}

usage::ScanResult scan(const fs::path& p) {
    usage::SourceFile f;
    f.path = p;
    f.kind = "thread";
    f.session_hint = p.stem().string();
    f.mode = usage::ReadMode::snapshot;
    return amp().scan(f, {});
}

const usage::UsageEvent& event(const usage::ScanResult& r, const std::string& id) {
    for (const auto& e : r.events)
        if (e.id == id) return e;
    FAIL("no event " << id);
    static usage::UsageEvent none;
    return none;
}

void check_tokens(const usage::TokenCounts& t, std::int64_t input, std::int64_t output, std::int64_t cache_write,
                  std::int64_t cache_read) {
    CHECK(t.input == input);
    CHECK(t.output == output);
    CHECK(t.cache_write_5m == cache_write);
    CHECK(t.cache_write_1h == 0);
    CHECK(t.cache_read == cache_read);
    CHECK(t.reasoning == 0);
}

}  // namespace

TEST_CASE("amp: the plugin is registered as amp with its roots") {
    CHECK(amp().name() == "amp");
    CHECK(amp().windows_roots("/mnt/c/Users/ann") == std::vector<fs::path>{"/mnt/c/Users/ann/.local/share/amp"});
    CHECK(roots_for({{"HOME", "/home/u"}}) == std::vector<fs::path>{"/home/u/.local/share/amp"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"XDG_DATA_HOME", "/data"}}) ==
          std::vector<fs::path>{"/data/amp", "/home/u/.local/share/amp"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"AMP_DATA_DIR", "/a,/b"}}) == std::vector<fs::path>{"/a", "/b"});
}

TEST_CASE("amp: discovery lists threads/T-*.json as snapshots") {
    testing::TempDir tmp;
    const fs::path root = tmp / "amp";
    testing::write_file(root / "threads" / (kThread + ".json"), "{}");
    testing::write_file(root / "threads/T-2.json", "{}");
    testing::write_file(root / "threads/settings.json", "{}");
    testing::write_file(root / "threads/T-3.json.tmp", "{}");
    auto files = amp().discover({root, root / "threads"});  // overlapping roots: each file once
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    REQUIRE(files.size() == 2);
    CHECK(files[0].path == root / "threads/T-2.json");
    CHECK(files[1].path == root / "threads" / (kThread + ".json"));
    CHECK(files[1].mode == usage::ReadMode::snapshot);
    CHECK(files[1].session_hint == kThread);
}

TEST_CASE("amp: the real usage object of ccusage#1138 in a thread gives its exact figures") {
    auto shared = testing::shared_dir("the Amp real usage object");
    if (!shared) return;
    const fs::path sample = *shared / "fixtures/new-sources/amp/real_usage_object_from_ccusage_issue_1138.json";
    REQUIRE(fs::exists(sample));
    const json real = json::parse(testing::read_file(sample));
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    testing::write_file(f, thread(json::array({user_message(0), assistant_message(1, real)})).dump());
    const auto r = scan(f);
    CHECK(r.malformed_lines == 0);
    REQUIRE(r.events.size() == 1);
    const auto& e = event(r, "amp:" + kThread + ":1");
    // inputTokens is uncached: 10 + 986 + 11372 = totalInputTokens 12368.
    check_tokens(e.tokens, 10, 178, 986, 11372);
    CHECK(e.tokens.total() == 12546);
    CHECK(e.model == "claude-haiku-4-5-20251001");
    CHECK(e.provider == "anthropic");
    CHECK(e.timestamp_ms == 1768822930652);  // 2026-01-19T11:42:10.652Z
    CHECK(e.session_id == kThread);
    CHECK(e.project_path == "/home/ann/src/my shop");
    CHECK(e.project_name == "my shop");
    CHECK(!e.reported_cost_micros.has_value());  // credits are not dollars
}

TEST_CASE("amp: per-message usage gives one event per assistant message") {
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    json msgs = json::array(
        {user_message(0),
         assistant_message(1, usage_object("claude-sonnet-4-5", 20, 300, 5000, 0, "2026-02-01T09:00:00Z")),
         user_message(2),
         // No timestamp: dated by the thread's `created`.
         assistant_message(3, usage_object("claude-sonnet-4-5", 4, 120, 800, 5000, "")),
         assistant_message(4, usage_object("gpt-5", 0, 0, 0, 0, "2026-02-01T09:02:00Z"))});  // nothing billed
    testing::write_file(f, thread(msgs).dump());
    const auto r = scan(f);
    REQUIRE(r.events.size() == 2);
    check_tokens(event(r, "amp:" + kThread + ":1").tokens, 20, 300, 5000, 0);
    const auto& second = event(r, "amp:" + kThread + ":3");
    check_tokens(second.tokens, 4, 120, 800, 5000);
    CHECK(second.timestamp_ms == 1768822800000);
}

TEST_CASE("amp: a usage ledger replaces the per-message usage and takes cache figures from its message") {
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    json doc = thread(
        json::array({user_message(0), assistant_message(1, usage_object("claude-haiku-4-5", 100, 50, 500, 200, "")),
                     user_message(2), assistant_message(3, usage_object("claude-haiku-4-5", 7, 70, 0, 900, ""))}));
    doc["usageLedger"] = {
        {"events", json::array({ledger_event("event-1", "claude-haiku-4-5", 100, 50, 1, "2025-11-23T10:00:00.000Z"),
                                ledger_event("event-2", "claude-haiku-4-5", 8, 71, 3, "2025-11-23T10:01:00.000Z"),
                                // An operation without a message (e.g. a title): no cache figures.
                                ledger_event("event-3", "claude-haiku-4-5", 30, 5, 99, "2025-11-23T10:02:00.000Z")})}};
    testing::write_file(f, doc.dump());
    const auto r = scan(f);
    REQUIRE(r.events.size() == 3);  // never the messages' own usage as well
    check_tokens(event(r, "amp:" + kThread + ":event-1").tokens, 100, 50, 500, 200);
    // The ledger's own input/output win; the message adds only its cache figures.
    check_tokens(event(r, "amp:" + kThread + ":event-2").tokens, 8, 71, 0, 900);
    check_tokens(event(r, "amp:" + kThread + ":event-3").tokens, 30, 5, 0, 0);
    CHECK(event(r, "amp:" + kThread + ":event-1").timestamp_ms == 1763892000000);
}

TEST_CASE("amp: an empty ledger still wins over per-message usage") {
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    json doc = thread(json::array({assistant_message(1, usage_object("claude-haiku-4-5", 1, 2, 3, 4, ""))}));
    doc["usageLedger"] = {{"events", json::array()}};
    testing::write_file(f, doc.dump());
    CHECK(scan(f).events.empty());
}

TEST_CASE("amp: a malformed or cut-off thread file is counted, not fatal") {
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    const std::string whole =
        thread(json::array({assistant_message(1, usage_object("claude-haiku-4-5", 1, 2, 3, 4, ""))})).dump();
    testing::write_file(f, whole.substr(0, whole.size() / 2));
    auto r = scan(f);
    CHECK(r.malformed_lines == 1);
    CHECK(r.events.empty());
    testing::write_file(f, "not json");
    CHECK(scan(f).malformed_lines == 1);
    testing::write_file(f, "");  // being rewritten
    r = scan(f);
    CHECK(r.malformed_lines == 0);
    CHECK(r.events.empty());
}

TEST_CASE("amp: a count that breaks the token rule skips that call only") {
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    json bad = usage_object("claude-haiku-4-5", 1, 2, 3, 4, "");
    bad["outputTokens"] = -1;
    testing::write_file(f, thread(json::array({assistant_message(1, bad),
                                               assistant_message(2, usage_object("claude-haiku-4-5", 5, 6, 7, 8, ""))}))
                               .dump());
    const auto r = scan(f);
    CHECK(r.invalid.count == 1);
    CHECK(r.invalid.first_field == "messages[].usage.outputTokens");
    REQUIRE(r.events.size() == 1);
    check_tokens(event(r, "amp:" + kThread + ":2").tokens, 5, 6, 7, 8);
}

TEST_CASE("amp: file URIs become local paths") {
    testing::TempDir tmp;
    const fs::path f = tmp / (kThread + ".json");
    testing::write_file(f, thread(json::array({assistant_message(1, usage_object("claude-haiku-4-5", 1, 1, 0, 0, ""))}),
                                  "file:///c%3A/Users/ann/app")
                               .dump());
    CHECK(scan(f).events.at(0).project_path == "c:/Users/ann/app");
    testing::write_file(f, thread(json::array({assistant_message(1, usage_object("claude-haiku-4-5", 1, 1, 0, 0, ""))}),
                                  "https://example.com/x")
                               .dump());
    CHECK(scan(f).events.at(0).project_path.empty());
}

TEST_CASE("amp: a FIFO is never listed or waited on, and a huge file is refused unread") {
    testing::TempDir tmp;
    const fs::path threads = tmp / "amp/threads";
    fs::create_directories(threads);
    const fs::path fifo = threads / "T-fifo.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(amp().discover({tmp / "amp"}).empty());
    // Swapped in after discovery: open fails at once (no writer to wait for).
    CHECK_THROWS_WITH_AS(scan(fifo), doctest::Contains("not a regular file"), std::runtime_error);

    const fs::path huge = threads / "T-huge.json";
    testing::write_file(huge, "{");
    fs::resize_file(huge, std::uintmax_t{200} << 20);  // sparse: no disk used
    CHECK_THROWS_WITH_AS(scan(huge), doctest::Contains("too large for an Amp thread"), std::runtime_error);
}
