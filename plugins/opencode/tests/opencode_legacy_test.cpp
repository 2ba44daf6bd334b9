// The legacy storage/ tree, discovery and roots, and a message present both
// in the database and in the legacy tree: counted once, the database row
// winning, whichever copy the store sees first.
#include <doctest/doctest.h>

#include <algorithm>

#include "../opencode_db_reader.hpp"
#include "../opencode_discovery.hpp"
#include "transcripts/opencode_fixture.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/config/environment.hpp"
#include "usage/store/store.hpp"

namespace fs = std::filesystem;
using namespace usage::plugins::opencode;
using opencode_test::Assistant;

namespace {

constexpr std::int64_t kNow = 1767225600000LL + 86400000LL;

const usage::SourcePlugin& plugin() {
    const usage::SourcePlugin* p = usage::find_source_plugin("opencode");
    REQUIRE(p != nullptr);
    return *p;
}

Assistant assistant(const std::string& id, const std::string& session, opencode_test::Tokens t, double cost = 0) {
    Assistant a;
    a.id = id;
    a.session = session;
    a.tokens = t;
    a.cost = cost;
    return a;
}

struct Scanned {
    std::vector<usage::UsageEvent> events;
    std::uint64_t malformed = 0;
    std::uint64_t files = 0;
};

// What the engine would do on a first run: discover, then scan every file.
Scanned scan_all(const fs::path& root) {
    Scanned out;
    for (const auto& f : plugin().discover({root})) {
        auto r = plugin().scan(f, {});
        ++out.files;
        out.malformed += r.malformed_lines;
        for (auto& e : r.events) out.events.push_back(std::move(e));
    }
    std::sort(out.events.begin(), out.events.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

}  // namespace

TEST_CASE("opencode legacy: one file per message, sessions and projects from storage/") {
    testing::TempDir dir;
    const fs::path storage = dir / "storage";
    opencode_test::legacy_project(storage, "prj_1", "/w/legacy");
    opencode_test::legacy_session(storage, "prj_1", "ses_a", "", "/w/legacy/app");
    opencode_test::legacy_session(storage, "prj_1", "ses_b", "ses_a", "");
    opencode_test::legacy_message(storage, assistant("msg_1", "ses_a", {100, 10, 5, 1000, 50}));
    opencode_test::legacy_message(storage, assistant("msg_2", "ses_b", {20, 2, 0, 0, 0}, 0.5));
    testing::write_file(storage / "message" / "ses_a" / "msg_3.json",
                        R"({"id":"msg_3","sessionID":"ses_a","role":"user","time":{"created":1}})");
    testing::write_file(storage / "message" / "ses_a" / "msg_4.json", R"({"id":"msg_4","role":"assis)");
    // Parts carry step-finish tokens too: never counted (the message has them).
    testing::write_file(storage / "part" / "msg_1" / "prt_1.json",
                        R"({"id":"prt_1","type":"step-finish","tokens":{"input":100,"output":10}})");

    const Scanned s = scan_all(dir.path());
    CHECK(s.files == 4);
    CHECK(s.malformed == 1);
    REQUIRE(s.events.size() == 2);
    const auto& e1 = s.events[0];
    CHECK(e1.id == "opencode:msg_1:json");
    CHECK(e1.dedup_group == "opencode:msg_1:");
    CHECK(e1.replay);
    CHECK(e1.session_id == "ses_a");
    CHECK(e1.parent_session_id == "");
    CHECK(e1.project_name == "app");
    CHECK(e1.tokens.input == 100);
    CHECK(e1.tokens.output == 15);
    CHECK(e1.tokens.reasoning == 5);
    CHECK(e1.tokens.cache_read == 1000);
    CHECK(e1.tokens.cache_write_5m == 50);
    CHECK_FALSE(e1.reported_cost_micros.has_value());
    const auto& e2 = s.events[1];
    CHECK(e2.session_id == "ses_a");         // the subagent session folds into its parent
    CHECK(e2.parent_session_id == "ses_a");  // its direct parent
    CHECK(e2.project_name == "legacy");      // no session directory: the project's worktree
    CHECK(e2.reported_cost_micros == 500000);
}

TEST_CASE("opencode legacy: a session file elsewhere, or missing, does not lose the message") {
    testing::TempDir dir;
    const fs::path storage = dir / "storage";
    // The session lives under another project folder than the one listed.
    opencode_test::legacy_session(storage, "prj_2", "ses_x", "", "/w/x");
    opencode_test::legacy_message(storage, assistant("msg_x", "ses_x", {1, 1, 0, 0, 0}));
    opencode_test::legacy_message(storage, assistant("msg_y", "ses_gone", {2, 2, 0, 0, 0}));
    usage::SourceFile f;
    f.path = storage / "message" / "ses_x" / "msg_x.json";
    f.kind = kKindLegacyMessage;
    f.session_hint = "ses_x";
    f.project_hint = "prj_wrong";
    auto r = plugin().scan(f, {});
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].project_name == "x");
    const Scanned s = scan_all(dir.path());
    REQUIRE(s.events.size() == 2);
    CHECK(s.events[1].session_id == "ses_gone");
    CHECK(s.events[1].project_name == "app");  // from the message's path.root
}

