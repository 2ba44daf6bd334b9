// Forks, subagents and incremental scans of the Codex CLI plugin, one file
// at a time through the plugin registry: which calls are a thread's own
// after the parent history it replays, which session they fold into, and
// how a scan continues from its cursor and state.
#include <doctest/doctest.h>

#include <string>

#include "codex_scan.hpp"

namespace fs = std::filesystem;
using namespace codex_test;

namespace {

// A parent P (v4 first turn, then a v7 one), forked by a human (F) after four
// calls, with a thread_spawn subagent S spawned after its third call, S's own
// nested subagent S2, and two review threads (one knows its parent).
struct Family {
    Rollout p{meta(v7(kT0, 11))};
    Rollout s, s2, f, review, lone_review;
    Family()
        : s([] {
              Meta m = meta(v7(kT0 + 70000, 14), kT0 + 70000);
              m.source = codex_test::spawn_source(v7(kT0, 11), 1);
              return m;
          }()),
          s2([] {
              Meta m = meta(v7(kT0 + 82000, 16), kT0 + 82000);
              m.source = codex_test::spawn_source(v7(kT0 + 70000, 14), 2);
              m.forked_from = v7(kT0 + 70000, 14);
              return m;
          }()),
          f([] {
              Meta m = meta(v7(kT0 + 120000, 18), kT0 + 120000);
              m.forked_from = v7(kT0, 11);
              return m;
          }()),
          review([] {
              Meta m = meta(v7(kT0 + 95000, 20), kT0 + 95000);
              m.source = {{"subagent", "review"}};
              m.forked_from = v7(kT0, 11);
              return m;
          }()),
          lone_review([] {
              Meta m = meta(v7(kT0 + 96000, 22), kT0 + 96000);
              m.source = {{"subagent", "review"}};
              return m;
          }()) {
        p.turn(kT0 + 1000, v4(12), "gpt-5.1-codex")
            .call(kT0 + 5000, {12000, 0, 300, 100})
            .call(kT0 + 9000, {12500, 11800, 200, 0})
            .turn(kT0 + 60000, v7(kT0 + 60000, 13), "gpt-5.1-codex")
            .call(kT0 + 65000, {13000, 12400, 150, 50});
        s.replay(p, kT0 + 70000)
            .turn(kT0 + 70010, v7(kT0 + 70010, 15), "gpt-5.1-codex-mini")
            .snapshot(kT0 + 70011, {24500, 11800, 500, 100}, Vec{12500, 11800, 200, 0})  // stale parent snapshot
            .call(kT0 + 75000, {8000, 0, 500, 200})
            .call(kT0 + 80000, {8600, 7900, 120, 0});
        s2.replay(s, kT0 + 82000).turn(kT0 + 82500, v4(17), "gpt-5.1-codex-mini").call(kT0 + 83000, {5000, 0, 100, 0});
        s.call(kT0 + 85000, {9000, 8500, 60, 0});
        p.call(kT0 + 90000, {14000, 12800, 400, 120});
        f.replay(p, kT0 + 120000)
            .snapshot(kT0 + 120001, p.total(), Vec{14000, 12800, 400, 120})  // the restored snapshot
            .turn(kT0 + 180000, v7(kT0 + 180000, 19), "gpt-5.2-codex", false)
            .call(kT0 + 185000, {15000, 13900, 250, 60})
            .call(kT0 + 190000, {15500, 14900, 90, 0});
        review.turn(kT0 + 95100, v7(kT0 + 95100, 21), "gpt-5.1-codex").call(kT0 + 99000, {20000, 0, 800, 300});
        lone_review.turn(kT0 + 96100, v7(kT0 + 96100, 23), "gpt-5.1-codex").call(kT0 + 97000, {700, 0, 70, 0});
    }
};

}  // namespace

TEST_CASE("codex fork: a human fork counts only its own calls, not the parent history it replays") {
    Family fam;
    const auto parent = scan_rollout(fam.p);
    REQUIRE(parent.events.size() == 4);
    check_tokens(parent.events[3], 1200, 12800, 400, 120);

    const auto fork = scan_rollout(fam.f);
    const std::string id = fam.f.meta().id;
    REQUIRE(fork.events.size() == 2);
    // The fork's cumulative totals continue from the parent's at the fork.
    CHECK(fork.events[0].id == "codex-cli:" + id + ":66500.50900.1300.330");
    check_tokens(fork.events[0], 1100, 13900, 250, 60);
    check_tokens(fork.events[1], 600, 14900, 90, 0);
    CHECK(fork.events[0].session_id == id);  // a human fork is a session of its own
    CHECK(fork.events[0].parent_session_id.empty());
    CHECK(fork.events[0].model == "gpt-5.2-codex");  // its own turn's model, not the replayed one
}

