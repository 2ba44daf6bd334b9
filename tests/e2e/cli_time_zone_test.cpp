// The zone of `report` when --tz is not given: TZ as every other program
// reads it (docs/cli.md, Environment), and --tz over it.
#include <doctest/doctest.h>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

TEST_CASE("report: without --tz the zone comes from TZ, with or without the leading colon") {
    testing::AgentHome h;
    h.env["CLAUDE_CONFIG_DIR"] = (h.dir / "claude").string();
    // 23:30 UTC on the 10th: the 11th in Tokyo, still the 10th in New York.
    testing::write_file(h.dir / "claude" / "projects" / "-w-app" / "s.jsonl",
                        claude_test::Assistant("msg_1", "req_1", 10, 0, 0, 5).at("2026-01-10T23:30:00.000Z").line());
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);

    auto daily = [&](const std::string& tz, std::vector<std::string> extra = {}) {
        auto env = h.env;
        env["TZ"] = tz;
        std::vector<std::string> args{"report", "daily", "--json", "--no-scan"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = testing::run_agent(args, env);
        INFO("TZ=" << tz << " stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    };
    const auto tokyo = daily("Asia/Tokyo");
    CHECK(tokyo["range"]["tz"] == "Asia/Tokyo");
    REQUIRE(tokyo["rows"].size() == 1);
    CHECK(tokyo["rows"][0]["key"] == "2026-01-11");

    const auto new_york = daily(":America/New_York");
    CHECK(new_york["range"]["tz"] == "America/New_York");
    REQUIRE(new_york["rows"].size() == 1);
    CHECK(new_york["rows"][0]["key"] == "2026-01-10");

    // --tz wins over TZ.
    const auto berlin = daily("Asia/Tokyo", {"--tz", "Europe/Berlin"});
    CHECK(berlin["range"]["tz"] == "Europe/Berlin");
    CHECK(berlin["rows"][0]["key"] == "2026-01-11");
    const auto utc = daily("Asia/Tokyo", {"--tz", "UTC"});
    CHECK(utc["range"]["tz"] == "UTC");
    CHECK(utc["rows"][0]["key"] == "2026-01-10");
}
