// Failed calls (Claude Code's `isApiErrorMessage` lines) through the real
// binary: counted apart from the events by the agent (`sync`, `report`,
// `report --failures`), pushed with the protocol's `failure`, and kept apart
// by a SQLite and a PostgreSQL endpoint, whose read API counts them the same.
#include <doctest/doctest.h>

#include "push_helpers.hpp"
#include "serve_helpers.hpp"
#include "transcripts/claude_lines.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "postgres_server.hpp"
#endif

namespace {

using claude_test::api_error_line;
using claude_test::Assistant;
using Rows = std::vector<std::vector<std::string>>;

// Two days: an answered opus call and one failure on the first; an answered
// sonnet call and two failures on the second; a copy of the first failure
// (a resumed session): three failed calls in all.
void add_calls(const push_test::TeamMachine& m) {
    const std::string rate_limited = api_error_line("0b1e0000-rate", "2026-01-10T10:05:00.000Z", "rate_limit", 429);
    testing::append_file(
        m.transcript,
        Assistant("msg_f1", "req_f1", 100, 0, 0, 10).model("claude-opus-4-5").at("2026-01-10T10:00:00.000Z").line() +
            rate_limited +
            Assistant("msg_f2", "req_f2", 200, 0, 0, 20)
                .model("claude-sonnet-4-5")
                .at("2026-01-11T09:00:00.000Z")
                .line() +
            api_error_line("0b1e0000-over", "2026-01-11T09:30:00.000Z", "", 529) +
            api_error_line("0b1e0000-down", "2026-01-11T09:31:00.000Z", "server_error", 500) + rate_limited);
}

// (key, events, failed requests, input tokens) of each row.
Rows keyed(const nlohmann::json& report) {
    Rows out;
    for (const auto& r : report["rows"])
        out.push_back({r["key"].get<std::string>(), std::to_string(r["events"].get<std::int64_t>()),
                       std::to_string(r["failed_requests"].get<std::int64_t>()),
                       std::to_string(r["input_tokens"].get<std::int64_t>())});
    return out;
}

const Rows kByModel = {{"claude-sonnet-4-5", "1", "2", "200"}, {"claude-opus-4-5", "1", "1", "100"}};
const Rows kByDay = {{"2026-01-10", "1", "1", "100"}, {"2026-01-11", "1", "2", "200"}};

void check_totals(const nlohmann::json& totals) {
    CHECK(totals["events"] == 2);
    CHECK(totals["failed_requests"] == 3);
    CHECK(totals["sessions"] == 1);
    CHECK(totals["input_tokens"] == 300);
    CHECK(totals["output_tokens"] == 30);
}

// The endpoint counts the failed calls as the agent does, whatever its store.
void check_read_api(const testing::ServeProcess& server, const std::string& token) {
    check_totals(serve_test::get_json(server, "/api/v1/summary?range=all", token)["totals"]);
    CHECK(keyed(serve_test::get_json(server, "/api/v1/by-model?range=all", token)) == kByModel);
    CHECK(keyed(serve_test::get_json(server, "/api/v1/timeseries?range=all&bucket=day&tz=UTC", token)) == kByDay);
}

}  // namespace

TEST_CASE("failed calls: counted apart by the agent, pushed, and kept apart by a SQLite endpoint") {
    testing::AgentHome server_home;
    const std::string token = serve_test::add_token(server_home, "bob", "member");
    testing::ServeProcess server(server_home, {"--ingest"});
    push_test::TeamMachine laptop("laptop", server.url(""), token);
    add_calls(laptop);
    const auto synced = laptop.sync();
    REQUIRE(synced["sources"].size() >= 1);
    for (const auto& s : synced["sources"])
        if (s["source"] == "claude-code") {
            CHECK(s["events_new"] == 2);
            CHECK(s["failures_new"] == 3);
        }
    CHECK(synced["push"]["endpoint_new"] == 5);  // rows: the endpoint stores the failed calls too
    CHECK(synced["push"]["sent"] == 5);
    CHECK(synced["push"]["sent_failed"] == 3);
    check_read_api(server, token);

    check_totals(laptop.local_totals());
    auto r = laptop.run({"report", "models", "--json", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    CHECK(keyed(nlohmann::json::parse(r.out)) == kByModel);
    r = laptop.run({"report", "daily", "--json", "--no-scan", "--tz", "UTC"});
    REQUIRE(r.exit_code == 0);
    CHECK(keyed(nlohmann::json::parse(r.out)) == kByDay);

    // The tables: a line in the summary, a note under other views, the counts per row with --failures.
    r = laptop.run({"report", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    INFO(r.out);
    CHECK(r.out.find("failed requests       3 (60.0% of 5, not in any figure above)\n") != std::string::npos);
    r = laptop.run({"report", "models", "--no-scan"});
    CHECK(r.out.find("3 failed requests (60.0%) are in no column: --failures shows them per row\n") !=
          std::string::npos);
    r = laptop.run({"report", "models", "--failures", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("MODEL                      REQUESTS       ANSWERED         FAILED       FAILED %\n") !=
          std::string::npos);
    CHECK(r.out.find("\nclaude-sonnet-4-5                 3              1              2          66.7%\n") !=
          std::string::npos);
    CHECK(r.out.find("\nclaude-opus-4-5                   2              1              1          50.0%\n") !=
          std::string::npos);
    CHECK(r.out.find("\nTOTAL                             5              2              3          60.0%\n") !=
          std::string::npos);

    // Nothing new on the next sync; the text output names the failed calls of a scan that finds some.
    r = laptop.run({"sync", "--once", "--no-push"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("failed request") == std::string::npos);
    testing::append_file(laptop.transcript,
                         api_error_line("0b1e0000-late", "2026-01-12T08:00:00.000Z", "overloaded_error", 529));
    r = laptop.run({"sync", "--once", "--no-push"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(" 0 new events, 0 updated, 1 failed request, ") != std::string::npos);
    CHECK(server.stop() == 0);
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("failed calls: kept apart by a PostgreSQL endpoint") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string db = pg->fresh_database();
    testing::AgentHome server_home;
    auto added = server_home.run({"serve", "token", "add", "--store", db, "--user", "bob", "--role", "member"});
    REQUIRE(added.exit_code == 0);
    const std::string token = added.out.substr(0, added.out.find('\n'));
    testing::ServeProcess server(server_home, {"--ingest", "--store", db});
    push_test::TeamMachine laptop("laptop", server.url(""), token);
    add_calls(laptop);
    CHECK(laptop.sync()["push"]["endpoint_new"] == 5);
    testing::PgConnection check(db);
    CHECK(check.query("SELECT id, failure, model, (input + output)::text FROM events WHERE failure <> '' ORDER BY id "
                      "COLLATE \"C\"") == Rows{{"claude-code:0b1e0000-down:", "server_error", "claude-sonnet-4-5", "0"},
                                               {"claude-code:0b1e0000-over:", "http_529", "claude-sonnet-4-5", "0"},
                                               {"claude-code:0b1e0000-rate:", "rate_limit", "claude-opus-4-5", "0"}});
    CHECK(check.scalar("SELECT sum(events) FROM usage_rollup") == "2");
    check_read_api(server, token);
}
#endif
