// End-to-end tests of the Claude Code source through the REAL binary:
// `sync --once` into a fresh state dir, then `report summary --json`. Covers
// the project's own fixture trees (tests/fixtures/<case>/projects with an
// expected.json computed by hand from docs' counting rules), the shared real
// samples when ../shared exists, and incremental behaviour on files written
// at runtime (partial lines, rewrites, deletions, huge lines, growing copies,
// /btw replays in either order).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

namespace fs = std::filesystem;
using claude_test::Assistant;
using nlohmann::json;

namespace {

const fs::path kFixtures = fs::path(USAGE_SOURCE_DIR) / "plugins/claude_code/tests/fixtures";

/// A temp HOME/state dir whose only Claude Code root is `claude_dir`.
struct Agent : testing::AgentHome {
    explicit Agent(const fs::path& claude_dir) { env["CLAUDE_CONFIG_DIR"] = claude_dir.string(); }

    /// `sync --once --json`: the claude-code entry of the per-source stats.
    [[nodiscard]] json sync(const std::vector<std::string>& extra = {}) const {
        return sync_stats("claude-code", extra);
    }
    [[nodiscard]] json totals() const { return report("summary").at("totals"); }
};

struct Totals {
    std::int64_t events, sessions, input, output, cache_read, write_5m, write_1h;
};

void check_totals(const json& t, const Totals& want) {
    INFO("totals: " << t.dump());
    CHECK(t.at("events").get<std::int64_t>() == want.events);
    CHECK(t.at("sessions").get<std::int64_t>() == want.sessions);
    CHECK(t.at("input_tokens").get<std::int64_t>() == want.input);
    CHECK(t.at("output_tokens").get<std::int64_t>() == want.output);
    CHECK(t.at("cache_read_tokens").get<std::int64_t>() == want.cache_read);
    CHECK(t.at("cache_write_5m_tokens").get<std::int64_t>() == want.write_5m);
    CHECK(t.at("cache_write_1h_tokens").get<std::int64_t>() == want.write_1h);
    CHECK(t.at("total_tokens").get<std::int64_t>() ==
          want.input + want.output + want.cache_read + want.write_5m + want.write_1h);
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

std::int64_t count(const json& stats, const char* key) {
    return stats.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("claude fixtures: every case matches its expected.json") {
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (entry.is_directory()) cases.push_back(entry.path());
    std::sort(cases.begin(), cases.end());
    std::vector<std::string> names;
    for (const auto& c : cases) names.push_back(c.filename().string());
    // A missing or renamed case must fail, not silently shrink the coverage.
    CHECK(names == std::vector<std::string>{"duplicates-across-files", "layout-v1-inline", "layout-v2-flat",
                                            "layout-v21-nested", "one-hour-cache", "sidechain-replay",
                                            "synthetic-and-errors"});

    for (const auto& dir : cases) {
        INFO("case: " << dir.filename().string());
        const json want = json::parse(testing::read_file(dir / "expected.json"));
        auto n = [&](const char* key) { return want.at(key).get<std::int64_t>(); };
        Agent agent(dir / "projects");
        const json first = agent.sync();
        CHECK(first.at("errors").empty());
        CHECK(count(first, "malformed_lines") == n("malformed_lines"));
        const json t = agent.totals();
        check_totals(t, {n("events"), n("sessions"), n("input"), n("output"), n("cache_read"), n("cache_write_5m"),
                         n("cache_write_1h")});
        CHECK(t.at("total_tokens").get<std::int64_t>() == n("total"));
        CHECK(micros(t.at("reported_cost_usd")) == micros(want.at("reported_cost_usd")));
        // Failed calls (isApiErrorMessage lines) count apart from the events.
        CHECK(t.at("failed_requests").get<std::int64_t>() == n("failed_requests"));
        CHECK(count(first, "failures_new") == n("failed_requests"));

        // Idempotent: nothing changed, nothing read; a full re-read adds nothing.
        const json again = agent.sync();
        CHECK(count(again, "files_read") == 0);
        CHECK(count(again, "events_new") == 0);
        const json full = agent.sync({"--full-rescan"});
        CHECK(count(full, "files_read") == count(full, "files_seen"));
        CHECK(count(full, "events_new") == 0);
        CHECK(count(full, "events_updated") == 0);
        CHECK(agent.totals() == t);
    }
}

TEST_CASE("claude fixtures: the invalid UTF-8 case really holds invalid bytes") {
    // Guards against an editor or tool "repairing" the committed file, which
    // would silently turn the invalid-UTF-8 rule into an untested one.
    const fs::path dir = kFixtures / "synthetic-and-errors/projects/-home-dev-gamma";
    const std::string text = testing::read_file(dir / "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f.jsonl");
    CHECK(text.find("\xff\xfe") != std::string::npos);
    CHECK(text.find("msg_01SynBadUtf8000000000001") != std::string::npos);
}

TEST_CASE("claude fixtures: shared real samples match the README totals") {
    auto shared = testing::shared_dir("the Claude real-sample totals");
    if (!shared) return;
    struct Sample {
        const char* dir;
        std::int64_t events, input, output, cache_read, cache_write, total;
    };
    const Sample samples[] = {
        {"v1.0.98", 7, 93, 953, 103219, 12698, 116963},
        {"v2.0.64-flat", 9, 16914, 1046, 214627, 54148, 286735},
        {"v2.1.7-nested", 13, 5315, 3089, 246265, 176947, 431616},
    };
    for (const auto& s : samples) {
        INFO("sample: " << s.dir);
        // The sample folder is itself a projects root with transcripts directly in it.
        Agent agent(*shared / "fixtures/claude-code" / s.dir);
        CHECK(agent.sync().at("errors").empty());
        const json t = agent.totals();
        CHECK(t.at("events").get<std::int64_t>() == s.events);
        CHECK(t.at("sessions").get<std::int64_t>() == 1);
        CHECK(t.at("input_tokens").get<std::int64_t>() == s.input);
        CHECK(t.at("output_tokens").get<std::int64_t>() == s.output);
        CHECK(t.at("cache_read_tokens").get<std::int64_t>() == s.cache_read);
        CHECK(t.at("cache_write_tokens").get<std::int64_t>() == s.cache_write);
        CHECK(t.at("total_tokens").get<std::int64_t>() == s.total);
    }
}

TEST_CASE("claude incremental: an incomplete last line waits for its newline") {
    testing::TempDir claude;  // a config dir: its projects/ child is the root
    const fs::path file = claude / "projects/-home-dev-proj/8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f.jsonl";
    const std::string l1 = Assistant("msg_01", "req_01", 3, 100, 0, 10).line();
    const std::string l2 = Assistant("msg_02", "req_02", 4, 0, 100, 20).line();
    const std::string l3 = Assistant("msg_03", "req_03", 5, 0, 100, 30).line();
    const std::string half = l2.substr(0, l2.size() / 2);  // cut mid-JSON: the writer is mid-line
    testing::write_file(file, claude_test::user_line("go") + l1 + half);
    Agent agent(claude.path());

    json s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 1);
    CHECK(count(s, "malformed_lines") == 0);
    check_totals(agent.totals(), {1, 1, 3, 10, 0, 100, 0});

    testing::append_file(file, l2.substr(half.size()) + l3);
    s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 2);  // exactly the completed line and the new one
    CHECK(count(s, "events_updated") == 0);
    CHECK(count(s, "malformed_lines") == 0);
    check_totals(agent.totals(), {3, 1, 12, 60, 200, 100, 0});

    s = agent.sync();
    CHECK(count(s, "files_seen") == 1);
    CHECK(count(s, "files_read") == 0);
    CHECK(count(s, "events_new") == 0);
}

TEST_CASE("claude incremental: a truncated and rewritten file is read again from the start") {
    testing::TempDir claude;
    const fs::path file = claude / "-p/s1.jsonl";  // CLAUDE_CONFIG_DIR may name the projects dir itself
    testing::write_file(
        file, Assistant("msg_a1", "req_a1", 1, 0, 0, 10).line() + Assistant("msg_a2", "req_a2", 2, 0, 0, 20).line());
    Agent agent(claude.path());
    CHECK(count(agent.sync(), "events_new") == 2);

    // Shorter than the cursor offset: truncation.
    testing::write_file(file, Assistant("msg_b1", "req_b1", 4, 0, 0, 40).line());
    json s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 1);
    // Nothing is deleted: the store keeps the union.
    check_totals(agent.totals(), {3, 1, 7, 70, 0, 0, 0});

