// `usage-agent statusline`, the real binary fed Claude Code's statusline JSON
// on stdin (tests/fixtures/statusline/, written from Claude Code's documented
// schema): the line it prints, the session cost ledger it keeps, and that
// nothing - bad input, no store, a store another writer holds - makes it fail.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"
#include "usage/store/limit_store.hpp"
#include "usage/store/store.hpp"

namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) {
    return testing::source_dir() / "tests" / "fixtures" / "statusline" / name;
}

// Claude Code pipes the JSON in; run_command's stdin is /dev/null.
testing::RunResult statusline(const testing::AgentHome& h, const fs::path& input) {
    return testing::run_command({"/bin/sh", "-c", "exec \"$0\" statusline < \"$1\"", USAGE_AGENT_BIN, input.string()},
                                h.env);
}

testing::RunResult statusline_text(const testing::AgentHome& h, const std::string& text) {
    const fs::path input = h.dir / "stdin.json";
    testing::write_file(input, text);
    return statusline(h, input);
}

// Today (UTC, the home's TZ): 100k input + 10k output tokens of Sonnet 4.5 =
// $0.30 + $0.15. Three days ago: another $0.30, not today's.
void sync_claude_home(testing::AgentHome& h) {
    h.env["CLAUDE_CONFIG_DIR"] = (h.dir / "claude").string();
    const auto now = std::chrono::system_clock::now();
    testing::write_file(
        h.dir / "claude" / "projects" / "-home-dev-proj" / (claude_test::kSession + ".jsonl"),
        claude_test::Assistant("msg_old", "req_old", 100000, 0, 0, 0)
                .at(testing::iso_utc(now - std::chrono::hours(72)))
                .line() +
            claude_test::Assistant("msg_now", "req_now", 100000, 0, 0, 10000).at(testing::iso_utc(now)).line());
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
}

std::optional<usage::SessionCost> ledger(const testing::AgentHome& h, const std::string& session) {
    usage::Store store(h.dir / "state");
    return store.session_cost("claude-code", session);
}

}  // namespace

TEST_CASE("statusline: Claude Code's JSON prints model, session and today's cost and records the session's cost") {
    testing::AgentHome h;
    sync_claude_home(h);
    const auto r = statusline(h, fixture("claude_code_statusline.json"));
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Opus 4.1 | 5h 24% | session $1.23 | today ~$0.45\n");
    CHECK(r.err.empty());
    auto kept = ledger(h, claude_test::kSession);
    REQUIRE(kept);
    CHECK(kept->cost_micros == 1234567);
    CHECK(kept->model == "claude-opus-4-1-20250805");
    CHECK(kept->version == "2.1.81");

    // A late, smaller figure for the session leaves the ledger as it was; a larger one replaces it.
    std::string json = testing::read_file(fixture("claude_code_statusline.json"));
    const auto with_cost = [&](const std::string& usd) {
        std::string out = json;
        const std::string from = "\"total_cost_usd\": 1.2345674";
        out.replace(out.find(from), from.size(), "\"total_cost_usd\": " + usd);
        return out;
    };
    CHECK(statusline_text(h, with_cost("0.5")).out == "Opus 4.1 | 5h 24% | session $0.50 | today ~$0.45\n");
    CHECK(ledger(h, claude_test::kSession)->cost_micros == 1234567);
    CHECK(statusline_text(h, with_cost("12.000001")).out == "Opus 4.1 | 5h 24% | session $12.00 | today ~$0.45\n");
    CHECK(ledger(h, claude_test::kSession)->cost_micros == 12000001);

    // An older Claude Code (no context window, no rate limits): another session of its own.
    const auto older = statusline(h, fixture("older_claude_code_statusline.json"));
    CHECK(older.exit_code == 0);
    CHECK(older.out == "Sonnet 4.5 | session $0.01 | today ~$0.45\n");
    CHECK(ledger(h, "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d")->cost_micros == 12300);
    CHECK(ledger(h, claude_test::kSession)->cost_micros == 12000001);

    // Without a cost, the line shows what the ledger holds for the session.
    CHECK(statusline_text(h, "{\"session_id\": \"" + claude_test::kSession + "\", \"model\": {\"id\": \"claude-x\"}}")
              .out == "claude-x | session $12.00 | today ~$0.45\n");
}

