// End to end through the real binary: report views, JSON/CSV shapes,
// filters, ranges and time zones, exit codes and error lines.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <ctime>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"
#include "usage/config/config.hpp"

using claude_test::Assistant;

namespace {

// Two projects, two models, three days (UTC), one unknown model.
//   a1: proj-a sonnet 2026-01-10T23:30Z  in 100 out 10 cr 1000 cw 200
//   a2: proj-a sonnet 2026-01-11T08:00Z  in 50  out 20 cr 0    cw 0
//   b1: proj-b opus   2026-01-12T12:00Z  in 7   out 3  cr 0    cw 0
//   u1: proj-b mystery-model 2026-01-12T13:00Z in 1 out 1
struct Home : testing::AgentHome {
    Home() {
        auto root = dir / "claude";
        env["CLAUDE_CONFIG_DIR"] = root.string();
        testing::write_file(root / "projects" / "-w-proj-a" / "s-a.jsonl",
                            Assistant("msg_a1", "req_a1", 100, 200, 1000, 10)
                                    .session("s-a")
                                    .cwd("/w/proj-a")
                                    .at("2026-01-10T23:30:00.000Z")
                                    .line() +
                                Assistant("msg_a2", "req_a2", 50, 0, 0, 20)
                                    .session("s-a")
                                    .cwd("/w/proj-a")
                                    .at("2026-01-11T08:00:00.000Z")
                                    .line());
        testing::write_file(root / "projects" / "-w-proj-b" / "s-b.jsonl", Assistant("msg_b1", "req_b1", 7, 0, 0, 3)
                                                                                   .model("claude-opus-4-1-20250805")
                                                                                   .session("s-b")
                                                                                   .cwd("/w/proj-b")
                                                                                   .at("2026-01-12T12:00:00.000Z")
                                                                                   .line() +
                                                                               Assistant("msg_u1", "req_u1", 1, 0, 0, 1)
                                                                                   .model("mystery-model")
                                                                                   .session("s-b")
                                                                                   .cwd("/w/proj-b")
                                                                                   .at("2026-01-12T13:00:00.000Z")
                                                                                   .line());
    }
};

const nlohmann::json& row(const nlohmann::json& report, const std::string& key) {
    for (const auto& r : report["rows"])
        if (r["key"] == key) return r;
    FAIL("no row " << key);
    static nlohmann::json none;
    return none;
}

}  // namespace

TEST_CASE("cli: sync then summary, sources, projects, models with exact numbers and costs") {
    Home h;
    auto sync = h.run({"sync", "--once"});
    REQUIRE(sync.exit_code == 0);
    CHECK(sync.out.find("claude-code: 2 of 2 files read, 4 new events") != std::string::npos);
    // One warning per unpriced model, naming it.
    CHECK(sync.err.find("no price for model 'mystery-model' (1 events)") != std::string::npos);

    auto s = h.report("summary");
    const auto& t = s["totals"];
    CHECK(t["events"] == 4);
    CHECK(t["sessions"] == 2);
    CHECK(t["input_tokens"] == 158);
    CHECK(t["output_tokens"] == 34);
    CHECK(t["cache_read_tokens"] == 1000);
    CHECK(t["cache_write_tokens"] == 200);
    CHECK(t["total_tokens"] == 1392);
    CHECK(t["unpriced_events"] == 1);
    // sonnet-4-5: 150*3 + 30*15 + 1000*0.3 + 200*3.75 = 450+450+300+750 = 1950 micro-USD
    // opus-4-1:   7*15 + 3*75 = 105 + 225 = 330 micro-USD
    CHECK(t["cost_usd"].get<double>() == doctest::Approx(0.00228));
    CHECK(t["estimated_cost_usd"].get<double>() == doctest::Approx(0.00228));
    CHECK(t["reported_cost_usd"].get<double>() == 0.0);
    CHECK(s["range"]["since"].is_null());
    CHECK(s["range"]["tz"] == "UTC");

    auto projects = h.report("projects");
    REQUIRE(projects["rows"].size() == 2);
    CHECK(row(projects, "proj-a")["total_tokens"] == 1380);
    CHECK(row(projects, "proj-b")["events"] == 2);

    auto models = h.report("models");
    CHECK(row(models, "claude-opus-4-1-20250805")["cost_usd"].get<double>() == doctest::Approx(0.00033));
    CHECK(row(models, "mystery-model")["unpriced_events"] == 1);
    CHECK(row(models, "mystery-model")["cost_usd"].get<double>() == 0.0);

    auto sources = h.report("sources");
    REQUIRE(sources["rows"].size() == 1);
    CHECK(sources["rows"][0]["key"] == "claude-code");
}