TEST_CASE("opencode discovery: roots and files") {
    testing::TempDir dir;
    usage::Environment env({{"HOME", (dir / "home").string()}});
    usage::DiscoveryContext ctx{&env, {}};
    CHECK(plugin().roots(ctx) == std::vector<fs::path>{dir / "home/.local/share/opencode"});
    env.set("XDG_DATA_HOME", (dir / "xdg").string());
    CHECK(plugin().roots(ctx) == std::vector<fs::path>{dir / "xdg/opencode"});
    env.set("OPENCODE_DATA_DIR", (dir / "oc").string());
    fs::create_directories(dir / "extra/storage/message");
    ctx.extra_paths = {dir / "extra/storage"};
    CHECK(plugin().roots(ctx) == std::vector<fs::path>{dir / "oc", dir / "extra"});
    CHECK(plugin().windows_roots("/mnt/c/Users/u") == std::vector<fs::path>{"/mnt/c/Users/u/.local/share/opencode"});

    const fs::path root = dir / "oc";
    { opencode_test::Db main(root / "opencode.db"), beta(root / "opencode-beta.db"); }
    for (const char* other : {"opencode.db-wal", "opencode.db-shm", "notes.db", "opencode.json", "opencode.db.bak"})
        testing::write_file(root / other, "x");
    opencode_test::legacy_session(root / "storage", "prj_1", "ses_a", "", "/w/a");
    opencode_test::legacy_message(root / "storage", assistant("msg_1", "ses_a", {1, 1, 0, 0, 0}));
    opencode_test::legacy_message(root / "storage", assistant("msg_2", "ses_nosession", {1, 1, 0, 0, 0}));

    // The same root twice (e.g. a configured path equal to the default): each file once.
    auto files = plugin().discover({root, root});
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    REQUIRE(files.size() == 4);
    CHECK(files[0].path == root / "opencode-beta.db");
    CHECK(files[1].path == root / "opencode.db");
    for (int i : {0, 1}) {
        CHECK(files[i].kind == std::string(kKindDatabase));
        CHECK(files[i].mode == usage::ReadMode::snapshot);
        CHECK(files[i].stat.inode != 0);
    }
    CHECK(files[2].path == root / "storage/message/ses_a/msg_1.json");
    CHECK(files[2].kind == std::string(kKindLegacyMessage));
    CHECK(files[2].mode == usage::ReadMode::snapshot);
    CHECK(files[2].session_hint == "ses_a");
    CHECK(files[2].project_hint == "prj_1");
    CHECK(files[3].session_hint == "ses_nosession");
    CHECK(files[3].project_hint == "");
}