TEST_CASE("codex subagents: thread_spawn and review threads fold into the parent's session") {
    Family fam;
    const std::string p = fam.p.meta().id;
    const auto s = scan_rollout(fam.s);
    REQUIRE(s.events.size() == 3);  // the replay and the stale parent snapshot are not its calls
    check_tokens(s.events[0], 8000, 0, 500, 200);
    check_tokens(s.events[1], 700, 7900, 120, 0);
    check_tokens(s.events[2], 500, 8500, 60, 0);
    for (const auto& e : s.events) {
        CHECK(e.session_id == p);
        CHECK(e.parent_session_id == p);
        CHECK(e.model == "gpt-5.1-codex-mini");
        CHECK(e.id.starts_with("codex-cli:" + fam.s.meta().id + ":"));
    }

    // Nested: S2 replays S's rollout (S's meta, P's meta and history, S's own
    // turn); its own turn has a legacy id whose task_started is after S2 began.
    const auto s2 = scan_rollout(fam.s2);
    REQUIRE(s2.events.size() == 1);
    check_tokens(s2.events[0], 5000, 0, 100, 0);
    CHECK(s2.events[0].session_id == p);  // followed up through S to the top thread
    CHECK(s2.events[0].parent_session_id == fam.s.meta().id);

    const auto review = scan_rollout(fam.review);
    REQUIRE(review.events.size() == 1);
    CHECK(review.events[0].session_id == p);
    CHECK(review.events[0].parent_session_id == p);
    const auto lone = scan_rollout(fam.lone_review);
    REQUIRE(lone.events.size() == 1);
    CHECK(lone.events[0].session_id == fam.lone_review.meta().id);  // parent unknown
    CHECK(lone.events[0].parent_session_id.empty());
}

TEST_CASE("codex auto-review: reviewer threads fold into the session they review and are marked") {
    const std::string root = v7(kT0, 11);
    const std::string child = v7(kT0 + 30000, 12);  // a thread_spawn child of root, reviewed itself
    auto reviewer = [&](std::string id, std::int64_t at) {
        Meta m = meta(std::move(id), at);
        m.originator = "Codex Desktop";
        m.source = {{"subagent", {{"other", "guardian"}}}};
        return m;
    };
    // Codex >= 0.151: thread_source guardian_review, the reviewed thread as
    // parent_thread_id and the root session as session_id.
    Meta current = reviewer(v7(kT0 + 40000, 20), kT0 + 40000);
    current.thread_source = "guardian_review";
    current.parent_thread_id = child;
    current.session_id = root;
    // Earlier builds: thread_source subagent, only the parent.
    Meta older = reviewer(v7(kT0 + 50000, 22), kT0 + 50000);
    older.thread_source = "subagent";
    older.parent_thread_id = root;
    // A review whose parent is not recorded, and one named by its client only.
    Meta lone = reviewer(v7(kT0 + 60000, 24), kT0 + 60000);
    Meta by_client = meta(v7(kT0 + 70000, 26), kT0 + 70000);
    by_client.originator = "codex-auto-review";
    by_client.parent_thread_id = root;
    // A user's thread that names a parent is not a review: its own session.
    Meta user_thread = meta(v7(kT0 + 80000, 28), kT0 + 80000);
    user_thread.thread_source = "user";
    user_thread.parent_thread_id = root;

    Rollout r_current(current), r_older(older), r_lone(lone), r_client(by_client), r_user(user_thread);
    r_current.turn(kT0 + 40100, v7(kT0 + 40100, 21), "codex-auto-review").call(kT0 + 41000, {9000, 4000, 120, 80});
    r_older.turn(kT0 + 50100, v7(kT0 + 50100, 23), "codex-auto-review").call(kT0 + 51000, {7000, 0, 90, 40});
    r_lone.turn(kT0 + 60100, v7(kT0 + 60100, 25), "codex-auto-review").call(kT0 + 61000, {3000, 0, 30, 0});
    r_client.turn(kT0 + 70100, v7(kT0 + 70100, 27), "codex-auto-review").call(kT0 + 71000, {2000, 500, 20, 0});
    r_user.turn(kT0 + 80100, v7(kT0 + 80100, 29), "gpt-5.1-codex").call(kT0 + 81000, {1000, 0, 10, 0});

    const auto c = scan_rollout(r_current);
    REQUIRE(c.events.size() == 1);
    check_tokens(c.events[0], 5000, 4000, 120, 80);
    CHECK(c.events[0].session_id == root);
    CHECK(c.events[0].parent_session_id == child);
    CHECK(c.events[0].surface == "auto-review");
    CHECK(c.events[0].model == "codex-auto-review");

    const auto o = scan_rollout(r_older);
    REQUIRE(o.events.size() == 1);
    check_tokens(o.events[0], 7000, 0, 90, 40);
    CHECK(o.events[0].session_id == root);
    CHECK(o.events[0].parent_session_id == root);
    CHECK(o.events[0].surface == "auto-review");

    const auto l = scan_rollout(r_lone);
    REQUIRE(l.events.size() == 1);
    CHECK(l.events[0].session_id == lone.id);  // no parent: a session of its own, still marked
    CHECK(l.events[0].parent_session_id.empty());
    CHECK(l.events[0].surface == "auto-review");

    const auto b = scan_rollout(r_client);
    REQUIRE(b.events.size() == 1);
    check_tokens(b.events[0], 1500, 500, 20, 0);
    CHECK(b.events[0].session_id == root);
    CHECK(b.events[0].surface == "auto-review");

    const auto u = scan_rollout(r_user);
    REQUIRE(u.events.size() == 1);
    CHECK(u.events[0].session_id == user_thread.id);
    CHECK(u.events[0].parent_session_id.empty());
    CHECK(u.events[0].surface == "cli");
}