    // Longer, with a different head: only the fingerprint shows the rewrite.
    const std::string c1 = Assistant("msg_c1", "req_c1", 8, 0, 0, 80).line();
    const std::string c2 = Assistant("msg_c2", "req_c2", 16, 0, 0, 160).line();
    testing::write_file(file, c1 + c2);
    s = agent.sync();
    CHECK(count(s, "events_new") == 2);
    check_totals(agent.totals(), {5, 1, 31, 310, 0, 0, 0});

    // Same size, same inode, different bytes (ids differ in one character).
    const std::string d1 = Assistant("msg_d1", "req_d1", 8, 0, 0, 80).line();
    const std::string d2 = Assistant("msg_d2", "req_d2", 16, 0, 0, 160).line();
    REQUIRE(d1.size() + d2.size() == c1.size() + c2.size());
    testing::write_file(file, d1 + d2);
    s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 2);
    check_totals(agent.totals(), {7, 1, 55, 550, 0, 0, 0});
}

TEST_CASE("claude incremental: a deleted transcript keeps its events") {
    testing::TempDir claude;
    const fs::path keep = claude / "-p/11111111-1111-4111-8111-111111111111.jsonl";
    const fs::path gone = claude / "-p/22222222-2222-4222-8222-222222222222.jsonl";
    testing::write_file(keep, Assistant("msg_k", "req_k", 1, 10, 100, 5).session("s-keep").line());
    testing::write_file(gone, Assistant("msg_g", "req_g", 2, 20, 200, 6).session("s-gone").line());
    Agent agent(claude.path());
    CHECK(count(agent.sync(), "events_new") == 2);
    const Totals both{2, 2, 3, 11, 300, 30, 0};
    check_totals(agent.totals(), both);

    fs::remove(gone);  // Claude Code's 30-day cleanup
    json s = agent.sync();
    CHECK(count(s, "files_seen") == 1);
    CHECK(count(s, "files_read") == 0);
    check_totals(agent.totals(), both);
    // Even a full rescan only adds; it never removes what disappeared.
    CHECK(count(agent.sync({"--full-rescan"}), "events_new") == 0);
    check_totals(agent.totals(), both);
}