TEST_CASE("cli: time buckets follow --tz, ranges and custom dates filter") {
    Home h;
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto utc = h.report("daily");
    REQUIRE(utc["rows"].size() == 3);
    CHECK(utc["rows"][0]["key"] == "2026-01-10");
    CHECK(utc["rows"][0]["events"] == 1);

    // 23:30 UTC on the 10th is the 11th in Berlin: two days only.
    auto berlin = h.report("daily", {"--tz", "Europe/Berlin"});
    REQUIRE(berlin["rows"].size() == 2);
    CHECK(berlin["rows"][0]["key"] == "2026-01-11");
    CHECK(berlin["rows"][0]["events"] == 2);
    CHECK(berlin["range"]["tz"] == "Europe/Berlin");

    auto hourly = h.report("hourly");
    CHECK(hourly["rows"][0]["key"] == "2026-01-10T23");
    auto weekly = h.report("weekly");
    REQUIRE(weekly["rows"].size() == 2);  // Sat 10th and Sun 11th are W02, Mon 12th is W03
    CHECK(weekly["rows"][0]["key"] == "2026-W02");
    CHECK(weekly["rows"][0]["events"] == 2);
    auto monthly = h.report("monthly");
    CHECK(monthly["rows"][0]["key"] == "2026-01");

    auto custom = h.report("summary", {"--since", "2026-01-11", "--until", "2026-01-11"});
    CHECK(custom["totals"]["events"] == 1);
    CHECK(custom["range"]["since"] == "2026-01-11T00:00:00.000Z");
    CHECK(custom["range"]["until"] == "2026-01-12T00:00:00.000Z");

    // Everything is older than 30 days relative to any plausible "now" of the test run.
    CHECK(h.report("summary", {"--range", "today"})["totals"]["events"] == 0);
}

namespace {

std::int64_t utc_day(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::hours>(t.time_since_epoch()).count() / 24;
}

}  // namespace

TEST_CASE("cli: named ranges count events of an hour, three days and ten days ago exactly") {
    using namespace std::chrono;
    testing::AgentHome h;
    const auto root = h.dir / "claude";
    h.env["CLAUDE_CONFIG_DIR"] = root.string();
    const auto now = system_clock::now();
    const auto hour_ago = now - hours(1);
    testing::write_file(
        root / "projects" / "-w-r" / "s.jsonl",
        Assistant("msg_h", "req_h", 1, 0, 0, 1).at(testing::iso_utc(hour_ago)).line() +
            Assistant("msg_3d", "req_3d", 10, 0, 0, 10).at(testing::iso_utc(now - hours(72))).line() +
            Assistant("msg_10d", "req_10d", 100, 0, 0, 100).at(testing::iso_utc(now - hours(240))).line());
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto events = [&](const char* range) {
        return h.report("summary", {"--range", range, "--tz", "UTC"})["totals"]["events"].get<int>();
    };
    // An hour ago is today unless the day began less than an hour ago (UTC).
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto before = system_clock::now();
        const int today = events("today");
        if (utc_day(before) != utc_day(system_clock::now())) continue;  // midnight passed: ask again
        CHECK(today == (utc_day(hour_ago) == utc_day(before) ? 1 : 0));
        break;
    }
    CHECK(events("24h") == 1);
    CHECK(events("7d") == 2);
    CHECK(events("30d") == 3);
    CHECK(h.report("summary", {"--range", "24h"})["totals"]["input_tokens"] == 1);
    CHECK(h.report("summary", {"--range", "7d"})["totals"]["input_tokens"] == 11);
}

TEST_CASE("cli: filters by source, model substring, project, machine and user") {
    Home h;
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    CHECK(h.report("summary", {"--model", "OPUS"})["totals"]["events"] == 1);
    CHECK(h.report("summary", {"--project", "proj-a"})["totals"]["events"] == 2);
    CHECK(h.report("summary", {"--source", "claude-code"})["totals"]["events"] == 4);
    CHECK(h.report("summary", {"--user", "tester"})["totals"]["events"] == 4);
    CHECK(h.report("summary", {"--user", "nobody"})["totals"]["events"] == 0);
    auto machines = h.report("machines");
    REQUIRE(machines["rows"].size() == 1);
    std::string machine = machines["rows"][0]["key"];
    CHECK(h.report("summary", {"--machine", machine})["totals"]["events"] == 4);
}

