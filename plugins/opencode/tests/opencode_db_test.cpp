// The OpenCode database reader on real SQLite files written by the test with
// OpenCode's schema: counting, subagent folding, session aggregates, the
// incremental mark, the -wal in change detection, schema variants, and a
// database written by another connection while it is read.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "../opencode_db_reader.hpp"
#include "../opencode_discovery.hpp"
#include "transcripts/opencode_fixture.hpp"
#include "usage/scan/file_cursor.hpp"

namespace fs = std::filesystem;
using namespace usage::plugins::opencode;
using opencode_test::Assistant;
using opencode_test::Db;

namespace {

constexpr std::int64_t kT0 = 1767225600000;      // 2026-01-01T00:00:00Z
constexpr std::int64_t kNow = kT0 + 86400000LL;  // every row written at kT0+... is settled

const usage::UsageEvent& find(const std::vector<usage::UsageEvent>& events, const std::string& id) {
    for (const auto& e : events)
        if (e.id == id) return e;
    FAIL("no event " << id);
    static usage::UsageEvent none;
    return none;
}

Assistant assistant(const std::string& id, const std::string& session, opencode_test::Tokens t, double cost = 0) {
    Assistant a;
    a.id = id;
    a.session = session;
    a.tokens = t;
    a.cost = cost;
    return a;
}

// Project, a root session with a subagent and a sub-subagent, a session
// outside git; session-level aggregates filled with numbers that must never
// show up in the events.
void fill_counting_fixture(Db& db, bool aggregates) {
    db.project("prj_app", "/w/app");
    db.project("global", "/");
    db.session("ses_root", "prj_app", "", "/w/app");
    db.session("ses_child", "prj_app", "ses_root", "/w/app");
    db.session("ses_grand", "prj_app", "ses_child", "/w/app/sub");
    db.session("ses_global", "global", "", "/home/u/scratch");
    if (aggregates)
        db.conn().exec(
            "UPDATE session SET cost = 99.5, tokens_input = 1000000, tokens_output = 2000000, "
            "tokens_reasoning = 3000000, tokens_cache_read = 4000000, tokens_cache_write = 5000000");
    db.message("msg_u1", "ses_root", kT0, opencode_test::user_data(kT0));
    db.assistant(assistant("msg_a1", "ses_root", {100, 40, 10, 2000, 300}), kT0 + 1);
    db.assistant(assistant("msg_a2", "ses_root", {50, 5, 0, 0, 0}, 0.0123), kT0 + 2);
    auto a3 = assistant("msg_a3", "ses_child", {7, 3, 0, 0, 0});
    a3.model = "gpt-5";
    a3.provider = "openai";
    db.assistant(a3, kT0 + 3);
    db.assistant(assistant("msg_a4", "ses_grand", {11, 13, 17, 0, 0}), kT0 + 4);
    db.assistant(assistant("msg_a5", "ses_root", {0, 0, 0, 0, 0}), kT0 + 5);  // still streaming
    db.message("msg_a6", "ses_root", kT0 + 6, R"({"role":"assistant","tokens":{"input":)");
    auto a7 = assistant("msg_a7", "ses_global", {1, 1, 0, 0, 0});
    a7.root = "/";
    a7.cwd = "/home/u/scratch";
    db.assistant(a7, kT0 + 7);
}

}  // namespace