TEST_CASE("opencode: a message in the database and in the legacy tree counts once, the database row wins") {
    testing::TempDir dir;
    const fs::path root = dir / "data";
    opencode_test::Db db(root / "opencode.db");
    db.project("prj_1", "/w/app");
    db.session("ses_a", "prj_1", "", "/w/app");
    // The migrated row and its legacy copy differ (the legacy file was
    // written mid-stream); the database row is the one to keep.
    db.assistant(assistant("msg_twin", "ses_a", {100, 20, 0, 0, 0}, 0.002), 1767225600000);
    db.assistant(assistant("msg_dbonly", "ses_a", {1, 1, 0, 0, 0}), 1767225600001);
    // A call that failed, in both stores: one failed request.
    auto failed = assistant("msg_failed", "ses_a", {0, 0, 0, 0, 0});
    failed.error = R"({"name":"APIError","data":{"message":"Too Many Requests","statusCode":429,"isRetryable":true}})";
    db.assistant(failed, 1767225600002);
    opencode_test::legacy_message(root / "storage", failed);
    opencode_test::legacy_session(root / "storage", "prj_1", "ses_a", "", "/w/app");
    opencode_test::legacy_message(root / "storage", assistant("msg_twin", "ses_a", {300, 5, 0, 9, 0}, 0.009));
    opencode_test::legacy_message(root / "storage", assistant("msg_legacyonly", "ses_a", {7, 7, 0, 0, 0}));

    usage::FileBatch db_batch{"opencode", root / "opencode.db", {}, std::nullopt};
    usage::FileBatch legacy_batch{"opencode", root / "storage", {}, std::nullopt};
    for (const auto& f : plugin().discover({root})) {
        auto r = plugin().scan(f, {});
        auto& into = f.kind == kKindDatabase ? db_batch.events : legacy_batch.events;
        into.insert(into.end(), r.events.begin(), r.events.end());
    }
    REQUIRE(db_batch.events.size() == 3);
    REQUIRE(legacy_batch.events.size() == 3);

    struct Order {
        const char* name;
        std::vector<std::vector<const usage::FileBatch*>> applies;  // one transaction each
    };
    const Order orders[] = {
        {"database first", {{&db_batch}, {&legacy_batch}}},
        {"legacy first", {{&legacy_batch}, {&db_batch}}},
        {"one transaction, database first", {{&db_batch, &legacy_batch}}},
        {"one transaction, legacy first", {{&legacy_batch, &db_batch}}},
    };
    for (const auto& order : orders) {
        CAPTURE(order.name);
        testing::TempDir state;
        usage::PriceBook prices;
        usage::Store store(state.path());
        store.use_prices(prices);
        for (const auto& apply : order.applies) {
            std::vector<usage::FileBatch> batches;
            for (const auto* b : apply) batches.push_back(*b);
            store.apply(batches);
        }
        const auto t = usage::run_query(store, {}).totals;
        CHECK(t.events == 3);
        CHECK(t.input_tokens == 100 + 1 + 7);
        CHECK(t.output_tokens == 20 + 1 + 7);
        CHECK(t.cache_read_tokens == 0);
        CHECK(t.reported_cost_micros == 2000);
        CHECK(t.failed_requests == 1);
    }
}

TEST_CASE("opencode: the shared shape sample scans to the totals computed by hand") {
    auto shared = testing::shared_dir("the OpenCode shape sample");
    if (!shared) return;
    // storage/message/test-session-1/msg-assistant-1.json: input 1000,
    // output 500 (no reasoning), cache read 200, cache write 100; the
    // step-finish part repeats them and must not be added.
    const Scanned s = scan_all(*shared / "fixtures/opencode");
    CHECK(s.files == 1);
    CHECK(s.malformed == 0);
    REQUIRE(s.events.size() == 1);
    const auto& e = s.events[0];
    CHECK(e.id == "opencode:msg-assistant-1:json");
    CHECK(e.tokens.input == 1000);
    CHECK(e.tokens.output == 500);
    CHECK(e.tokens.cache_read == 200);
    CHECK(e.tokens.cache_write_5m == 100);
    CHECK(e.tokens.total() == 1800);
    CHECK(e.model == "claude-sonnet-4-6");
    CHECK(e.provider == "anthropic");
    CHECK(e.session_id == "test-session-1");
    CHECK(e.project_name == "project");  // session directory /test/project
    CHECK(e.timestamp_ms == 1737979500000);
}