TEST_CASE("cli: sessions rows carry project, source, surface, models, activity, --full adds by_model") {
    Home h;
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto s = h.report("sessions", {"--full"});
    REQUIRE(s["rows"].size() == 2);
    const auto& b = row(s, "s-b");
    CHECK(b["project"] == "proj-b");
    CHECK(b["source"] == "claude-code");
    CHECK(b["surface"] == "cli");
    CHECK(b["models"] == nlohmann::json::array({"claude-opus-4-1-20250805", "mystery-model"}));
    CHECK(b["first_activity"] == "2026-01-12T12:00:00.000Z");
    CHECK(b["last_activity"] == "2026-01-12T13:00:00.000Z");
    REQUIRE(b["by_model"].size() == 2);
    CHECK(s["rows"][0]["key"] == "s-b");  // most recent first
}

TEST_CASE("cli: CSV and table output") {
    Home h;
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto csv = h.run({"report", "projects", "--csv", "--no-scan"});
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out.rfind("key,events,sessions,input_tokens,output_tokens,reasoning_tokens,cache_read_tokens,"
                        "cache_write_tokens,total_tokens,cost_usd,reported_cost_usd,estimated_cost_usd,"
                        "unpriced_events,failed_requests\n",
                        0) == 0);
    CHECK(csv.out.find("\nproj-a,2,1,150,30,0,1000,200,1380,0.00195,0.0,0.00195,0,0\n") != std::string::npos);
    CHECK(csv.out.find("\nTOTAL,4,2,158,34,0,1000,200,1392,") != std::string::npos);

    auto table = h.run({"report", "daily", "--no-scan", "--tz", "UTC"});
    REQUIRE(table.exit_code == 0);
    std::size_t start = 0;
    while (start < table.out.size()) {
        auto end = table.out.find('\n', start);
        CHECK(end - start <= 80);
        start = end + 1;
    }
    CHECK(table.out.find("\x1b[") == std::string::npos);  // not a TTY: no colour
}

TEST_CASE("cli: exit codes and one clear error line") {
    Home h;
    auto bad_view = h.run({"report", "weather"});
    CHECK(bad_view.exit_code == 2);
    auto bad_tz = h.run({"report", "daily", "--tz", "Mars/Base", "--no-scan"});
    CHECK(bad_tz.exit_code == 2);
    CHECK(bad_tz.err.find("unknown time zone 'Mars/Base'") != std::string::npos);
    auto both = h.run({"report", "summary", "--range", "7d", "--since", "2026-01-01"});
    CHECK(both.exit_code == 2);
    auto bad_date = h.run({"report", "summary", "--since", "2026-02-30", "--no-scan"});
    CHECK(bad_date.exit_code == 2);
    // No command is the glance now, not a usage error.
    auto no_cmd = h.run({"--no-scan"});
    CHECK(no_cmd.exit_code == 0);
    CHECK(no_cmd.out.starts_with("Today: "));

    testing::write_file(h.dir / "bad.yaml", "user: x\nsync:\n  batch_size: many\n");
    auto bad_config = h.run({"--config", (h.dir / "bad.yaml").string(), "sync", "--once"});
    CHECK(bad_config.exit_code == 1);
    CHECK(bad_config.err ==
          "usage-agent: " + (h.dir / "bad.yaml").string() + ":3: 'sync.batch_size' must be an integer, got 'many'\n");
    auto missing = h.run({"--config", (h.dir / "nope.yaml").string(), "report", "summary"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("no such config file") != std::string::npos);
}

TEST_CASE("cli: config init, check and show") {
    testing::AgentHome h;
    auto cfg = h.dir / "home" / ".config" / "usage-agent" / "config.yaml";
    auto init = h.run({"config", "init"});
    REQUIRE(init.exit_code == 0);
    CHECK(std::filesystem::exists(cfg));
    CHECK(h.run({"config", "init"}).exit_code == 1);  // refuses to overwrite
    CHECK(h.run({"config", "check"}).exit_code == 0);
    testing::write_file(cfg, "machine_name: box-1\nsources:\n  claude-code:\n    enabled: false\n");
    auto show = h.run({"config", "show"});
    REQUIRE(show.exit_code == 0);
    CHECK(show.out.find("machine_name: box-1") != std::string::npos);
    testing::write_file(cfg, "machine_name: box-1\nbogus: 1\n");
    auto check = h.run({"config", "check"});
    CHECK(check.exit_code == 1);
    CHECK(check.err.find(":2: unknown key 'bogus'") != std::string::npos);
    // The key list is the build's: it reads no file, even a broken one.
    auto keys = h.run({"config", "keys", "--markdown"});
    REQUIRE(keys.exit_code == 0);
    CHECK(keys.out == usage::config_keys_markdown());
    CHECK(h.run({"config", "keys"}).out.starts_with("machine_name (string; default: the host name)\n"));
}

TEST_CASE("cli: price overrides in the config win and re-price stored events") {
    Home h;
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    testing::write_file(h.dir / "c.yaml", "pricing:\n  overrides:\n    mystery-model: {input: 10000, output: 0}\n");
    auto s = h.report("summary", {"--config", (h.dir / "c.yaml").string()});
    CHECK(s["totals"]["unpriced_events"] == 0);
    // 1 input token at $10,000 per million (the highest price accepted) = $0.01 on top of the estimates.
    CHECK(std::llround(s["totals"]["cost_usd"].get<double>() * 1e6) == 12280);
}

TEST_CASE("cli: prices shows the match and its origin, prices update stores a LiteLLM file") {
    testing::AgentHome h;
    auto bedrock = h.run({"prices", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "--json"});
    REQUIRE(bedrock.exit_code == 0);
    auto j = nlohmann::json::parse(bedrock.out);
    CHECK(j["source"] == "built-in table");
    CHECK(j["rates"]["input"].get<double>() == doctest::Approx(3.3));

    auto unknown = h.run({"prices", "mystery-model"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("no price for model 'mystery-model'") != std::string::npos);

    testing::write_file(h.dir / "prices.json",
                        R"({"mystery-model": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06,
                            "litellm_provider": "acme"}, "sample_spec": {}})");
    auto update = h.run({"prices", "update", "--from", (h.dir / "prices.json").string()});
    REQUIRE(update.exit_code == 0);
    CHECK(update.out.find("stored 1 model prices") != std::string::npos);
    auto now = nlohmann::json::parse(h.run({"prices", "mystery-model", "--json"}).out);
    CHECK(now["source"] == "price file");
    CHECK(now["rates"]["input"] == 2.0);
    CHECK(now["rates"]["cache_write_1h"] == 4.0);  // absent: 2x input

    auto broken = h.run({"prices", "update", "--from", (h.dir / "missing.json").string()});
    CHECK(broken.exit_code == 1);
    CHECK(broken.err.find("missing.json") != std::string::npos);
}

