// Corrupt numbers in Gemini CLI sessions (JSONL and legacy JSON), through
// the REAL binary: a model call whose count breaks the rule of
// usage/model/token_limits.hpp is skipped and counted once per message id, with one
// warning naming the file, the line and the field.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "gemini_records.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace g = gemini_test;

namespace {

const std::string kSession = "51a2b3c4-1111-4222-8333-944455556666";
const std::string kHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

std::int64_t n(const nlohmann::json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("gemini numbers: corrupt counts in a JSONL session skip their message only") {
    testing::AgentHome home;
    const fs::path file = home.dir / "home/.gemini/tmp" / kHash / "chats/session-2026-03-01T10-00-51a2b3c4.jsonl";
    auto bad_output = g::tokens(100, 1, 0, 0);
    bad_output["output"] = -5;
    auto text_input = g::tokens(1, 1, 0, 0);
    text_input["input"] = "12";
    testing::write_file(
        file, g::meta_line(kSession, kHash) +                                 // 1
                  g::line(g::user("u1", "2026-03-01T10:00:01.000Z", "go")) +  // 2
                  g::line(g::gemini("g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(100, 10, 0, 0))) +
                  g::line(g::gemini("g2", "2026-03-01T10:00:06.000Z", "gemini-2.5-pro", bad_output)) +  // 4
                  g::line(g::gemini("g3", "2026-03-01T10:00:07.000Z", "gemini-2.5-pro", text_input)) +  // 5
                  g::line(g::gemini("g2", "2026-03-01T10:00:06.000Z", "gemini-2.5-pro", bad_output)) +  // 6: again
                  g::line(g::gemini("g4", "2026-03-01T10:00:08.000Z", "gemini-2.5-pro", g::tokens(200, 20, 50, 0))));
    auto run = home.sync_run("gemini-cli");
    CHECK(n(run.stats, "events_new") == 2);
    CHECK(n(run.stats, "events_invalid") == 2);
    CHECK(n(run.stats, "malformed_lines") == 0);
    CHECK(run.err == "warning: " + file.string() +
                         ":4: tokens.output is -5, not a token count (0..1000000000): event skipped (2 invalid events "
                         "in this file)\n");
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 250);
    CHECK(n(t, "cache_read_tokens") == 50);
    CHECK(n(t, "output_tokens") == 30);
}

TEST_CASE("gemini numbers: a legacy session file names the line of the bad value") {
    testing::AgentHome home;
    const fs::path file = home.dir / "home/.gemini/tmp" / kHash / "chats/session-2026-03-01T10-00-51a2b3c4.json";
    auto fractional = g::tokens(300, 3, 0, 0);
    fractional["thoughts"] = 12.5;
    const std::string text =
        g::legacy_file(kSession, kHash,
                       {g::user("u1", "2026-03-01T10:00:01.000Z", "go"),
                        g::gemini("g1", "2026-03-01T10:00:05.000Z", "gemini-2.5-pro", g::tokens(1000, 10, 0, 5)),
                        g::gemini("g2", "2026-03-01T10:00:06.000Z", "gemini-2.5-pro", fractional)});
    testing::write_file(file, text);
    const auto at = text.find("\"thoughts\": 12.5");
    REQUIRE(at != std::string::npos);
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');

    auto run = home.sync_run("gemini-cli");
    CHECK(n(run.stats, "events_new") == 1);
    CHECK(n(run.stats, "events_invalid") == 1);
    CHECK(run.err == "warning: " + file.string() + ":" + std::to_string(line) +
                         ": tokens.thoughts is 12.5, not a token count (0..1000000000): event skipped (1 invalid "
                         "event in this file)\n");
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 1);
    CHECK(n(t, "input_tokens") == 1000);
    CHECK(n(t, "output_tokens") == 15);
}
