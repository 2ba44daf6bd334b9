// Unit tests of the Cursor plugin's local side through the plugin registry
// (no binary, no store): where it looks, what it lists, and what one scan of
// a real state.vscdb yields, first and incremental.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/cursor_db.hpp"
#include "usage/config/environment.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
using cursor_test::Bubble;
using cursor_test::Composer;
using cursor_test::StateDb;

namespace {

const usage::SourcePlugin& cursor() {
    const usage::SourcePlugin* p = usage::find_source_plugin("cursor");
    REQUIRE(p != nullptr);
    return *p;
}

usage::SourceFile only_db(const fs::path& root) {
    auto files = cursor().discover({root});
    REQUIRE(files.size() == 1);
    return files[0];
}

std::map<std::string, usage::UsageEvent> by_id(const usage::ScanResult& r) {
    std::map<std::string, usage::UsageEvent> out;
    for (const auto& e : r.events) out.emplace(e.id, e);
    REQUIRE(out.size() == r.events.size());
    return out;
}

// Composer c1 (model setting claude-4.5-sonnet, workspace /home/dev/my app):
//   u1  user, workspace URI                              -> skipped (user)
//   a1  gpt-5, 100 in / 20 out, ISO time                 -> event
//   a2  no modelInfo, 50 / 5, time as a number of ms     -> event, model from composer (guessed)
//   a3  claude-4-sonnet-thinking, 0 / 0                  -> skipped (zero)
//   a4  no tokenCount                                    -> skipped (missing)
//   a5  claude-4.5-opus-high-thinking, 7 / 3, TEXT value -> event
// Composer c2 (no model, no workspace): b1 auto, 1 / 1  -> event, no project
void write_sample(StateDb& db) {
    db.composer("c1", Composer{1768039200000, "claude-4.5-sonnet", {{"u1", 1}, {"a1", 2}, {"a2", 2}}});
    db.bubble("c1", "u1", Bubble().user().workspace("file:///home/dev/my%20app").at("2026-01-10T10:00:00.000Z"));
    db.bubble("c1", "a1", Bubble().with_model("gpt-5").counts(100, 20).at("2026-01-10T10:00:05.000Z"));
    db.bubble("c1", "a2", Bubble().counts(50, 5).at(1768039210000));
    db.bubble("c1", "a3", Bubble().with_model("claude-4-sonnet-thinking").counts(0, 0));
    db.bubble("c1", "a4", Bubble().with_model("gpt-5"));
    db.bubble("c1", "a5", Bubble().with_model("claude-4.5-opus-high-thinking").counts(7, 3).at("2026-01-10T10:00:30Z"),
              /*as_text=*/true);
    db.composer("c2", Composer{1768042800000, "", {{"b1", 2}}});
    db.bubble("c2", "b1", Bubble().with_model("auto").counts(1, 1).at("2026-01-10T11:00:00.000Z"));
}

std::string file_bytes(const fs::path& p) {
    return testing::read_file(p);
}

}  // namespace

TEST_CASE("cursor roots: XDG config, ~/.config, macOS, Windows side, extra paths") {
    usage::Environment env({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}});
    usage::DiscoveryContext ctx{&env, {"/extra/Cursor"}};
    auto roots = cursor().roots(ctx);
    CHECK(roots == std::vector<fs::path>{"/x/Cursor/User/globalStorage", "/h/.config/Cursor/User/globalStorage",
                                         "/h/Library/Application Support/Cursor/User/globalStorage", "/extra/Cursor"});
    CHECK(cursor().windows_roots("/mnt/c/Users/me") ==
          std::vector<fs::path>{"/mnt/c/Users/me/AppData/Roaming/Cursor/User/globalStorage"});
    CHECK(cursor().importers() == std::vector<std::string>{"cursor-csv"});
}

TEST_CASE("cursor discover: state.vscdb once per file, as a snapshot whose stat includes the -wal") {
    testing::TempDir tmp;
    const fs::path storage = tmp / "Cursor/User/globalStorage";
    StateDb db(storage / "state.vscdb");
    testing::write_file(storage / "state.vscdb.backup", "not scanned");
    testing::write_file(storage / "state.vscdb-wal", std::string(100, 'w'));
    // The same database reached through the globalStorage root and the Cursor root.
    auto files = cursor().discover({storage, tmp / "Cursor", tmp / "missing"});
    REQUIRE(files.size() == 1);
    CHECK(files[0].path == storage / "state.vscdb");
    CHECK(files[0].mode == usage::ReadMode::snapshot);
    CHECK(files[0].stat.size == fs::file_size(storage / "state.vscdb") + 100);
}