TEST_CASE("cli: prices update --from URL downloads over HTTP (loopback server)") {
    testing::AgentHome h;
    testing::LoopbackHttpServer ok(
        200, R"({"acme-coder": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06}})");
    auto update = h.run({"prices", "update", "--from", ok.url("/prices.json")});
    REQUIRE(update.exit_code == 0);
    CHECK(ok.requests() == 1);
    auto j = nlohmann::json::parse(h.run({"prices", "acme-coder", "--json"}).out);
    CHECK(j["rates"]["output"] == 4.0);

    testing::LoopbackHttpServer missing(404, "{}");
    auto failed = h.run({"prices", "update", "--from", missing.url("/nope.json")});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err == "usage-agent: " + missing.url("/nope.json") + ": HTTP 404\n");
    // The earlier file is still in use after a failed update.
    CHECK(h.run({"prices", "acme-coder"}).exit_code == 0);
}

TEST_CASE("cli: hourly and daily reports across both DST changes in Europe/Berlin") {
    testing::AgentHome h;
    const auto root = h.dir / "claude";
    h.env["CLAUDE_CONFIG_DIR"] = root.string();
    std::string lines;
    int n = 0;
    for (const char* at : {"2026-03-29T00:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-10-25T00:30:00.000Z",
                           "2026-10-25T01:30:00.000Z", "2026-10-25T22:30:00.000Z", "2026-10-25T23:00:00.000Z"}) {
        ++n;
        lines += Assistant("msg_dst" + std::to_string(n), "req_dst" + std::to_string(n), n, 0, 0, 1).at(at).line();
    }
    testing::write_file(root / "projects" / "-w-dst" / "s.jsonl", lines);
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);

    auto keyed = [&](const char* view) {
        const nlohmann::json report = h.report(view, {"--tz", "Europe/Berlin", "--range", "all"});
        nlohmann::json out = nlohmann::json::object();
        for (const auto& r : report["rows"]) out[r["key"].get<std::string>()] = r["events"];
        return out;
    };
    // Spring: 01:30 CET then 03:30 CEST (02:xx does not exist). Autumn: 02:30
    // CEST and 02:30 CET share one hour key; 23:30 CET is still the 25th.
    CHECK(keyed("hourly") == nlohmann::json{{"2026-03-29T01", 1},
                                            {"2026-03-29T03", 1},
                                            {"2026-10-25T02", 2},
                                            {"2026-10-25T23", 1},
                                            {"2026-10-26T00", 1}});
    CHECK(keyed("daily") == nlohmann::json{{"2026-03-29", 2}, {"2026-10-25", 3}, {"2026-10-26", 1}});
    auto day = h.report("summary", {"--tz", "Europe/Berlin", "--since", "2026-10-25", "--until", "2026-10-25"});
    CHECK(day["totals"]["events"] == 3);
    CHECK(day["totals"]["input_tokens"] == 3 + 4 + 5);
}