TEST_CASE("claude incremental: huge lines around usage lines are counted exactly") {
    testing::TempDir claude;
    const fs::path file = claude / "-p/s.jsonl";
    // ~100 MB tool result (no usage) then a ~20 MB assistant line whose usage
    // follows its big content, then ordinary lines.
    std::string huge_user =
        R"({"parentUuid":null,"isSidechain":false,"type":"user","sessionId":")" + claude_test::kSession +
        R"(","message":{"role":"user","content":[{"tool_use_id":"toolu_big","type":"tool_result","content":")";
    huge_user.append(100u << 20, 'a');
    huge_user += R"("}]},"uuid":"u-big","timestamp":"2025-09-03T00:47:18.000Z"})"
                 "\n";
    std::string content = Assistant("msg_before", "req_before", 1, 2, 3, 4).line();
    content += huge_user;
    huge_user.clear();
    huge_user.shrink_to_fit();
    content += Assistant("msg_big", "req_big", 11, 22, 33, 44).text(std::string(20u << 20, 'b')).line();
    content += claude_test::user_line("next");
    content += Assistant("msg_after1", "req_after1", 100, 200, 300, 400).line();
    content += Assistant("msg_after2", "req_after2", 1000, 2000, 3000, 4000).split(500, 1500).line();
    testing::write_file(file, content);
    const auto size = static_cast<std::int64_t>(content.size());
    content.clear();
    content.shrink_to_fit();

    Agent agent(claude.path());
    json s = agent.sync();
    CHECK(count(s, "events_new") == 4);
    CHECK(count(s, "malformed_lines") == 0);
    CHECK(count(s, "bytes_read") == size);
    CHECK(s.at("errors").empty());
    check_totals(agent.totals(), {4, 1, 1112, 4448, 3336, 724, 1500});
}

TEST_CASE("claude incremental: a later streaming copy with more output updates the event") {
    testing::TempDir claude;
    const fs::path file = claude / "-p/s.jsonl";
    testing::write_file(file, Assistant("msg_s", "req_s", 3, 500, 1000, 5).line());
    Agent agent(claude.path());
    CHECK(count(agent.sync(), "events_new") == 1);
    check_totals(agent.totals(), {1, 1, 3, 5, 1000, 500, 0});

    testing::append_file(file, Assistant("msg_s", "req_s", 3, 500, 1000, 90).line());
    json s = agent.sync();
    CHECK(count(s, "files_read") == 1);
    CHECK(count(s, "events_new") == 0);
    CHECK(count(s, "events_updated") == 1);
    check_totals(agent.totals(), {1, 1, 3, 90, 1000, 500, 0});

    // A smaller, late copy never lowers it.
    testing::append_file(file, Assistant("msg_s", "req_s", 3, 500, 1000, 7).line());
    s = agent.sync();
    CHECK(count(s, "events_updated") == 0);
    check_totals(agent.totals(), {1, 1, 3, 90, 1000, 500, 0});
}