TEST_CASE("statusline: empty, malformed or non-object stdin prints a short fallback line and exits 0") {
    testing::AgentHome h;
    for (const std::string text : {"", "   \n", "{\"session_id\": \"s", "[1, 2]", "null", "not json at all"}) {
        CAPTURE(text);
        const auto r = statusline_text(h, text);
        CHECK(r.exit_code == 0);
        CHECK(r.out == "usage-agent: no statusline input\n");
    }
    // stdin at /dev/null (nothing piped) is empty input too.
    const auto r = h.run({"statusline"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "usage-agent: no statusline input\n");
}

TEST_CASE("statusline: every field is optional and a field of the wrong type counts as absent") {
    testing::AgentHome h;
    REQUIRE_FALSE(fs::exists(h.dir / "state"));
    const auto bare = statusline_text(h, "{}");
    CHECK(bare.exit_code == 0);
    CHECK(bare.out == "today ~$0.00\n");
    CHECK(fs::exists(h.dir / "state" / "usage.db"));  // no store yet: made

    const auto odd = statusline_text(
        h, R"({"session_id": "s-odd", "model": "opus", "cost": {"total_cost_usd": "1.50"}, "version": 2})");
    CHECK(odd.exit_code == 0);
    CHECK(odd.out == "today ~$0.00\n");
    CHECK_FALSE(ledger(h, "s-odd"));
    for (const std::string usd : {"-1", "1e300", "1000000"}) {
        CAPTURE(usd);
        const auto r = statusline_text(h, R"({"session_id": "s-odd", "cost": {"total_cost_usd": )" + usd + "}}");
        CHECK(r.out == "today ~$0.00\n");
        CHECK_FALSE(ledger(h, "s-odd"));
    }
    // A cost without a session id is shown, not recorded (there is no key to keep it under).
    const auto no_id =
        statusline_text(h, R"({"model": {"display_name": "Haiku 4.5"}, "cost": {"total_cost_usd": 0.004}})");
    CHECK(no_id.out == "Haiku 4.5 | session $0.00 | today ~$0.00\n");
    CHECK(usage::Store(h.dir / "state").session_costs().empty());
}

TEST_CASE("statusline: a store another writer holds gets the line without recording, at once") {
    testing::AgentHome h;
    sync_claude_home(h);
    SQLite::Database writer((h.dir / "state" / "usage.db").string(), SQLite::OPEN_READWRITE);
    writer.exec("BEGIN IMMEDIATE");  // what a `sync` or `run` holds while it writes
    const auto started = std::chrono::steady_clock::now();
    const auto r = statusline(h, fixture("claude_code_statusline.json"));
    const auto took = std::chrono::steady_clock::now() - started;
    writer.exec("ROLLBACK");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Opus 4.1 | 5h 24% | session $1.23 | today ~$0.45\n");
    CHECK(took < std::chrono::seconds(2));  // not the store's 10 s wait for the lock
    CHECK_FALSE(ledger(h, claude_test::kSession));
    // The next message records it.
    CHECK(statusline(h, fixture("claude_code_statusline.json")).exit_code == 0);
    CHECK(ledger(h, claude_test::kSession)->cost_micros == 1234567);
}

TEST_CASE("statusline: the plan windows Claude Code passes are kept as limit snapshots, written only when changed") {
    testing::AgentHome h;
    const auto limits = [&] {
        usage::Store store(h.dir / "state");
        return usage::stored_limits(store);
    };
    const auto before =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    CHECK(statusline(h, fixture("claude_code_statusline.json")).exit_code == 0);
    auto kept = limits();
    REQUIRE(kept.size() == 2);
    const std::string session = claude_test::kSession;
    // five_hour and seven_day as the report names them, resets_at in Unix ms.
    CHECK(kept[0].source == "claude-code");
    CHECK(kept[0].window == "5h");
    CHECK(kept[0].window_minutes == 300);
    CHECK(kept[0].used_percent == 23.5);
    CHECK(kept[0].resets_at_ms == 1796443200000);
    CHECK(kept[0].plan.empty());
    CHECK(kept[0].session_id == session);
    CHECK(kept[0].observed_ms >= before);
    CHECK(kept[1].window == "7d");
    CHECK(kept[1].window_minutes == 10080);
    CHECK(kept[1].used_percent == 41.2);
    CHECK(kept[1].resets_at_ms == 1796875200000);

    // The same readings again: nothing written (the observed time stays).
    CHECK(statusline(h, fixture("claude_code_statusline.json")).exit_code == 0);
    CHECK(limits() == kept);

    // One window moved: only that one is written again.
    std::string json = testing::read_file(fixture("claude_code_statusline.json"));
    json.replace(json.find("23.5"), 4, "57.25");
    const auto r = statusline_text(h, json);
    CHECK(r.out == "Opus 4.1 | 5h 57% | session $1.23 | today ~$0.00\n");
    const auto moved = limits();
    REQUIRE(moved.size() == 2);
    CHECK(moved[0].used_percent == 57.25);
    CHECK(moved[0].observed_ms >= kept[0].observed_ms);
    CHECK(moved[1] == kept[1]);

    // Windows of the wrong shape are no readings; the line goes on without them.
    const auto odd = statusline_text(
        h,
        R"({"model": {"id": "claude-x"}, "rate_limits": {"five_hour": {"used_percentage": "lots"}, "seven_day": 3}})");
    CHECK(odd.out == "claude-x | today ~$0.00\n");
    CHECK(limits() == moved);
}