TEST_CASE("opencode db: assistant messages with the normalised token model, subagents folded") {
    for (bool newer_schema : {true, false}) {
        CAPTURE(newer_schema);
        testing::TempDir dir;
        Db db(dir / "opencode.db", newer_schema);
        fill_counting_fixture(db, newer_schema);
        const DbScan scan = scan_database(db.path(), "", kNow);
        const auto& events = scan.result.events;
        CHECK(scan.rows_read == 8);
        CHECK(scan.result.malformed_lines == 1);
        REQUIRE(events.size() == 5);

        const auto& a1 = find(events, "opencode:msg_a1:db");
        CHECK(a1.source == "opencode");
        CHECK(a1.dedup_group == "opencode:msg_a1:");
        CHECK_FALSE(a1.replay);
        CHECK(a1.tokens.input == 100);
        CHECK(a1.tokens.output == 50);
        CHECK(a1.tokens.reasoning == 10);
        CHECK(a1.tokens.cache_read == 2000);
        CHECK(a1.tokens.cache_write_5m == 300);
        CHECK(a1.tokens.cache_write_1h == 0);
        CHECK_FALSE(a1.reported_cost_micros.has_value());  // cost 0: estimated later
        CHECK(a1.model == "claude-sonnet-4-5-20250929");
        CHECK(a1.provider == "anthropic");
        CHECK(a1.session_id == "ses_root");
        CHECK(a1.parent_session_id == "");
        CHECK(a1.project_name == "app");
        CHECK(a1.project_path == "/w/app");
        CHECK(a1.surface == "cli");
        CHECK(a1.timestamp_ms == kT0);

        CHECK(find(events, "opencode:msg_a2:db").reported_cost_micros == 12300);
        const auto& a3 = find(events, "opencode:msg_a3:db");
        CHECK(a3.session_id == "ses_root");
        CHECK(a3.parent_session_id == "ses_root");
        CHECK(a3.model == "gpt-5");
        CHECK(a3.provider == "openai");
        const auto& a4 = find(events, "opencode:msg_a4:db");
        CHECK(a4.session_id == "ses_root");
        CHECK(a4.parent_session_id == "ses_child");
        CHECK(a4.tokens.output == 30);
        CHECK(a4.tokens.reasoning == 17);
        CHECK(a4.project_path == "/w/app/sub");
        CHECK(find(events, "opencode:msg_a7:db").project_name == "scratch");

        // Sums over every event: the session aggregates never entered.
        usage::TokenCounts sum;
        for (const auto& e : events) {
            sum.input += e.tokens.input;
            sum.output += e.tokens.output;
            sum.cache_read += e.tokens.cache_read;
            sum.cache_write_5m += e.tokens.cache_write_5m;
        }
        CHECK(sum.input == 169);
        CHECK(sum.output == 50 + 5 + 3 + 30 + 1);
        CHECK(sum.cache_read == 2000);
        CHECK(sum.cache_write_5m == 300);
    }
}

TEST_CASE("opencode db: the mark reads only new or rewritten rows") {
    testing::TempDir dir;
    Db db(dir / "opencode.db");
    db.project("prj_app", "/w/app");
    db.session("ses_root", "prj_app", "", "/w/app");
    db.message("msg_u1", "ses_root", kT0, opencode_test::user_data(kT0));
    db.assistant(assistant("msg_a1", "ses_root", {10, 1, 0, 0, 0}), kT0 + 1000);
    db.assistant(assistant("msg_a2", "ses_root", {20, 2, 0, 0, 0}), kT0 + 2000);

    const DbScan first = scan_database(db.path(), "", kNow);
    CHECK(first.rows_read == 3);
    CHECK(first.result.events.size() == 2);
    CHECK(DbMark::from_state(first.result.state) == DbMark{kT0 + 2000, "msg_a2"});

    const DbScan idle = scan_database(db.path(), first.result.state, kNow);
    CHECK(idle.rows_read == 0);
    CHECK(idle.result.bytes_read == 0);
    CHECK(idle.result.events.empty());
    CHECK(idle.result.state == first.result.state);

    // A new call, and a rewrite of an old one (OpenCode updates the row when
    // the step finishes): exactly those two rows.
    db.assistant(assistant("msg_a3", "ses_root", {30, 3, 0, 0, 0}), kT0 + 3000);
    db.assistant(assistant("msg_a1", "ses_root", {10, 9, 0, 0, 0}), kT0 + 4000);
    const DbScan later = scan_database(db.path(), first.result.state, kNow);
    CHECK(later.rows_read == 2);
    REQUIRE(later.result.events.size() == 2);
    CHECK(find(later.result.events, "opencode:msg_a1:db").tokens.output == 9);
    CHECK(find(later.result.events, "opencode:msg_a3:db").tokens.input == 30);

    // Same time_updated as the mark, later id: still new.
    db.assistant(assistant("msg_a9", "ses_root", {1, 1, 0, 0, 0}), kT0 + 4000);
    const DbScan tie = scan_database(db.path(), later.result.state, kNow);
    CHECK(tie.rows_read == 1);
    CHECK(tie.result.events.size() == 1);
    CHECK(scan_database(db.path(), tie.result.state, kNow).rows_read == 0);

    // An unknown state reads everything again (the store dedups by id).
    CHECK(scan_database(db.path(), "garbage", kNow).rows_read == 5);
}

