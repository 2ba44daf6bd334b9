// Corrupt numbers in OpenCode's database and legacy files, through the REAL
// binary: a message whose count or cost breaks the rule of
// usage/model/token_limits.hpp is skipped, counted, and named (the database by its
// message row, a legacy file by its line), and every other message counts.
#include <doctest/doctest.h>

#include <string>

#include "transcripts/opencode_fixture.hpp"

namespace fs = std::filesystem;
using opencode_test::assistant;

namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

// `text` with its first `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// `text` with the first `"key":424242` holding `raw` instead.
std::string with_raw(const std::string& text, const std::string& key, const std::string& raw) {
    return replaced(text, "\"" + key + "\":424242", "\"" + key + "\":" + raw);
}

std::int64_t n(const nlohmann::json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("opencode numbers: corrupt counts in database rows skip those messages only") {
    testing::AgentHome home;
    const fs::path root = home.dir / "xdg-data/opencode";
    home.env["XDG_DATA_HOME"] = (home.dir / "xdg-data").string();
    opencode_test::Db db(root / "opencode.db");
    db.project("prj_app", "/w/app");
    db.session("ses_main", "prj_app", "", "/w/app");
    db.assistant(assistant("msg_a1", "ses_main", {100, 10, 0, 0, 0}), kT0 + 1);
    const auto a2 = assistant("msg_a2", "ses_main", {1, 424242, 0, 0, 0});
    db.message(a2.id, a2.session, kT0 + 2, with_raw(a2.data(), "output", "-5"));
    const auto a3 = assistant("msg_a3", "ses_main", {424242, 1, 0, 0, 0});
    db.message(a3.id, a3.session, kT0 + 3, with_raw(a3.data(), "input", "9223372036854775807"));
    const auto a4 = assistant("msg_a4", "ses_main", {4, 4, 0, 0, 0});
    db.message(a4.id, a4.session, kT0 + 4, replaced(a4.data(), "\"cost\":0", "\"cost\":-0.01"));
    db.assistant(assistant("msg_a5", "ses_main", {200, 20, 0, 0, 0}), kT0 + 5);

    auto run = home.sync_run("opencode");
    CHECK(n(run.stats, "events_new") == 2);
    CHECK(n(run.stats, "events_invalid") == 3);
    CHECK(n(run.stats, "malformed_lines") == 0);
    CHECK(run.err == "warning: " + db.path().string() +
                         ": message msg_a2: tokens.output is -5, not a token count (0..1000000000): event skipped (3 "
                         "invalid events in this file)\n");
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 300);
    CHECK(n(t, "output_tokens") == 30);
}

TEST_CASE("opencode numbers: a legacy message file names the line of its bad count") {
    testing::AgentHome home;
    const fs::path storage = home.dir / "xdg-data/opencode/storage";
    home.env["XDG_DATA_HOME"] = (home.dir / "xdg-data").string();
    opencode_test::legacy_project(storage, "prj_app", "/w/app");
    opencode_test::legacy_session(storage, "prj_app", "ses_old", "", "/w/app");
    opencode_test::legacy_message(storage, assistant("msg_l1", "ses_old", {10, 10, 0, 0, 0}));
    // Pretty-printed like OpenCode's legacy files: the bad count on line 3.
    const auto l2 = assistant("msg_l2", "ses_old", {1, 1, 424242, 0, 0});
    const std::string pretty = replaced(replaced(with_raw(l2.file(), "reasoning", "1e3"), ",\"role\"", ",\n  \"role\""),
                                        ",\"tokens\"", ",\n  \"tokens\"");
    const fs::path file = storage / "message/ses_old/msg_l2.json";
    testing::write_file(file, pretty);

    auto run = home.sync_run("opencode");
    CHECK(n(run.stats, "events_new") == 1);
    CHECK(n(run.stats, "events_invalid") == 1);
    CHECK(run.err == "warning: " + file.string() +
                         ":3: tokens.reasoning is 1e3, not a token count (0..1000000000): event skipped (1 invalid "
                         "event in this file)\n");
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 1);
    CHECK(n(t, "input_tokens") == 10);
}
