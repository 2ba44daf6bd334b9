// Corrupt numbers in Cursor's state.vscdb and in its dashboard CSV, through
// the REAL binary: a bubble or row whose count breaks the rule of
// usage/model/token_limits.hpp is skipped, counted, and named (the database by its
// key, the CSV by its line and column), and every other one counts.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"
#include "transcripts/cursor_db.hpp"

namespace fs = std::filesystem;
using cursor_test::Bubble;
using cursor_test::Composer;
using cursor_test::StateDb;

namespace {

// The bubble's value with the first `"key":424242` holding `raw` instead.
std::string with_raw(const Bubble& b, const std::string& id, const std::string& key, const std::string& raw) {
    std::string value = b.json(id);
    const std::string mark = "\"" + key + "\":424242";
    const auto at = value.find(mark);
    REQUIRE(at != std::string::npos);
    return value.replace(at, mark.size(), "\"" + key + "\":" + raw);
}

std::int64_t n(const nlohmann::json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

}  // namespace

TEST_CASE("cursor numbers: corrupt counts in state.vscdb skip those bubbles only") {
    testing::AgentHome home;
    StateDb db(home.dir / "home/.config/Cursor/User/globalStorage/state.vscdb");
    db.composer("c1", Composer{1768039200000, "gpt-5", {{"u1", 1}, {"a1", 2}}});
    db.bubble("c1", "u1", Bubble().user().workspace("file:///home/dev/shop"));
    db.bubble("c1", "a1", Bubble().with_model("gpt-5").counts(100, 10));
    db.put("bubbleId:c1:a2", with_raw(Bubble().with_model("gpt-5").counts(424242, 1), "a2", "inputTokens", "-5"));
    db.put("bubbleId:c1:a3", with_raw(Bubble().with_model("gpt-5").counts(1, 424242), "a3", "outputTokens", "12.5"));
    // A user bubble is no call: its counts are not read, bad or not.
    db.put("bubbleId:c1:u2", with_raw(Bubble().user().counts(424242, 0), "u2", "inputTokens", "\"x\""));
    db.bubble("c1", "a5", Bubble().with_model("gpt-5").counts(200, 20));

    auto run = home.sync_run("cursor");
    CHECK(n(run.stats, "events_new") == 2);
    CHECK(n(run.stats, "events_invalid") == 2);
    CHECK(n(run.stats, "malformed_lines") == 0);
    CHECK(run.err == "warning: " + db.path().string() +
                         ": bubbleId:c1:a2: tokenCount.inputTokens is -5, not a token count (0..1000000000): event "
                         "skipped (2 invalid events in this file)\n");
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 300);
    CHECK(n(t, "output_tokens") == 30);
}

TEST_CASE("cursor numbers: import cursor-csv counts invalid rows and names the first one") {
    testing::AgentHome home;
    const fs::path csv = home.dir / "usage-events.csv";
    testing::write_file(csv,
                        "Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output "
                        "Tokens,Total Tokens,Cost\n"
                        "2026-01-12T09:00:00Z,Included,gpt-5,No,0,10,0,1,11,0.01\n"
                        "2026-01-12T09:01:00Z,Included,gpt-5,No,0,10,0,1.5,11,0.01\n"          // line 3
                        "2026-01-12T09:02:00Z,Included,gpt-5,No,0,1000000001,0,1,,0.01\n"      // above the cap
                        "2026-01-12T09:03:00Z,Included,gpt-5,No,0,10,0,1,11,$2000000000.00\n"  // cost above its cap
                        "2026-01-12T09:04:00Z,Included,gpt-5,No,0,20,0,2,22,0.02\n");
    auto r = home.run({"import", "cursor-csv", csv.string(), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string warning = csv.string() +
                                ":3: column 'Output Tokens' is 1.5, not a token count (0..1000000000): event skipped "
                                "(3 invalid events in this file)";
    CHECK(r.err == "warning: " + warning + "\n");
    const auto out = nlohmann::json::parse(r.out);
    CHECK(n(out, "events_read") == 2);
    CHECK(n(out, "events_new") == 2);
    CHECK(n(out, "events_invalid") == 3);
    CHECK(n(out, "malformed_lines") == 0);
    CHECK(out.at("warning") == warning);
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 2);
    CHECK(n(t, "input_tokens") == 30);
    CHECK(n(t, "output_tokens") == 3);
    CHECK(std::llround(t.at("cost_usd").get<double>() * 1e6) == 30000);
}