TEST_CASE("codex incremental: an appended rollout continues from its cursor and state") {
    testing::TempDir home;
    Rollout r(meta(v7(kT0, 1)));
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5-codex")
        .call(kT0 + 2000, {1000, 0, 100, 10})
        .call(kT0 + 3000, {1100, 900, 50, 0});
    const std::size_t first = r.size();
    r.snapshot(kT0 + 3500, r.total(), Vec{1100, 900, 50, 0})  // the snapshot Codex re-emits on resume
        .call(kT0 + 4000, {1200, 1000, 60, 0})
        .call_total_only(kT0 + 5000, {1300, 1100, 70, 5})  // needs the baseline from the saved state
        .turn(kT0 + 6000, v7(kT0 + 6000, 3), "gpt-5.1-codex")
        .call(kT0 + 7000, {1400, 1200, 80, 0});
    const std::string head = r.text().substr(0, r.text().size() - r.text(first).size());
    const std::string rest = r.text(first);
    const fs::path file = write_rollout(home.path(), r, head + rest.substr(0, 40));  // a half-written line

    const auto one = scan_file(home.path(), file);
    CHECK(one.events.size() == 2);
    CHECK(one.offset == head.size());
    CHECK_FALSE(one.state.empty());

    testing::append_file(file, rest.substr(40));
    const auto two = scan_file(home.path(), file, {one.offset, one.state});
    REQUIRE(two.events.size() == 3);  // exactly the new calls
    check_tokens(two.events[0], 200, 1000, 60, 0);
    check_tokens(two.events[1], 200, 1100, 70, 5);
    check_tokens(two.events[2], 200, 1200, 80, 0);
    CHECK(two.events[0].model == "gpt-5-codex");  // sticky from the saved state
    CHECK(two.events[2].model == "gpt-5.1-codex");
    CHECK(two.events[0].session_id == r.meta().id);
    CHECK(two.events[0].project_name == "app");
    CHECK(two.offset == r.text().size());

    // Reading it whole gives the union, with the same ids.
    const auto whole = scan_file(home.path(), file);
    CHECK(ids(whole) == ids(one) + ids(two));
}

TEST_CASE("codex incremental: a scan that stops inside a fork's replay keeps the window open") {
    Family fam;
    const std::string text = fam.s.text();
    const std::size_t replay_end = fam.s.text().find(v7(kT0 + 70010, 15));  // S's own first turn
    const std::size_t cut = text.rfind('\n', replay_end) + 1;
    testing::TempDir home;
    const fs::path file = write_rollout(home.path(), fam.s, text.substr(0, cut));
    const auto one = scan_file(home.path(), file);
    CHECK(one.events.empty());
    testing::append_file(file, text.substr(cut));
    const auto two = scan_file(home.path(), file, {one.offset, one.state});
    REQUIRE(two.events.size() == 3);
    CHECK(two.events[0].session_id == fam.p.meta().id);
    check_tokens(two.events[0], 8000, 0, 500, 200);
}
