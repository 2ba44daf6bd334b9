// The Goose database reader on real SQLite files with Goose's schema (built
// from Goose's source, see goose_fixture.hpp): one event per observed growth
// of a session, several sessions, old schemas, bad rows, deleted sessions.
#include <doctest/doctest.h>

#include "../goose_db_reader.hpp"
#include "../goose_discovery.hpp"
#include "goose_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using goose_test::row;
using usage::ScanResult;
using usage::plugins::goose::scan_sessions_db;

namespace {

constexpr std::int64_t kCreated = 1767258000000;  // 2026-01-01 09:00:00 UTC
constexpr std::int64_t kUpdated = 1767261600000;  // 2026-01-01 10:00:00 UTC

const usage::UsageEvent& only(const ScanResult& r) {
    REQUIRE(r.events.size() == 1);
    return r.events.front();
}

}  // namespace

TEST_CASE("goose db: three observations of a session make three events with the differences") {
    testing::TempDir dir;
    const fs::path path = dir / "sessions" / "sessions.db";
    goose_test::Db db(path);
    db.put(row("20260101_1", 1000, 200, 1200, 0.05));

    ScanResult r1 = scan_sessions_db(path, "", 0);
    const auto& e1 = only(r1);
    CHECK(e1.id == "goose:20260101_1:1767258000000:1");
    CHECK(e1.source == "goose");
    CHECK(e1.session_id == "20260101_1");
    CHECK(e1.timestamp_ms == kUpdated);
    CHECK(e1.model == "claude-sonnet-4-5");
    CHECK(e1.provider == "anthropic");
    CHECK(e1.project_path == "/w/app");
    CHECK(e1.project_name == "app");
    CHECK(e1.tokens.input == 1000);
    CHECK(e1.tokens.output == 200);
    CHECK(e1.tokens.total() == 1200);
    CHECK(e1.reported_cost_micros == 50'000);
    CHECK(e1.aggregate);  // a delta of running totals: a sum of calls

    auto r = row("20260101_1", 1500, 260, 1760, 0.08);
    r.updated_at = "2026-01-01T10:05:00.250+00:00";  // as sqlx writes a chrono time
    db.put(r);
    ScanResult r2 = scan_sessions_db(path, r1.state, 0);
    const auto& e2 = only(r2);
    CHECK(e2.id == "goose:20260101_1:1767258000000:2");
    CHECK(e2.timestamp_ms == kUpdated + 300'250);
    CHECK(e2.tokens.input == 500);
    CHECK(e2.tokens.output == 60);
    CHECK(e2.reported_cost_micros == 30'000);

    r = row("20260101_1", 1500, 300, 1850, 0.08);  // 50 in the total beyond input + output
    db.put(r);
    ScanResult r3 = scan_sessions_db(path, r2.state, 0);
    const auto& e3 = only(r3);
    CHECK(e3.id == "goose:20260101_1:1767258000000:3");
    CHECK(e3.tokens.input == 0);
    CHECK(e3.tokens.output == 90);
    CHECK(e3.tokens.reasoning == 50);
    CHECK_FALSE(e3.reported_cost_micros);  // the cost did not grow

    // Read again with the same state (a crash before the store committed):
    // the same events, same ids; with the new state: nothing.
    ScanResult again = scan_sessions_db(path, r2.state, 0);
    CHECK(only(again).id == e3.id);
    CHECK(only(again).tokens.output == 90);
    ScanResult none = scan_sessions_db(path, r3.state, 0);
    CHECK(none.events.empty());
    CHECK(none.state == r3.state);
}

TEST_CASE("goose db: several sessions, an unused one, a counter that goes down") {
    testing::TempDir dir;
    const fs::path path = dir / "sessions.db";
    goose_test::Db db(path);
    db.put(row("a", 100, 10, 110, 0.01));
    auto b = row("b", 7, 3, 10);
    b.working_dir = "/home/u/other";
    b.provider = "openai";
    b.model_config = R"({"model_name":"gpt-5","context_limit":400000})";
    db.put(b);
    db.put(row("unused", 0, 0, 0));
    auto no_totals = row("null-totals", 0, 0, 0);
    no_totals.input = no_totals.output = no_totals.total = std::nullopt;
    db.put(no_totals);

    ScanResult first = scan_sessions_db(path, "", 0);
    REQUIRE(first.events.size() == 2);
    const auto& eb = first.events[1];
    CHECK(eb.id == "goose:b:1767258000000:1");
    CHECK(eb.model == "gpt-5");
    CHECK(eb.provider == "openai");
    CHECK(eb.project_name == "other");
    CHECK(eb.tokens.input == 7);
    CHECK(eb.tokens.output == 3);
    CHECK_FALSE(eb.reported_cost_micros);  // no cost recorded

    // Session a's input goes down (a rewrite), its output grows.
    db.put(row("a", 40, 25, 65, 0.01));
    ScanResult down = scan_sessions_db(path, first.state, 0);
    const auto& ea = only(down);
    CHECK(ea.id == "goose:a:1767258000000:2");
    CHECK(ea.tokens.input == 0);
    CHECK(ea.tokens.output == 15);
    CHECK(ea.tokens.reasoning == 0);
    // Growth after that counts from the lower value.
    db.put(row("a", 90, 25, 115, 0.02));
    ScanResult up = scan_sessions_db(path, down.state, 0);
    CHECK(only(up).tokens.input == 50);
    CHECK(only(up).tokens.output == 0);
    CHECK(only(up).reported_cost_micros == 10'000);
}

TEST_CASE("goose db: schema v5 without cost, provider and model columns") {
    testing::TempDir dir;
    const fs::path path = dir / "sessions.db";
    goose_test::Db db(path, false);
    db.put(row("20250601_3", 300, 30, 330));
    const ScanResult r = scan_sessions_db(path, "", 0);
    const auto& e = only(r);
    CHECK(e.tokens.input == 300);
    CHECK(e.tokens.output == 30);
    CHECK(e.model.empty());
    CHECK(e.provider.empty());
    CHECK_FALSE(e.reported_cost_micros);
    CHECK(r.malformed_lines == 0);
}

TEST_CASE("goose db: bad numbers skip the session, bad model JSON still counts") {
    testing::TempDir dir;
    const fs::path path = dir / "sessions.db";
    goose_test::Db db(path);
    db.put(row("good", 10, 5, 15));
    db.put(row("negative", -5, 5, 0));
    db.put(row("text", 1, 1, 2));
    db.conn().exec("UPDATE sessions SET accumulated_output_tokens = 'lots' WHERE id = 'text'");
    db.put(row("costly", 1, 1, 2, -1.0));
    auto broken = row("broken-model", 4, 4, 8);
    broken.model_config = R"({"model_name":)";
    db.put(broken);

    const ScanResult r = scan_sessions_db(path, "", 0);
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].session_id == "broken-model");
    CHECK(r.events[0].model.empty());
    CHECK(r.events[0].tokens.total() == 8);
    CHECK(r.events[1].session_id == "good");
    CHECK(r.malformed_lines == 1);
    CHECK(r.invalid.count == 3);
    CHECK(r.invalid.first_place.row == "session costly");
    CHECK(r.invalid.first_field == "accumulated_cost");

    // Fixed later: counted from zero then (nothing of it was counted).
    db.conn().exec("UPDATE sessions SET accumulated_input_tokens = 6 WHERE id = 'negative'");
    const ScanResult fixed = scan_sessions_db(path, r.state, 0);
    CHECK(fixed.invalid.count == 2);  // costly and text are still bad
    const auto& e = only(fixed);
    CHECK(e.session_id == "negative");
    CHECK(e.tokens.input == 6);
    CHECK(e.tokens.output == 5);
}

TEST_CASE("goose db: a deleted session is forgotten, an id reused for a new session counts from zero") {
    testing::TempDir dir;
    const fs::path path = dir / "sessions.db";
    goose_test::Db db(path);
    db.put(row("20260101_1", 500, 50, 550));
    const ScanResult first = scan_sessions_db(path, "", 0);
    db.conn().exec("DELETE FROM sessions");
    const ScanResult gone = scan_sessions_db(path, first.state, 0);
    CHECK(gone.events.empty());
    CHECK(gone.state == "goose-v1\n");

    auto reused = row("20260101_1", 20, 2, 22);
    reused.created_at = "2026-01-01 11:00:00";
    db.put(reused);
    // Even read with the old state (the deletion was never observed).
    const ScanResult r = scan_sessions_db(path, first.state, 0);
    const auto& e = only(r);
    CHECK(e.id == "goose:20260101_1:1767265200000:1");
    CHECK(e.tokens.input == 20);
    CHECK(e.tokens.output == 2);
}

TEST_CASE("goose db: no readable time dates the change at the file's time") {
    testing::TempDir dir;
    const fs::path path = dir / "sessions.db";
    goose_test::Db db(path);
    auto r = row("x", 1, 1, 2);
    r.created_at = "yesterday";
    r.updated_at = "";
    db.put(r);
    const ScanResult res = scan_sessions_db(path, "", 1767000000000);
    CHECK(only(res).timestamp_ms == 1767000000000);
    CHECK(only(res).id == "goose:x:0:1");

    // A number is Unix seconds (milliseconds when that large).
    db.conn().exec("UPDATE sessions SET updated_at = 1767261600, accumulated_input_tokens = 2 WHERE id = 'x'");
    const ScanResult secs = scan_sessions_db(path, res.state, 0);
    CHECK(only(secs).timestamp_ms == kUpdated);
    db.conn().exec("UPDATE sessions SET updated_at = 1767261600123, accumulated_input_tokens = 3 WHERE id = 'x'");
    CHECK(only(scan_sessions_db(path, secs.state, 0)).timestamp_ms == kUpdated + 123);
}

TEST_CASE("goose discovery: sessions/sessions.db with its -wal, GOOSE_PATH_ROOT, XDG and Windows roots") {
    testing::TempDir dir;
    usage::Environment env({{"HOME", (dir / "home").string()}});
    usage::DiscoveryContext ctx{&env, {}};
    auto roots = usage::plugins::goose::goose_roots(ctx);
    REQUIRE(roots.size() == 3);
    CHECK(roots[0] == dir / "home/.local/share/goose");
    CHECK(roots[1] == dir / "home/Library/Application Support/Block/goose");
    env.set("XDG_DATA_HOME", (dir / "xdg").string());
    CHECK(usage::plugins::goose::goose_roots(ctx)[0] == dir / "xdg/goose");
    env.set("GOOSE_PATH_ROOT", "relative/root");  // ignored by Goose too
    CHECK(usage::plugins::goose::goose_roots(ctx)[0] == dir / "xdg/goose");
    env.set("GOOSE_PATH_ROOT", (dir / "gr").string());
    roots = usage::plugins::goose::goose_roots(ctx);
    REQUIRE(roots.size() == 1);
    CHECK(roots[0] == dir / "gr/data");
    const usage::SourcePlugin* plugin = usage::find_source_plugin("goose");
    REQUIRE(plugin);
    CHECK(plugin->windows_roots("/mnt/c/Users/u") ==
          std::vector<fs::path>{"/mnt/c/Users/u/AppData/Roaming/Block/goose/data"});

    goose_test::Db db(dir / "gr/data/sessions/sessions.db");
    db.conn().exec("PRAGMA wal_autocheckpoint = 0");
    auto files = usage::plugins::goose::discover_goose_files({dir / "gr/data", dir / "gr/data/sessions"});
    REQUIRE(files.size() == 1);  // the same database through two roots
    CHECK(files[0].mode == usage::ReadMode::cumulative);
    const auto size_before = files[0].stat.size;
    db.put(row("s", 1, 1, 2));  // lands in the -wal
    files = usage::plugins::goose::discover_goose_files({dir / "gr/data"});
    REQUIRE(files.size() == 1);
    CHECK(files[0].stat.size > size_before);
}
