// End to end through the real binary: `usage-agent` without a command. The
// binary has no way to fix "now", so the transcripts are dated relative to
// the real clock (in UTC, the homes' zone) and every expectation is computed
// from the same dates.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

using claude_test::Assistant;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::system_clock;

namespace {

constexpr const char* kSonnet = "claude-sonnet-4-5-20250929";
constexpr const char* kOpus = "claude-opus-4-1-20250805";

std::string iso(system_clock::time_point t) {
    const auto day = std::chrono::floor<days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

std::string date(sys_days d) {
    return iso(d).substr(0, 10);
}

// Today (UTC), far enough from midnight that the test and the binary agree
// on it: near the end of a day, wait for the next one.
sys_days settled_today() {
    const auto now = system_clock::now();
    const auto into_day = now - std::chrono::floor<days>(now);
    if (into_day > std::chrono::hours(24) - std::chrono::minutes(2))
        std::this_thread::sleep_for(std::chrono::hours(24) - into_day + std::chrono::seconds(5));
    else if (into_day < std::chrono::seconds(5))
        std::this_thread::sleep_for(std::chrono::seconds(5));
    return std::chrono::floor<days>(system_clock::now());
}

struct Call {
    std::string session;
    std::string model;
    system_clock::time_point at;
    std::int64_t input = 0, output = 0, cache_read = 0;
    /// List prices: sonnet 4.5 $3/$15/$0.30 per M, opus 4.1 $15/$75; -1: unpriced.
    [[nodiscard]] std::int64_t cost_micros() const {
        if (model == kSonnet) return input * 3 + output * 15 + cache_read * 3 / 10;
        if (model == kOpus) return input * 15 + output * 75;
        return -1;
    }
    [[nodiscard]] std::string line(int n) const {
        return Assistant("msg_" + std::to_string(n), "req_" + std::to_string(n), input, 0, cache_read, output)
            .model(model)
            .session(session)
            .cwd("/w/glance")
            .at(iso(at))
            .line();
    }
};

// One file per session, as Claude Code writes them.
void write_calls(const testing::AgentHome& h, const std::vector<Call>& calls) {
    std::map<std::string, std::string> files;
    for (std::size_t i = 0; i < calls.size(); ++i) files[calls[i].session] += calls[i].line(static_cast<int>(i));
    for (const auto& [session, text] : files)
        testing::write_file(h.dir / "claude" / "projects" / "-w-glance" / (session + ".jsonl"), text);
}

struct GlanceHome : testing::AgentHome {
    GlanceHome() { env["CLAUDE_CONFIG_DIR"] = (dir / "claude").string(); }
    nlohmann::json glance_json(std::vector<std::string> extra = {}) const {
        extra.push_back("--json");
        const auto r = run(extra);
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }
    std::string glance_text(const std::vector<std::string>& args) const {
        const auto r = run(args);
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 0);
        return r.out;
    }
};

// A home of today and of two years ago, for the text lines: today holds 3
// sessions of 525,015 tokens and $7.14 (one call unpriced), the old one 2,000
// tokens and $0.018.
//   sonnet today s1: 175,000 tk $0.69 + 200,000 tk $1.20; opus today s2: 150,000 tk $5.25
//   mystery today s3: 15 tk, unpriced; sonnet two years ago s-old: 2,000 tk $0.018
std::vector<Call> today_and_long_ago(sys_days today) {
    const std::chrono::year_month_day ymd{today};
    const sys_days old{(ymd.year() - std::chrono::years{2}) / std::chrono::June / 15};
    const auto s = [&](int n) { return today + std::chrono::seconds(n); };
    return {{"s1", kSonnet, s(1), 100000, 25000, 50000},
            {"s1", kSonnet, s(2), 150000, 50000, 0},
            {"s2", kOpus, s(3), 100000, 50000, 0},
            {"s3", "mystery-model", s(4), 10, 5, 0},
            {"s-old", kSonnet, old + std::chrono::hours(12), 1000, 1000, 0}};
}

}  // namespace