TEST_CASE("claude copies: a partial gateway copy and the final one are never mixed, in one file or two") {
    // Lines with a message id and no request id (a gateway-routed session): the
    // partial copy reports the whole prompt as input, the final one splits it.
    const std::string partial = Assistant("msg_gw", "", 15000, 0, 0, 300).line();
    const std::string final_copy = Assistant("msg_gw", "", 12, 2000, 14988, 900).line();
    const Totals want{1, 1, 12, 900, 14988, 2000, 0};  // 17,900 tokens, as the final line says
    SUBCASE("one file, partial first") {
        testing::TempDir claude;
        testing::write_file(claude / "-p/s.jsonl", partial + final_copy);
        Agent agent(claude.path());
        CHECK(count(agent.sync(), "events_new") == 1);
        check_totals(agent.totals(), want);
    }
    SUBCASE("one file, final first") {
        testing::TempDir claude;
        testing::write_file(claude / "-p/s.jsonl", final_copy + partial);
        Agent agent(claude.path());
        CHECK(count(agent.sync(), "events_new") == 1);
        check_totals(agent.totals(), want);
    }
    SUBCASE("the final copy appended after a sync stored the partial one") {
        testing::TempDir claude;
        const fs::path file = claude / "-p/s.jsonl";
        testing::write_file(file, partial);
        Agent agent(claude.path());
        CHECK(count(agent.sync(), "events_new") == 1);
        check_totals(agent.totals(), {1, 1, 15000, 300, 0, 0, 0});
        testing::append_file(file, final_copy);
        CHECK(count(agent.sync(), "events_updated") == 1);
        check_totals(agent.totals(), want);
        // The partial copy read again later (a resumed session's file) changes nothing.
        testing::write_file(claude / "-p/resumed.jsonl", partial);
        json s = agent.sync();
        CHECK(count(s, "events_updated") == 0);
        check_totals(agent.totals(), want);
    }
}

namespace {

// A /btw replay: the main line (requestId A) and a sidechain copy of the same
// message.id with requestId B. Only the main one may count.
const std::string kMainLine = Assistant("msg_btw", "req_A", 5, 1000, 0, 80).line();
const std::string kReplayLine = Assistant("msg_btw", "req_B", 6, 0, 1000, 81).sidechain().line();
const std::string kOtherLine = Assistant("msg_other", "req_other", 3, 40, 1000, 25).line();
const Totals kMainOnly{2, 1, 8, 105, 1000, 1040, 0};

// Padding (a user line) makes a file bigger, so the engine, which reads
// largest files first, finishes it last.
std::string padded(const std::string& line, bool pad) {
    return pad ? claude_test::user_line(std::string(4u << 20, 'p')) + line : line;
}

}  // namespace

TEST_CASE("claude replay: the sidechain copy disappears once the main line is known") {
    testing::TempDir claude;
    const fs::path replay = claude / "-p/agent-0b0b0b0b.jsonl";
    const fs::path main = claude / "-p/8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f.jsonl";
    Agent agent(claude.path());

    testing::write_file(replay, kReplayLine);
    CHECK(count(agent.sync(), "events_new") == 1);
    // Alone, a sidechain call is a real call.
    check_totals(agent.totals(), {1, 1, 6, 81, 1000, 0, 0});

    testing::write_file(main, kMainLine + kOtherLine);
    CHECK(count(agent.sync(), "events_new") == 2);
    check_totals(agent.totals(), kMainOnly);
    // And it stays gone when everything is read again.
    CHECK(count(agent.sync({"--full-rescan"}), "events_new") == 0);
    check_totals(agent.totals(), kMainOnly);
}

TEST_CASE("claude replay: a replay arriving after the main line never counts") {
    testing::TempDir claude;
    Agent agent(claude.path());
    testing::write_file(claude / "-p/s.jsonl", kMainLine + kOtherLine);
    CHECK(count(agent.sync(), "events_new") == 2);
    check_totals(agent.totals(), kMainOnly);
    testing::write_file(claude / "-p/agent-0b0b0b0b.jsonl", kReplayLine);
    CHECK(count(agent.sync(), "files_read") == 1);
    check_totals(agent.totals(), kMainOnly);
}

TEST_CASE("claude replay: both files in one sync, in either order") {
    // Names sort either way round and either file is the big one, so the
    // replay is applied before the main line in some variants and after it in others.
    for (const bool replay_first_name : {true, false}) {
        for (const bool pad_replay : {true, false}) {
            INFO("replay named first: " << replay_first_name << ", replay padded: " << pad_replay);
            testing::TempDir claude;
            const std::string replay_name = replay_first_name ? "aaaa.jsonl" : "zzzz.jsonl";
            const std::string main_name = replay_first_name ? "zzzz.jsonl" : "aaaa.jsonl";
            testing::write_file(claude / "-p" / replay_name, padded(kReplayLine, pad_replay));
            testing::write_file(claude / "-p" / main_name, padded(kMainLine + kOtherLine, !pad_replay));
            Agent agent(claude.path());
            // The replay is stored as a superseded copy: not a new event.
            CHECK(count(agent.sync(), "events_new") == 2);
            check_totals(agent.totals(), kMainOnly);
        }
    }
}