TEST_CASE("opencode db: rows younger than the settle window are read again, so a late commit is not lost") {
    testing::TempDir dir;
    Db db(dir / "opencode.db");
    db.project("prj_app", "/w/app");
    db.session("ses_root", "prj_app", "", "/w/app");
    const std::int64_t now = kT0 + 3600000;
    db.assistant(assistant("msg_old", "ses_root", {1, 1, 0, 0, 0}), kT0);
    db.assistant(assistant("msg_new", "ses_root", {2, 2, 0, 0, 0}), now - 1000);
    const DbScan first = scan_database(db.path(), "", now);
    CHECK(first.rows_read == 2);
    CHECK(DbMark::from_state(first.result.state) == DbMark{kT0, "msg_old"});

    // Another OpenCode process stamped its row before msg_new but committed
    // after the scan.
    db.assistant(assistant("msg_late", "ses_root", {3, 3, 0, 0, 0}), now - 2000);
    const DbScan second = scan_database(db.path(), first.result.state, now);
    CHECK(second.rows_read == 2);
    CHECK(find(second.result.events, "opencode:msg_late:db").tokens.input == 3);

    // Once settled, the mark moves past them and nothing is read again.
    const std::int64_t later = now + kSettleMs;
    const DbScan settled = scan_database(db.path(), second.result.state, later);
    CHECK(settled.rows_read == 2);
    CHECK(DbMark::from_state(settled.result.state) == DbMark{now - 1000, "msg_new"});
    CHECK(scan_database(db.path(), settled.result.state, later).rows_read == 0);
}

TEST_CASE("opencode db: a commit that only reached the -wal changes the discovered stat") {
    testing::TempDir dir;
    Db db(dir / "data" / "opencode.db");
    db.conn().exec("PRAGMA wal_autocheckpoint = 0");
    db.project("prj_app", "/w/app");
    db.session("ses_root", "prj_app", "", "/w/app");
    db.assistant(assistant("msg_a1", "ses_root", {1, 1, 0, 0, 0}), kT0);
    db.conn().exec("PRAGMA wal_checkpoint(TRUNCATE)");

    auto discovered = [&] {
        auto files = discover_opencode_files({dir / "data"});
        REQUIRE(files.size() == 1);
        CHECK(files[0].kind == std::string(kKindDatabase));
        CHECK(files[0].mode == usage::ReadMode::snapshot);
        return files[0].stat;
    };
    const usage::FileStat before = discovered();
    const auto main_before = usage::stat_file(db.path());
    const DbScan first = scan_database(db.path(), "", kNow);
    CHECK(first.result.events.size() == 1);
    usage::FileCursor saved;
    saved.stat = before;
    saved.state = first.result.state;
    CHECK(usage::judge_snapshot(discovered(), saved) == usage::CursorVerdict::unchanged);

    db.assistant(assistant("msg_a2", "ses_root", {2, 2, 0, 0, 0}), kT0 + 1);
    const auto main_after = usage::stat_file(db.path());
    CHECK(main_after->size == main_before->size);  // the database file itself did not change
    CHECK(main_after->mtime_ns == main_before->mtime_ns);
    CHECK(usage::judge_snapshot(discovered(), saved) == usage::CursorVerdict::append);
    const DbScan second = scan_database(db.path(), saved.state, kNow);
    CHECK(second.rows_read == 1);
    CHECK(second.result.events.size() == 1);
}

