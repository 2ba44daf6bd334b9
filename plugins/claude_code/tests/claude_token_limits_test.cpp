// Corrupt numbers in Claude Code transcripts, through the REAL binary: each
// line whose count breaks the rule of usage/model/token_limits.hpp is skipped and
// counted (`events_invalid`), one warning names the file, the first bad line
// and its field, and every other line of the file still counts.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

namespace fs = std::filesystem;
using claude_test::Assistant;

namespace {

// A line whose `field` holds `raw` exactly as written (1e400, 12.0 and
// 99999999999999999999 have no nlohmann value). The builder's 424242 marks
// the spot.
std::string with_raw(const Assistant& a, const std::string& field, const std::string& raw) {
    std::string line = a.line();
    const std::string mark = "\"" + field + "\":424242";
    const auto at = line.find(mark);
    REQUIRE(at != std::string::npos);
    return line.replace(at, mark.size(), "\"" + field + "\":" + raw);
}

std::int64_t n(const nlohmann::json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("claude numbers: every kind of corrupt count skips its line only, with one warning") {
    testing::AgentHome home;
    const fs::path file = home.dir / "home/.claude/projects/p/s.jsonl";
    std::string text = claude_test::user_line("hi");                                        // line 1
    text += Assistant("msg_A", "req_A", 10, 0, 0, 5).line();                                // 2
    text += with_raw(Assistant("msg_B", "req_B", 1, 0, 0, 424242), "output_tokens", "-5");  // 3
    text += with_raw(Assistant("msg_C", "req_C", 424242, 0, 0, 1), "input_tokens", "12.5");
    text += with_raw(Assistant("msg_D", "req_D", 1, 0, 424242, 1), "cache_read_input_tokens", "12.0");
    text += with_raw(Assistant("msg_E", "req_E", 1, 424242, 0, 1), "cache_creation_input_tokens", "1e3");
    text += with_raw(Assistant("msg_F", "req_F", 1, 0, 0, 424242), "output_tokens", "1e400");
    text += with_raw(Assistant("msg_G", "req_G", 424242, 0, 0, 1), "input_tokens", "\"12\"");
    text += with_raw(Assistant("msg_H", "req_H", 1, 0, 0, 424242), "output_tokens", "9223372036854775807");
    text += with_raw(Assistant("msg_I", "req_I", 424242, 0, 0, 1), "input_tokens", "99999999999999999999");
    text += with_raw(Assistant("msg_J", "req_J", 1, 0, 0, 424242), "output_tokens", "1000000001");  // 11
    text += Assistant("msg_K", "req_K", 1000000000, 0, 0, 1).line();  // 12: at the cap, valid
    // 13: a later copy of msg_A with a corrupt count: only this copy goes.
    text += with_raw(Assistant("msg_A", "req_A", 10, 0, 0, 424242), "output_tokens", "-7");
    text += Assistant("msg_M", "req_M", 3, 0, 0, 3).cost(-0.5).line();          // 14: a negative reported cost
    text += with_raw(Assistant("msg_N", "req_N", 1, 0, 0, 1).split(424242, 0),  // 15
                     "ephemeral_5m_input_tokens", "{\"n\":1}");
    text += Assistant("msg_L", "req_L", 20, 0, 0, 7).line();  // 16
    testing::write_file(file, text);

    auto run = home.sync_run("claude-code");
    CHECK(n(run.stats, "events_new") == 3);
    CHECK(n(run.stats, "events_invalid") == 12);
    CHECK(n(run.stats, "malformed_lines") == 0);
    const std::string warning = file.string() +
                                ":3: message.usage.output_tokens is -5, not a token count (0..1000000000): event "
                                "skipped (12 invalid events in this file)";
    CHECK(run.stats.at("warnings") == nlohmann::json::array({warning}));
    CHECK(run.err == "warning: " + warning + "\n");

    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 3);
    CHECK(n(t, "input_tokens") == 1000000030);
    CHECK(n(t, "output_tokens") == 13);
    CHECK(n(t, "cache_read_tokens") == 0);
    CHECK(n(t, "cache_write_tokens") == 0);
    CHECK(n(t, "total_tokens") == 1000000043);

    // The cursor moved past the bad lines: nothing is read again, no warning.
    auto again = home.sync_run("claude-code");
    CHECK(n(again.stats, "files_read") == 0);
    CHECK(n(again.stats, "events_invalid") == 0);
    CHECK(again.err.empty());

    // An appended bad line is named by its line in the whole file, though
    // the scan starts at the cursor.
    testing::append_file(file, with_raw(Assistant("msg_O", "req_O", 424242, 0, 0, 1), "input_tokens", "-1") +
                                   Assistant("msg_P", "req_P", 4, 0, 0, 4).line());
    auto appended = home.sync_run("claude-code");
    CHECK(n(appended.stats, "events_new") == 1);
    CHECK(n(appended.stats, "events_invalid") == 1);
    CHECK(appended.err == "warning: " + file.string() +
                              ":17: message.usage.input_tokens is -1, not a token count (0..1000000000): event "
                              "skipped (1 invalid event in this file)\n");
    CHECK(n(home.report("summary").at("totals"), "events") == 4);
}

TEST_CASE("claude numbers: the text summary counts the invalid events") {
    testing::AgentHome home;
    testing::write_file(home.dir / "home/.claude/projects/p/s.jsonl",
                        Assistant("msg_A", "req_A", 10, 0, 0, 5).line() +
                            with_raw(Assistant("msg_B", "req_B", 1, 0, 0, 424242), "output_tokens", "-5"));
    auto r = home.run({"sync", "--once"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("claude-code: 1 of 1 files read, 1 new event, 0 updated, 1 invalid, ") != std::string::npos);
}