TEST_CASE("glance: today, week, month, year and all equal report summary over the same ranges") {
    GlanceHome h;
    const sys_days today = settled_today();
    const std::chrono::year_month_day ymd{today};
    const sys_days week = today - days{std::chrono::weekday{today}.iso_encoding() - 1};
    const sys_days month{ymd.year() / ymd.month() / 1};
    const sys_days year{ymd.year() / std::chrono::January / 1};
    const auto second = std::chrono::seconds(1);
    const auto noon = std::chrono::hours(12);
    // Each call's tokens are a digit of its own, so a sum names the calls in it.
    const std::vector<Call> calls{
        {"s-today", kSonnet, today + second, 1, 0, 0},
        {"s-today", kOpus, today + second, 0, 2, 0},
        {"s-yesterday", kSonnet, today - days{1} + noon, 10, 0, 0},
        {"s-monday", kSonnet, week + second, 100, 0, 0},
        {"s-month", kSonnet, month + second, 1000, 0, 0},
        {"s-last-month", kOpus, month - noon, 10000, 0, 0},
        {"s-year", kSonnet, year + second, 100000, 0, 0},
        {"s-last-year", kSonnet, year - noon, 0, 1000000, 0},
    };
    write_calls(h, calls);

    struct Expected {
        const char* key;
        sys_days since;
        std::vector<std::string> report_args;
    };
    const std::vector<Expected> ranges{
        {"today", today, {"--range", "today"}},
        {"week", week, {"--since", date(week)}},
        {"month", month, {"--range", "month"}},
        {"year", year, {"--range", "year"}},
        {"all", sys_days{std::chrono::year{1970} / 1 / 1}, {"--range", "all"}},
    };
    const auto glance = h.glance_json({"--year", "--all"});
    CHECK(glance.size() == 5);
    for (const auto& r : ranges) {
        CAPTURE(r.key);
        std::int64_t tokens = 0, micros = 0, events = 0;
        std::set<std::string> sessions;
        for (const auto& c : calls)
            if (c.at >= r.since) {
                tokens += c.input + c.output + c.cache_read;
                micros += c.cost_micros();
                ++events;
                sessions.insert(c.session);
            }
        const auto& line = glance.at(r.key);
        CHECK(line["totals"]["total_tokens"] == tokens);
        CHECK(line["totals"]["cost_usd"].get<double>() == static_cast<double>(micros) / 1e6);
        CHECK(line["totals"]["events"] == events);
        CHECK(line["totals"]["sessions"] == sessions.size());
        CHECK(line["rows"].empty());
        const auto report = h.report("summary", r.report_args);
        CHECK(line["totals"] == report["totals"]);
        CHECK(line["range"] == report["range"]);
    }
    // The default lines are the first three.
    const auto plain = h.glance_json({"--no-scan"});
    CHECK(plain.size() == 3);
    CHECK(plain["week"] == glance["week"]);
}

TEST_CASE("glance: three text lines, --year and --all add theirs, --full adds models, zeros still print") {
    GlanceHome h;
    CHECK(h.glance_text({}) ==
          "Today: 0 tk | $0.00 | 0 sess\n"
          "Week: 0 tk | $0.00 | 0 sess\n"
          "Month: 0 tk | $0.00 | 0 sess\n");
    write_calls(h, today_and_long_ago(settled_today()));
    CHECK(h.glance_text({}) ==
          "Today: 525.0K tk | $7.14* | 3 sess\n"
          "Week: 525.0K tk | $7.14* | 3 sess\n"
          "Month: 525.0K tk | $7.14* | 3 sess\n"
          "* excludes events whose model has no known price (see `usage-agent prices`)\n");
    CHECK(h.glance_text({"--all", "--no-scan"}) ==
          "Today: 525.0K tk | $7.14* | 3 sess\n"
          "Week: 525.0K tk | $7.14* | 3 sess\n"
          "Month: 525.0K tk | $7.14* | 3 sess\n"
          "All: 527.0K tk | $7.16* | 4 sess\n"
          "* excludes events whose model has no known price (see `usage-agent prices`)\n");
    // Models by cost, then tokens: the unpriced one last.
    CHECK(h.glance_text({"--full", "--year", "--all", "--no-scan"}) ==
          "Today: 525.0K tk | $7.14* | 3 sess\n"
          "  claude-opus-4-1-20250805: 150.0K tk | $5.25 | 1 sess\n"
          "  claude-sonnet-4-5-20250929: 375.0K tk | $1.89 | 1 sess\n"
          "  mystery-model: 15 tk | $0.00* | 1 sess\n"
          "Week: 525.0K tk | $7.14* | 3 sess\n"
          "  claude-opus-4-1-20250805: 150.0K tk | $5.25 | 1 sess\n"
          "  claude-sonnet-4-5-20250929: 375.0K tk | $1.89 | 1 sess\n"
          "  mystery-model: 15 tk | $0.00* | 1 sess\n"
          "Month: 525.0K tk | $7.14* | 3 sess\n"
          "  claude-opus-4-1-20250805: 150.0K tk | $5.25 | 1 sess\n"
          "  claude-sonnet-4-5-20250929: 375.0K tk | $1.89 | 1 sess\n"
          "  mystery-model: 15 tk | $0.00* | 1 sess\n"
          "Year: 525.0K tk | $7.14* | 3 sess\n"
          "  claude-opus-4-1-20250805: 150.0K tk | $5.25 | 1 sess\n"
          "  claude-sonnet-4-5-20250929: 375.0K tk | $1.89 | 1 sess\n"
          "  mystery-model: 15 tk | $0.00* | 1 sess\n"
          "All: 527.0K tk | $7.16* | 4 sess\n"
          "  claude-opus-4-1-20250805: 150.0K tk | $5.25 | 1 sess\n"
          "  claude-sonnet-4-5-20250929: 377.0K tk | $1.91 | 2 sess\n"
          "  mystery-model: 15 tk | $0.00* | 1 sess\n"
          "* excludes events whose model has no known price (see `usage-agent prices`)\n");
}