TEST_CASE("opencode db: reading a cleanly closed database is not taken for a change of it") {
    testing::TempDir dir;
    {
        Db db(dir / "data" / "opencode.db");
        db.project("prj_app", "/w/app");
        db.session("ses_root", "prj_app", "", "/w/app");
        db.assistant(assistant("msg_a1", "ses_root", {1, 1, 0, 0, 0}), kT0);
    }  // OpenCode exited: the -wal is checkpointed and removed
    REQUIRE_FALSE(fs::exists(dir / "data" / "opencode.db-wal"));
    const auto before = discover_opencode_files({dir / "data"});
    REQUIRE(before.size() == 1);
    CHECK(scan_database(before[0].path, "", kNow).result.events.size() == 1);
    // SQLite's reader may have created an empty -wal and a -shm: no change.
    const auto after = discover_opencode_files({dir / "data"});
    REQUIRE(after.size() == 1);
    usage::FileCursor saved;
    saved.stat = before[0].stat;
    CHECK(usage::judge_snapshot(after[0].stat, saved) == usage::CursorVerdict::unchanged);
}

TEST_CASE("opencode db: a writer holding its transaction open neither blocks nor is blocked by a scan") {
    testing::TempDir dir;
    Db db(dir / "opencode.db");
    db.project("prj_app", "/w/app");
    db.session("ses_root", "prj_app", "", "/w/app");
    db.assistant(assistant("msg_a1", "ses_root", {1, 1, 0, 0, 0}), kT0);

    SQLite::Transaction pending(db.conn());
    db.assistant(assistant("msg_a2", "ses_root", {2, 2, 0, 0, 0}), kT0 + 1);
    const DbScan during = scan_database(db.path(), "", kNow);
    CHECK(during.result.events.size() == 1);  // only committed rows
    CHECK_NOTHROW(pending.commit());

    // The scan writes nothing: both files stay byte for byte what the writer left.
    const std::string db_bytes = testing::read_file(db.path());
    const std::string wal_bytes = testing::read_file(db.path().string() + "-wal");
    CHECK(scan_database(db.path(), during.result.state, kNow).result.events.size() == 1);
    CHECK(testing::read_file(db.path()) == db_bytes);
    CHECK(testing::read_file(db.path().string() + "-wal") == wal_bytes);
}

TEST_CASE("opencode db: written by another connection during the scans, nothing lost, nothing doubled") {
    testing::TempDir dir;
    const auto path = dir / "opencode.db";
    {
        Db db(path);
        db.project("prj_app", "/w/app");
        db.session("ses_root", "prj_app", "", "/w/app");
    }
    constexpr int kCalls = 400;
    constexpr int kBatch = 50;
    std::atomic<bool> done{false};
    std::atomic<int> scans{0};
    std::thread writer([&] {
        SQLite::Database w(path, SQLite::OPEN_READWRITE, 5000);
        w.exec("PRAGMA synchronous = NORMAL");
        for (int i = 0; i < kCalls; ++i) {
            char id[16];
            std::snprintf(id, sizeof id, "msg_%05d", i);
            // Every call first appears streaming (zeros), then finished.
            for (const auto& [t, out] : {std::pair{kT0 + i * 10, 0}, std::pair{kT0 + i * 10 + 5, i + 1}}) {
                auto a = assistant(id, "ses_root", {i + 1, out, 0, 0, 0});
                if (out == 0) a.tokens = {};
                SQLite::Statement st(w,
                                     "INSERT INTO message (id, session_id, time_created, time_updated, data) "
                                     "VALUES (?1, 'ses_root', ?2, ?2, ?3) ON CONFLICT (id) DO UPDATE SET "
                                     "time_updated = excluded.time_updated, data = excluded.data");
                st.bind(1, id);
                st.bind(2, static_cast<std::int64_t>(t));
                st.bind(3, a.data());
                st.exec();
            }
            // After each batch, let the reader finish a scan that started
            // after it, so scans and writes interleave whatever the speeds.
            if ((i + 1) % kBatch == 0)
                for (int seen_at = scans.load(); scans.load() < seen_at + 2;) std::this_thread::yield();
        }
        done = true;
    });

    std::map<std::string, usage::TokenCounts> seen;  // what the store would hold
    std::string state;
    auto scan_once = [&] {
        const DbScan s = scan_database(path, state, kNow);
        std::set<std::string> ids;
        for (const auto& e : s.result.events) {
            CHECK(ids.insert(e.id).second);  // never twice in one scan
            seen[e.id].merge_copy(e.tokens);
        }
        state = s.result.state;
        ++scans;
    };
    while (!done) scan_once();
    writer.join();
    scan_once();  // the follow-up scan
    CHECK(scans.load() >= 2 * kCalls / kBatch);

    REQUIRE(seen.size() == static_cast<std::size_t>(kCalls));
    std::int64_t input = 0, output = 0;
    for (int i = 0; i < kCalls; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "opencode:msg_%05d:db", i);
        REQUIRE(seen.contains(id));
        CHECK(seen[id].input == i + 1);
        CHECK(seen[id].output == i + 1);
        input += seen[id].input;
        output += seen[id].output;
    }
    CHECK(input == kCalls * (kCalls + 1) / 2);
    CHECK(output == kCalls * (kCalls + 1) / 2);
    CHECK(scan_database(path, state, kNow).rows_read == 0);
}

