// Budgets end to end through the real binary: `budget status` figures on a
// store with known events, `run` delivering each threshold's alert exactly
// once per period to a real webhook receiver on loopback and to a command
// (JSON on stdin) across scans and a restart, a webhook that fails getting
// the alert at the next evaluation, and the statusline's budget part.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// $10 per million tokens of every kind: 100,000 input tokens are $1.00.
const char* kPrices =
    "pricing:\n  overrides:\n    claude-sonnet-4-5-20250929: {input: 10, output: 10, cache_read: 10, "
    "cache_write_5m: 10}\n";

fs::path config_file(const testing::AgentHome& h) {
    return h.dir / "home" / ".config" / "usage-agent" / "config.yaml";
}

fs::path transcript(const testing::AgentHome& h) {
    return h.dir / "home" / ".claude" / "projects" / "-w-shop" / "s1.jsonl";
}

std::string call(const std::string& id, std::int64_t input, const std::string& at, const std::string& cwd = "/w/shop") {
    return claude_test::Assistant(id, "req_" + id, input, 0, 0, 0).session("s1").cwd(cwd).at(at).line();
}

// An instant of today (UTC, the home's TZ) before now: half-way through the
// day so far, so a test running just after midnight stays in one day.
std::string earlier_today() {
    const auto now = std::chrono::system_clock::now();
    const auto day = std::chrono::floor<std::chrono::days>(now);
    return testing::iso_utc(day + (now - day) / 2);
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

using testing::wait_until;

std::vector<nlohmann::json> bodies(const testing::LoopbackHttpServer& hook) {
    std::vector<nlohmann::json> out;
    for (const auto& r : hook.received()) out.push_back(nlohmann::json::parse(r.body));
    return out;
}

std::unique_ptr<testing::AgentProcess> start_run(const testing::AgentHome& h) {
    auto agent =
        std::make_unique<testing::AgentProcess>(std::vector<std::string>{"run", "--log-level", "debug"}, h.env);
    const bool scanned = agent->wait_for_err(" scan: ");
    INFO("stderr: " << agent->err());
    REQUIRE(scanned);
    return agent;
}

}  // namespace