TEST_CASE("glance: --model keeps the models whose id contains the text, case-insensitive, in text and JSON") {
    GlanceHome h;
    write_calls(h, today_and_long_ago(settled_today()));
    CHECK(h.glance_text({"--model", "SONNET", "--all"}) ==
          "Today: 375.0K tk | $1.89 | 1 sess\n"
          "Week: 375.0K tk | $1.89 | 1 sess\n"
          "Month: 375.0K tk | $1.89 | 1 sess\n"
          "All: 377.0K tk | $1.91 | 2 sess\n");
    const auto opus = h.glance_json({"--model", "opus-4", "--full", "--no-scan"});
    const auto& today = opus["today"];
    CHECK(today["totals"]["total_tokens"] == 150000);
    CHECK(today["totals"]["cost_usd"].get<double>() == 5.25);
    CHECK(today["totals"]["sessions"] == 1);
    REQUIRE(today["rows"].size() == 1);
    CHECK(today["rows"][0]["key"] == kOpus);
    CHECK(today["rows"][0]["input_tokens"] == 100000);
    CHECK(today["rows"][0]["output_tokens"] == 50000);
    // --full's rows are `report models` rows: the cost split into input and output.
    CHECK(today["rows"][0]["input_cost_usd"].get<double>() == 1.5);
    CHECK(today["rows"][0]["output_cost_usd"].get<double>() == 3.75);
    CHECK(today == h.report("models", {"--range", "today", "--model", "opus-4"}));
    const auto none = h.glance_json({"--model", "gemini", "--no-scan"});
    CHECK(none["month"]["totals"]["events"] == 0);
    CHECK(none["month"]["totals"]["total_tokens"] == 0);
}

TEST_CASE("glance: each run scans first, so a new transcript line counts once, and --no-scan skips it") {
    GlanceHome h;
    const sys_days today = settled_today();
    auto calls = today_and_long_ago(today);
    write_calls(h, calls);
    CHECK(h.glance_text({}).starts_with("Today: 525.0K tk | $7.14* | 3 sess\n"));
    // Opus, in 1,000 out 100: 1,100 tokens, $0.0225.
    const Call more{"s2", kOpus, today + std::chrono::seconds(30), 1000, 100, 0};
    testing::append_file(h.dir / "claude" / "projects" / "-w-glance" / "s2.jsonl", more.line(99));
    CHECK(h.glance_text({"--no-scan"}).starts_with("Today: 525.0K tk | $7.14* | 3 sess\n"));
    CHECK(h.glance_text({}).starts_with("Today: 526.1K tk | $7.16* | 3 sess\n"));
    CHECK(h.glance_text({}).starts_with("Today: 526.1K tk | $7.16* | 3 sess\n"));
    const auto j = h.glance_json({"--no-scan"});
    CHECK(j["today"]["totals"]["total_tokens"] == 526115);
    CHECK(j["today"]["totals"]["events"] == 5);
    CHECK(j["today"]["totals"]["cost_usd"].get<double>() == 7.1625);
}

TEST_CASE("glance: global options work without a command, glance options are refused after one") {
    GlanceHome h;
    write_calls(h, today_and_long_ago(settled_today()));
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    // Another store: nothing in it.
    const auto other = h.run({"--state-dir", (h.dir / "other").string(), "--no-scan"});
    CHECK(other.exit_code == 0);
    CHECK(other.out.starts_with("Today: 0 tk | $0.00 | 0 sess\n"));
    const auto missing = h.run({"--config", (h.dir / "nope.yaml").string()});
    CHECK(missing.exit_code == 1);
    CHECK(missing.out.empty());

    const auto help = h.run({"--help"});
    CHECK(help.exit_code == 0);
    for (const char* word : {"\n  sync ", "\n  report ", "\n  session ", "\n  --year ", "\n  --full "})
        CHECK(help.out.find(word) != std::string::npos);

    const auto sync_full = h.run({"sync", "--full"});
    CHECK(sync_full.exit_code == 2);
    CHECK(sync_full.err == "usage-agent: unknown option '--full' (see 'usage-agent sync --help')\n");
    const auto before = h.run({"--json", "report"});
    CHECK(before.exit_code == 2);
    CHECK(before.err == "usage-agent: put '--json' after 'usage-agent report' (see 'usage-agent report --help')\n");
    const auto zone = h.run({"--tz", "Nowhere/Else"});
    CHECK(zone.exit_code == 2);
    CHECK(zone.err ==
          "usage-agent: --tz: unknown time zone 'Nowhere/Else' (use an IANA name such as Europe/Berlin) (see "
          "'usage-agent --help')\n");
    CHECK(h.run({"--frob"}).err == "usage-agent: unknown option '--frob' (see 'usage-agent --help')\n");
}