TEST_CASE("opencode db: schema variants") {
    testing::TempDir dir;
    SUBCASE("a fork without session.directory and project.worktree: the message's path names the project") {
        SQLite::Database db(dir / "opencode.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(
            "CREATE TABLE project (id text PRIMARY KEY, name text);"
            "CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, parent_id text);"
            "CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, time_created integer NOT NULL,"
            " time_updated integer NOT NULL, data text NOT NULL);"
            "INSERT INTO project VALUES ('p', 'x');"
            "INSERT INTO session VALUES ('s1', 'p', NULL), ('s2', 'p', 's1');");
        auto a = assistant("m1", "s2", {5, 5, 0, 0, 0});
        a.root = "/w/forked";
        auto b = assistant("m2", "s1", {1, 1, 0, 0, 0});
        b.root = "/";
        b.cwd = "/tmp/loose";
        SQLite::Statement st(db, "INSERT INTO message VALUES (?, ?, 1, 1, ?)");
        for (const auto& m : {a, b}) {
            st.bind(1, m.id);
            st.bind(2, m.session);
            st.bind(3, m.data());
            st.exec();
            st.reset();
        }
        const DbScan scan = scan_database(dir / "opencode.db", "", kNow);
        REQUIRE(scan.result.events.size() == 2);
        const auto& e1 = find(scan.result.events, "opencode:m1:db");
        CHECK(e1.project_name == "forked");
        CHECK(e1.session_id == "s1");
        CHECK(e1.parent_session_id == "s1");
        CHECK(find(scan.result.events, "opencode:m2:db").project_name == "loose");
    }
    SUBCASE("a database OpenCode created but has not migrated yet") {
        { SQLite::Database db(dir / "opencode.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); }
        const DbScan scan = scan_database(dir / "opencode.db", "v1 5 x", kNow);
        CHECK(scan.result.events.empty());
        CHECK(scan.result.state == "v1 5 x");
    }
    SUBCASE("an unknown message table is an error naming the file") {
        {
            SQLite::Database db(dir / "opencode.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE message (id text, body text)");
        }
        CHECK_THROWS_WITH_AS(scan_database(dir / "opencode.db", "", kNow),
                             doctest::Contains((dir / "opencode.db").c_str()), std::runtime_error);
    }
    SUBCASE("not a database at all") {
        testing::write_file(dir / "opencode.db", "this is not SQLite");
        CHECK_THROWS_AS(scan_database(dir / "opencode.db", "", kNow), std::runtime_error);
    }
}
