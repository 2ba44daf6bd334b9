// The session cost ledger in what people read: `report sessions` (table and
// --json) and the API's sessions view show a session's ledger figure (what
// `statusline` recorded from Claude Code) as its cost, unmarked, and the
// other sessions' estimated sums marked `~`.
#include <map>
#include <sstream>

#include "serve_local_home.hpp"

using namespace serve_test;

namespace {

// What Claude Code hands its statusline for session s-a, recorded by the real binary.
void record_statusline(const testing::AgentHome& h, const std::string& json) {
    const auto input = h.dir / "statusline.json";
    testing::write_file(input, json);
    const auto r = testing::run_command(
        {"/bin/sh", "-c", "exec \"$0\" statusline < \"$1\"", USAGE_AGENT_BIN, input.string()}, h.env);
    REQUIRE(r.exit_code == 0);
}

const nlohmann::json& row_of(const nlohmann::json& report, const std::string& session) {
    for (const auto& row : report["rows"])
        if (row["key"] == session) return row;
    FAIL("no row for session " << session);
    static const nlohmann::json none;
    return none;
}

}  // namespace

TEST_CASE("report sessions: a session's ledger cost is shown as its cost, the others' estimates marked ~") {
    LocalHome home;
    REQUIRE(home.run({"sync", "--once"}).exit_code == 0);
    record_statusline(home, R"({"session_id": "s-a", "model": {"id": "claude-sonnet-4-5-20250929",
                               "display_name": "Sonnet 4.5"}, "version": "2.1.81",
                               "cost": {"total_cost_usd": 2.5}})");

    const auto report = home.report("sessions");
    const auto& a = row_of(report, "s-a");
    // The events' estimate stays cost_usd (rows add up to the totals): Sonnet
    // 150 in x $3 + 30 out x $15 + 200 cache write x $3.75 + 1,000 cache read x $0.30 per M.
    CHECK(a["cost_usd"] == 0.00195);
    CHECK(a["ledger_cost_usd"] == 2.5);
    CHECK(a["session_cost_usd"] == 2.5);
    CHECK(a["session_cost_origin"] == "ledger");
    const auto& b = row_of(report, "s-b");
    CHECK(b["cost_usd"] == 0.00033);  // Opus 4.1: 7 in x $15 + 3 out x $75 per M
    CHECK(b["ledger_cost_usd"].is_null());
    CHECK(b["session_cost_usd"] == 0.00033);
    CHECK(b["session_cost_origin"] == "events");
    CHECK(report["totals"]["cost_usd"] == 0.00228);

    // The table: s-a's figure as it is, s-b's estimate marked.
    const auto table = home.run({"report", "sessions", "--no-scan"});
    REQUIRE(table.exit_code == 0);
    const auto row_line = [&](const std::string& session) {
        std::istringstream in(table.out);
        for (std::string line; std::getline(in, line);)
            if (line.starts_with(session + " ")) return line;
        return std::string();
    };
    CHECK(row_line("s-a").ends_with(" $2.50"));
    CHECK(row_line("s-b").ends_with(" ~$0.00"));

    // CSV: the same three columns as --json, empty on the TOTAL row.
    const auto csv = home.run({"report", "sessions", "--no-scan", "--csv"});
    REQUIRE(csv.exit_code == 0);
    std::istringstream csv_in(csv.out);
    std::string header;
    std::getline(csv_in, header);
    CHECK(header.ends_with(",failed_requests,ledger_cost_usd,session_cost_usd,session_cost_origin"));
    std::map<std::string, std::string> tails;
    for (std::string line; std::getline(csv_in, line);) {
        const auto comma = line.find(',');
        std::size_t at = line.size();
        for (int i = 0; i < 3; ++i) at = line.rfind(',', at - 1);
        tails[line.substr(0, comma)] = line.substr(at + 1);
    }
    CHECK(tails["s-a"] == "2.5,2.5,ledger");
    CHECK(tails["s-b"] == ",0.00033,events");
    CHECK(tails["TOTAL"] == ",,");

    // The API's sessions view is report --json's.
    testing::ServeProcess server(home);
    auto api = get_json(server, "/api/v1/sessions");
    api.erase("paging");
    CHECK(api == report);
    CHECK(server.stop() == 0);
}