TEST_CASE("budget status: spent, percent and forecast of each budget at an instant, as JSON and as a table") {
    testing::AgentHome h;
    testing::write_file(config_file(h), std::string(kPrices) +
                                            "budgets:\n"
                                            "  - name: monthly\n    period: month\n    time_zone: UTC\n"
                                            "    limit_usd: 4\n"
                                            "  - name: shop-daily\n    period: day\n    time_zone: UTC\n"
                                            "    limit_usd: 1\n    thresholds: [50]\n    filter: {project: shop}\n");
    testing::write_file(transcript(h), call("a1", 200000, "2026-01-10T10:00:00.000Z") +
                                           call("a2", 100000, "2026-01-15T01:00:00.000Z", "/w/blog") +
                                           call("a3", 50000, "2026-01-15T02:00:00.000Z") +
                                           call("a4", 900000, "2026-01-20T00:00:00.000Z"));
    auto r = h.run({"budget", "status", "--json", "--at", "2026-01-15T12:00:00.000Z"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    // Month: $2 + $1 + $0.50 by the 15th at noon (a4 comes later); 14.5 of
    // 31 days gone, so $3.50 * 31 / 14.5 = $7.482759 by the month's end.
    const nlohmann::json want = {{"as_of", "2026-01-15T12:00:00.000Z"},
                                 {"budgets",
                                  {{{"budget", "monthly"},
                                    {"per", "all"},
                                    {"scope", ""},
                                    {"period", "month"},
                                    {"period_label", "2026-01"},
                                    {"period_start", "2026-01-01T00:00:00.000Z"},
                                    {"period_end", "2026-02-01T00:00:00.000Z"},
                                    {"time_zone", "UTC"},
                                    {"as_of", "2026-01-15T12:00:00.000Z"},
                                    {"spent_usd", 3.5},
                                    {"limit_usd", 4.0},
                                    {"percent", 87.5},
                                    {"forecast_usd", 7.482759},
                                    {"thresholds_crossed", {50, 80}},
                                    {"thresholds_fired", nlohmann::json::array()}},
                                   // The shop's day: only a3 ($0.50) by noon, so $1.00 by midnight.
                                   {{"budget", "shop-daily"},
                                    {"per", "all"},
                                    {"scope", ""},
                                    {"period", "day"},
                                    {"period_label", "2026-01-15"},
                                    {"period_start", "2026-01-15T00:00:00.000Z"},
                                    {"period_end", "2026-01-16T00:00:00.000Z"},
                                    {"time_zone", "UTC"},
                                    {"as_of", "2026-01-15T12:00:00.000Z"},
                                    {"spent_usd", 0.5},
                                    {"limit_usd", 1.0},
                                    {"percent", 50.0},
                                    {"forecast_usd", 1.0},
                                    {"thresholds_crossed", {50}},
                                    {"thresholds_fired", nlohmann::json::array()}}}}};
    CHECK(j == want);

    r = h.run({"budget", "status", "--no-scan", "--at", "2026-01-15T12:00:00.000Z"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "budget      period          spent  limit      %  forecast  fired\n"
          "monthly     month 2026-01   $3.50  $4.00  87.5%     $7.48  -\n"
          "shop-daily  day 2026-01-15  $0.50  $1.00  50.0%     $1.00  -\n");

    r = h.run({"budget", "status", "--at", "yesterday"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--at must be an ISO-8601 time") != std::string::npos);
}

TEST_CASE(
    "budget run: each threshold alerts exactly once per period to the webhook and the command, across a restart") {
    testing::LoopbackHttpServer hook(200, "ok");
    testing::AgentHome h;
    const fs::path out = h.dir / "alerts.jsonl";
    testing::write_file(config_file(h), std::string(kPrices) + "budgets:\n  - name: daily\n    period: day\n" +
                                            "    time_zone: UTC\n    limit_usd: 1\n    thresholds: [50, 100]\n" +
                                            "    notify:\n      - webhook: " + hook.url("/hooks/T000") + "\n" +
                                            "      - command: [\"/bin/sh\", \"-c\", \"cat >> " + out.string() +
                                            "\"]\n");
    const std::string today = earlier_today();
    testing::write_file(transcript(h), call("m1", 60000, today));  // $0.60: 60%
    {
        auto agent = start_run(h);
        REQUIRE(wait_until([&] { return hook.requests() == 1; }));
        testing::append_file(transcript(h), call("m2", 50000, today));  // $1.10: 110%
        REQUIRE(wait_until([&] { return hook.requests() == 2; }));
        testing::append_file(transcript(h), call("m3", 1000, today));  // $1.11: nothing new to say
        REQUIRE(wait_until([&] { return count(agent->err(), "scan: claude-code 1 new") == 3; }));
        CHECK(hook.requests() == 2);
        INFO("stderr: " << agent->err());
        CHECK(count(agent->err(), "budget alert sent (webhook ") == 2);
        CHECK(count(agent->err(), "budget alert sent (command ") == 2);
        CHECK(agent->stop() == 0);
    }
    {
        auto agent = start_run(h);  // its first scan evaluates the budgets again
        testing::append_file(transcript(h), call("m4", 1000, today));
        REQUIRE(wait_until([&] { return count(agent->err(), "scan: claude-code 1 new") == 1; }));
        CHECK(hook.requests() == 2);
        CHECK(agent->stop() == 0);
    }

    const auto sent = bodies(hook);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0]["threshold"] == 50);
    CHECK(sent[0]["spent_usd"] == 0.6);
    CHECK(sent[1]["threshold"] == 100);
    CHECK(sent[1]["spent_usd"] == 1.1);
    for (const auto& s : sent) {
        CHECK(s["budget"] == "daily");
        CHECK(s["limit_usd"] == 1.0);
        CHECK(s["period"] == "day");
    }
    CHECK(sent[0]["text"].get<std::string>().find("usage-agent: budget daily reached 50% of $1.00 this day (") == 0);
    CHECK(hook.received()[0].head.find("POST /hooks/T000 ") == 0);

    // The command read the same JSON on its stdin, one alert a line.
    const std::string lines = testing::read_file(out);
    REQUIRE(count(lines, "\n") == 2);
    const auto first = nlohmann::json::parse(lines.substr(0, lines.find('\n')));
    CHECK(first == sent[0]);

    const auto status = nlohmann::json::parse(h.run({"budget", "status", "--json", "--no-scan"}).out);
    CHECK(status["budgets"][0]["thresholds_fired"] == nlohmann::json{50, 100});
    CHECK(status["budgets"][0]["spent_usd"] == 1.12);
}

TEST_CASE("budget run: an alert the webhook refused is delivered at the next evaluation, then never again") {
    // Three 503s use up the first evaluation's tries; the 4th request gets 200.
    testing::LoopbackHttpServer hook(std::vector<testing::LoopbackHttpServer::Reply>{
        {503, "busy", {}}, {503, "busy", {}}, {503, "busy", {}}, {200, "ok", {}}});
    testing::AgentHome h;
    testing::write_file(config_file(h), std::string(kPrices) + "budgets:\n  - name: daily\n    period: day\n" +
                                            "    time_zone: UTC\n    limit_usd: 1\n    thresholds: [50]\n" +
                                            "    notify:\n      - webhook: " + hook.url("/hook") + "\n");
    const std::string today = earlier_today();
    testing::write_file(transcript(h), call("m1", 60000, today));
    auto agent = start_run(h);
    REQUIRE(wait_until([&] { return hook.requests() == 3; }));
    REQUIRE(agent->wait_for_err("budget alert daily not delivered, tried again at the next evaluation: webhook "));
    CHECK(agent->err().find("HTTP 503") != std::string::npos);
    testing::append_file(transcript(h), call("m2", 1000, today));
    REQUIRE(wait_until([&] { return hook.requests() == 4; }));
    testing::append_file(transcript(h), call("m3", 1000, today));
    REQUIRE(wait_until([&] { return count(agent->err(), "scan: claude-code 1 new") == 3; }));
    CHECK(hook.requests() == 4);
    CHECK(count(agent->err(), "budget alert sent (webhook ") == 1);
}

TEST_CASE("budget statusline: the line shows the share spent of each budget covering the session") {
    testing::AgentHome h;
    testing::write_file(config_file(h), std::string(kPrices) +
                                            "budgets:\n"
                                            "  - name: claude-daily\n    period: day\n    time_zone: UTC\n"
                                            "    limit_usd: 1\n    filter: {source: claude-code}\n"
                                            "  - name: codex-daily\n    period: day\n    limit_usd: 1\n"
                                            "    filter: {source: codex}\n"
                                            "  - name: team\n    period: day\n    limit_usd: 1\n    per: user\n");
    testing::write_file(transcript(h), call("m1", 64000, earlier_today()));
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    const fs::path input = h.dir / "stdin.json";
    testing::write_file(input, R"({"session_id": "s9", "model": {"id": "claude-sonnet-4-5-20250929",
                                  "display_name": "Sonnet 4.5"}, "cwd": "/w/shop"})");
    const auto r = testing::run_command(
        {"/bin/sh", "-c", "exec \"$0\" statusline < \"$1\"", USAGE_AGENT_BIN, input.string()}, h.env);
    INFO("stderr: " << r.err);
    CHECK(r.out == "Sonnet 4.5 | today ~$0.64 | claude-daily 64%\n");
}