TEST_CASE("cursor scan: assistant bubbles with tokens, user, zero and missing counts skipped") {
    testing::TempDir tmp;
    StateDb db(tmp / "state.vscdb");
    write_sample(db);
    const std::string before = file_bytes(db.path());
    const auto file = only_db(tmp.path());
    auto r = cursor().scan(file, {});
    CHECK(r.malformed_lines == 0);
    CHECK(!r.state.empty());
    CHECK(r.bytes_read > 0);
    auto events = by_id(r);
    REQUIRE(events.size() == 4);

    const auto& a1 = events.at("cursor:a1");
    CHECK(a1.source == "cursor");
    CHECK(a1.session_id == "c1");
    CHECK(a1.model == "gpt-5");
    CHECK(a1.pricing_model == "gpt-5");
    CHECK(a1.provider == "openai");
    CHECK(!a1.model_guessed);
    CHECK(a1.surface == "ide");
    CHECK(a1.project_path == "/home/dev/my app");
    CHECK(a1.project_name == "my app");
    CHECK(a1.timestamp_ms == 1768039205000);
    CHECK(a1.tokens == usage::TokenCounts{100, 20, 0, 0, 0, 0});
    CHECK(a1.replay);
    CHECK(a1.dedup_group == "cursor:a1");
    CHECK(!a1.reported_cost_micros);

    const auto& a2 = events.at("cursor:a2");  // model from the composer's setting
    CHECK(a2.model == "claude-4.5-sonnet");
    CHECK(a2.pricing_model == "claude-sonnet-4-5");
    CHECK(a2.provider == "anthropic");
    CHECK(a2.model_guessed);
    CHECK(a2.timestamp_ms == 1768039210000);
    CHECK(a2.tokens == usage::TokenCounts{50, 5, 0, 0, 0, 0});

    const auto& a5 = events.at("cursor:a5");  // TEXT value, ISO time without milliseconds
    CHECK(a5.model == "claude-4.5-opus-high-thinking");
    CHECK(a5.pricing_model == "claude-opus-4-5");
    CHECK(a5.timestamp_ms == 1768039230000);
    CHECK(a5.tokens == usage::TokenCounts{7, 3, 0, 0, 0, 0});

    const auto& b1 = events.at("cursor:b1");
    CHECK(b1.model == "auto");
    CHECK(b1.pricing_model.empty());
    CHECK(b1.provider == "cursor");
    CHECK(b1.project_path.empty());
    CHECK(b1.project_name.empty());
    CHECK(b1.session_id == "c2");

    // Read-only: the database is byte-for-byte what it was.
    CHECK(file_bytes(db.path()) == before);
    CHECK(!fs::exists(tmp / "state.vscdb-journal"));
}

TEST_CASE("cursor scan: incremental from the saved state, grown counts re-emitted") {
    testing::TempDir tmp;
    StateDb db(tmp / "state.vscdb");
    write_sample(db);
    // Rows that are not usage push the sample below the rows an incremental
    // scan reads again (the 1,000 below the saved anchor).
    db.fill("checkpointId:c1:", 1100);
    const auto file = only_db(tmp.path());
    auto first = cursor().scan(file, {});
    REQUIRE(first.events.size() == 4);

    SUBCASE("nothing written since: no bubble is read") {
        auto again = cursor().scan(file, {0, first.state});
        CHECK(again.events.empty());
        CHECK(again.state == first.state);
        CHECK(again.bytes_read == 0);
    }
    SUBCASE("a bubble rewritten with larger counts and a new bubble") {
        db.bubble("c1", "a1", Bubble().with_model("gpt-5").counts(150, 40).at("2026-01-10T10:00:05.000Z"));
        db.bubble("c2", "b2", Bubble().with_model("o3").counts(9, 1).at("2026-01-10T11:05:00.000Z"));
        db.bubble("c2", "u9", Bubble().user().counts(5, 5));  // user bubble: never an event
        auto next = cursor().scan(file, {0, first.state});
        CHECK(next.malformed_lines == 0);
        auto events = by_id(next);
        REQUIRE(events.size() == 2);
        CHECK(events.at("cursor:a1").tokens == usage::TokenCounts{150, 40, 0, 0, 0, 0});
        CHECK(events.at("cursor:a1").project_path == "/home/dev/my app");
        CHECK(events.at("cursor:b2").tokens == usage::TokenCounts{9, 1, 0, 0, 0, 0});
        CHECK(events.at("cursor:b2").pricing_model == "o3");
        CHECK(next.state != first.state);
        // The zero bubble getting its counts later is picked up too (a1 and
        // b2, just below the new anchor, are read again).
        db.bubble("c1", "a3", Bubble().with_model("claude-4-sonnet-thinking").counts(11, 2));
        auto third = by_id(cursor().scan(file, {0, next.state}));
        CHECK(third.size() == 3);
        CHECK(third.at("cursor:a3").pricing_model == "claude-sonnet-4");
        CHECK(third.at("cursor:a3").tokens == usage::TokenCounts{11, 2, 0, 0, 0, 0});
        CHECK(third.at("cursor:a3").timestamp_ms == 1768039200000);  // Bubble() default time
    }
    SUBCASE("an in-place UPDATE is seen for recent rows, not for old ones") {
        db.bubble("c2", "b2", Bubble().with_model("o3").counts(0, 0));
        auto second = cursor().scan(file, {0, first.state});
        CHECK(second.events.empty());
        db.update("bubbleId:c2:b2", Bubble().with_model("o3").counts(8, 2).json("b2"));  // just written: re-read
        db.update("bubbleId:c1:a2", Bubble().counts(99, 9).json("a2"));                  // 1,100 rows back: not re-read
        db.fill("diff:", 1);  // the engine only rescans a changed file; the UPDATEs changed it already
        auto third = by_id(cursor().scan(file, {0, second.state}));
        REQUIRE(third.size() == 1);
        CHECK(third.at("cursor:b2").tokens == usage::TokenCounts{8, 2, 0, 0, 0, 0});
        CHECK(by_id(cursor().scan(file, {})).at("cursor:a2").tokens == usage::TokenCounts{99, 9, 0, 0, 0, 0});
    }
    SUBCASE("the anchor row deleted: rowids may be reused, so everything is read again") {
        db.erase("checkpointId:c1:1099");  // the newest row
        db.bubble("c2", "b3", Bubble().with_model("gpt-5").counts(2, 2));
        auto events = by_id(cursor().scan(file, {0, first.state}));
        CHECK(events.size() == 5);  // a1 a2 a5 b1 b3
        CHECK(events.contains("cursor:b3"));
    }
    SUBCASE("an unreadable state means a full scan") {
        auto next = cursor().scan(file, {0, "{not json"});
        CHECK(next.events.size() == 4);
    }
}

