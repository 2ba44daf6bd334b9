// session-store.db: one event per assistant_usage_events row, read from the
// -wal while Copilot's connection is open, incrementally by row id.
#include <doctest/doctest.h>

#include "../copilot_db_reader.hpp"
#include "../copilot_discovery.hpp"
#include "../copilot_event.hpp"
#include "copilot_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using copilot_test::SessionStore;
using usage::plugins::copilot::scan_session_store;

TEST_CASE("copilot db: rows split their input, join their session, and are read incrementally") {
    testing::TempDir dir;
    const fs::path path = dir / ".copilot" / "session-store.db";
    SessionStore db(path);
    db.session("s-1", "/home/u/widgets", "acme/widgets", "main");
    db.row("s-1", "claude-sonnet-4.5", {22799, 77, 13013, 9776, 13}, 6'958'150'000, "2026-08-01T10:00:05.250Z");
    db.row("s-1", "gpt-5-mini", {1200, 300, 0, 0, 120}, 0, "2026-08-01T10:01:00.000Z");
    db.row("s-2", "claude-opus-4.6", {500, 40, 450, 0, 0}, 90'000'000, "2026-08-01T10:02:00.000Z", "compaction");

    auto r = scan_session_store(path, "");
    CHECK(r.invalid.count == 0);
    REQUIRE(r.events.size() == 3);
    const auto& a = r.events[0];
    CHECK(a.id == "copilot-cli:s-1:db:1");
    CHECK(a.dedup_group == "copilot-cli:s-1:");
    CHECK_FALSE(a.replay);
    CHECK_FALSE(a.aggregate);  // one row is one call: its tier applies
    CHECK(a.tokens.input == 10);
    CHECK(a.tokens.cache_read == 13013);
    CHECK(a.tokens.cache_write_5m == 9776);
    CHECK(a.tokens.output == 77);
    CHECK(a.tokens.reasoning == 13);
    CHECK(*a.reported_cost_micros == 69582);
    CHECK(a.timestamp_ms == 1785578405250);
    CHECK(a.project_path == "/home/u/widgets");
    CHECK(a.git_branch == "main");
    CHECK(a.repository == "https://github.com/acme/widgets");
    CHECK(a.pricing_model == "claude-sonnet-4-5");
    CHECK(r.events[1].tokens.input == 1200);
    CHECK(*r.events[1].reported_cost_micros == 0);
    // A session the sessions table does not list still counts, without a place.
    CHECK(r.events[2].session_id == "s-2");
    CHECK(r.events[2].project_path.empty());
    CHECK(r.events[2].tokens.input == 50);
    CHECK(*r.events[2].reported_cost_micros == 900);
    CHECK(r.state == "v1 3");

    // Nothing new: nothing read. A new row: only it.
    CHECK(scan_session_store(path, r.state).events.empty());
    db.row("s-1", "claude-sonnet-4.5", {100, 1, 0, 0, 0}, 1000, "2026-08-01T10:03:00.000Z");
    r = scan_session_store(path, r.state);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "copilot-cli:s-1:db:4");
    CHECK(r.state == "v1 4");
}

TEST_CASE("copilot db: input below the cache figures is never made negative") {
    testing::TempDir dir;
    const fs::path path = dir / "session-store.db";
    SessionStore db(path);
    // 1000 >= 800 read but < 800 + 500 written: cache writes not in input.
    db.row("s", "claude-sonnet-4.5", {1000, 1, 800, 500, 0}, 0, "2026-08-01T10:00:00Z");
    // 300 < 800 read: input written without the cache.
    db.row("s", "claude-sonnet-4.5", {300, 1, 800, 500, 0}, 0, "2026-08-01T10:00:01Z");
    const auto r = scan_session_store(path, "");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].tokens.input == 200);
    CHECK(r.events[0].tokens.cache_write_5m == 500);
    CHECK(r.events[1].tokens.input == 300);
    CHECK(r.events[1].tokens.cache_read == 800);
}

TEST_CASE("copilot db: a row with a count out of range is skipped and reported") {
    testing::TempDir dir;
    const fs::path path = dir / "session-store.db";
    SessionStore db(path);
    db.row("s", "gpt-5-mini", {-4, 1, 0, 0, 0}, 0, "2026-08-01T10:00:00Z");
    db.row("s", "gpt-5-mini", {4, 1, 0, 0, 0}, 0, "2026-08-01T10:00:01Z");
    db.conn().exec("UPDATE assistant_usage_events SET output_tokens = 'lots' WHERE id = 2");
    db.row("s", "gpt-5-mini", {7, 1, 0, 0, 0}, 0, "2026-08-01T10:00:02Z");
    const auto r = scan_session_store(path, "");
    CHECK(r.invalid.count == 2);
    CHECK(r.invalid.first_field == "input_tokens");
    CHECK(r.invalid.first_value == "-4");
    CHECK(r.invalid.warning(path).find("assistant_usage_events id 1: input_tokens is -4") != std::string::npos);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].tokens.input == 7);
    CHECK(r.state == "v1 3");  // skipped rows are not read again
}

TEST_CASE("copilot db: a store without the usage table gives nothing, another file throws naming it") {
    testing::TempDir dir;
    const fs::path path = dir / "session-store.db";
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE sessions (id TEXT)");
    }
    CHECK(scan_session_store(path, "").events.empty());
    const fs::path junk = dir / "junk.db";
    testing::write_file(junk, std::string(4096, 'x'));
    std::string error;
    try {
        (void)scan_session_store(junk, "");
    } catch (const std::runtime_error& e) {
        error = e.what();
    }
    CHECK(error.starts_with(junk.string() + ": "));
}

TEST_CASE("copilot db: discovery folds the -wal into the database's stat") {
    testing::TempDir dir;
    const fs::path home = dir / ".copilot";
    SessionStore db(home / "session-store.db");
    db.row("s", "gpt-5-mini", {4, 1, 0, 0, 0}, 0, "2026-08-01T10:00:00Z");
    const auto files = usage::plugins::copilot::discover_copilot_files({home});
    REQUIRE(files.size() == 1);
    CHECK(files[0].kind == usage::plugins::copilot::kKindDatabase);
    CHECK(files[0].mode == usage::ReadMode::snapshot);
    CHECK(files[0].stat.size ==
          fs::file_size(home / "session-store.db") + fs::file_size(home / "session-store.db-wal"));
}