TEST_CASE("cursor scan: malformed values are counted, the rest is read") {
    testing::TempDir tmp;
    StateDb db(tmp / "state.vscdb");
    db.composer("c1", Composer{std::nullopt, "", {}});
    db.put("bubbleId:c1:bad", "{\"type\": 2, \"tokenCount\": {\"inputTokens\": 5,");  // truncated JSON
    db.put("bubbleId:c1:notjson", "\x01\x02 binary");
    db.put("bubbleId:c1", Bubble().counts(1, 1).json("x"));                          // key without a bubble id
    db.bubble("c1", "notime", Bubble().with_model("gpt-5").counts(3, 3).no_time());  // no time, composer has none
    db.bubble("c1", "ok", Bubble().with_model("gpt-5").counts(4, 4));
    db.put("ItemTable-like:other", "{}");
    auto r = cursor().scan(only_db(tmp.path()), {});
    CHECK(r.malformed_lines == 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "cursor:ok");
}

TEST_CASE("cursor scan: bubble time falls back to the composer's createdAt") {
    testing::TempDir tmp;
    StateDb db(tmp / "state.vscdb");
    db.composer("c1", Composer{1768039200000, "gpt-5-codex", {}});
    db.bubble("c1", "a", Bubble().counts(3, 3).no_time());
    auto r = cursor().scan(only_db(tmp.path()), {});
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].timestamp_ms == 1768039200000);
    CHECK(r.events[0].model == "gpt-5-codex");
    CHECK(r.events[0].model_guessed);
}

TEST_CASE("cursor scan: a database without Cursor's table, or an empty one, yields nothing") {
    testing::TempDir tmp;
    {
        SQLite::Database db((tmp / "state.vscdb").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
    }
    auto r = cursor().scan(only_db(tmp.path()), {});
    CHECK(r.events.empty());
    CHECK(r.malformed_lines == 0);
    StateDb db(tmp / "state.vscdb");  // adds the empty cursorDiskKV table
    CHECK(cursor().scan(only_db(tmp.path()), {}).events.empty());
}

TEST_CASE("cursor scan: a database Cursor holds open in WAL mode is read, the -wal is part of the stat") {
    testing::TempDir tmp;
    StateDb db(tmp / "state.vscdb", /*wal=*/true);
    db.keep_open();
    db.composer("c1", Composer{1768039200000, "gpt-5", {}});
    db.bubble("c1", "a", Bubble().counts(10, 1));
    const auto first_file = only_db(tmp.path());
    REQUIRE(fs::exists(tmp / "state.vscdb-wal"));
    auto r = cursor().scan(first_file, {});
    REQUIRE(r.events.size() == 1);
    db.bubble("c1", "b", Bubble().counts(20, 2));
    const auto second_file = only_db(tmp.path());
    CHECK(second_file.stat.size != first_file.stat.size);  // the engine will scan again
    auto next = cursor().scan(second_file, {0, r.state});
    auto events = by_id(next);
    CHECK(events.size() == 2);  // b, and the anchor row a again
    CHECK(events.contains("cursor:b"));
}

TEST_CASE("cursor scan: an unreadable file is an error naming it") {
    testing::TempDir tmp;
    testing::write_file(tmp / "state.vscdb", std::string(4096, 'x'));
    const auto file = only_db(tmp.path());
    try {
        (void)cursor().scan(file, {});
        FAIL("expected an error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find((tmp / "state.vscdb").string()) != std::string::npos);
    }
}
