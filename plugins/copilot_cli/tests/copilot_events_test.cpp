// events.jsonl: session.shutdown legs (reset, cumulative, compaction,
// duplicates), the session context, and incremental appends with state.
#include <doctest/doctest.h>

#include "../copilot_event.hpp"
#include "../copilot_events_reader.hpp"
#include "../copilot_shutdown_legs.hpp"
#include "copilot_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using copilot_test::Metric;
using copilot_test::shutdown_line;
using copilot_test::start_line;
using usage::plugins::copilot::kKindEvents;
using usage::plugins::copilot::LegHistory;
using usage::plugins::copilot::LegTotals;
using usage::plugins::copilot::ModelTotals;

namespace {

constexpr const char* kSession = "0b6c2f9e-3f5a-4c1e-9d2a-5e8f7a6b4c3d";

struct Log {
    testing::TempDir dir;
    fs::path path = dir / "session-state" / kSession / "events.jsonl";
    usage::ScanStart start;
    usage::ScanResult scan_all() {
        auto r = usage::plugins::copilot::scan_events_log(copilot_test::file_of(path, kKindEvents, kSession), start);
        start = {r.offset, r.state};
        return r;
    }
};

// Sonnet: 10 requests, 50,000 written input of which 30,000 cache read and
// 5,000 cache write; 2,000 output (300 reasoning); 12,000,000,000 nano-AIU.
const Metric kSonnetLeg1{"claude-sonnet-4.5", 10, {50000, 2000, 30000, 5000, 300}, 12'000'000'000};
const Metric kMiniLeg1{"gpt-5-mini", 2, {4000, 100, 1000, 0, 20}, 100'000'000};

std::int64_t sum(const usage::ScanResult& r, std::int64_t usage::TokenCounts::*field) {
    std::int64_t n = 0;
    for (const auto& e : r.events) n += e.tokens.*field;
    return n;
}

}  // namespace

TEST_CASE("copilot events: one shutdown gives one event per model, input split, place from session.start") {
    Log log;
    testing::write_file(log.path, start_line(kSession, "/home/u/widgets", "claude-sonnet-4.5") +
                                      copilot_test::assistant_line("see session.shutdown docs") +
                                      shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {kSonnetLeg1, kMiniLeg1}));
    const auto r = log.scan_all();
    CHECK(r.malformed_lines == 0);
    REQUIRE(r.events.size() == 2);
    const auto& s = r.events[0];
    CHECK(s.id == std::string("copilot-cli:") + kSession + ":shutdown:sd-1:claude-sonnet-4.5");
    CHECK(s.dedup_group == std::string("copilot-cli:") + kSession + ":");
    CHECK(s.replay);
    CHECK(s.aggregate);  // a leg's totals: a sum of calls
    CHECK(s.session_id == kSession);
    CHECK(s.model == "claude-sonnet-4.5");
    CHECK(s.pricing_model == "claude-sonnet-4-5");
    CHECK(s.tokens.input == 15000);  // 50000 - 30000 - 5000
    CHECK(s.tokens.cache_read == 30000);
    CHECK(s.tokens.cache_write_5m == 5000);
    CHECK(s.tokens.output == 2000);
    CHECK(s.tokens.reasoning == 300);
    CHECK(*s.reported_cost_micros == 120000);  // 1.2e10 nano-AIU = $0.12
    CHECK(s.project_path == "/home/u/widgets");
    CHECK(s.project_name == "widgets");
    CHECK(s.git_branch == "main");
    CHECK(s.repository == "https://github.com/acme/widgets");
    CHECK(s.timestamp_ms == 1785580200000);  // 2026-08-01T10:30:00Z
    const auto& m = r.events[1];
    CHECK(m.model == "gpt-5-mini");
    CHECK(m.tokens.input == 3000);
    CHECK(*m.reported_cost_micros == 1000);
    CHECK(m.aggregate);
}

TEST_CASE("copilot events: legs whose counters reset on resume are summed") {
    Log log;
    // Leg 2's sonnet counters are below leg 1's: the CLI started from zero.
    const Metric sonnet2{"claude-sonnet-4.5", 3, {9000, 700, 6000, 1000, 0}, 4'000'000'000};
    testing::write_file(log.path, start_line(kSession, "/w", "claude-sonnet-4.5") +
                                      shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {kSonnetLeg1}) +
                                      shutdown_line("sd-2", "2026-08-01T12:00:00.000Z", {sonnet2}));
    const auto r = log.scan_all();
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].id == std::string("copilot-cli:") + kSession + ":shutdown:sd-2:claude-sonnet-4.5");
    CHECK(sum(r, &usage::TokenCounts::input) == 15000 + 2000);
    CHECK(sum(r, &usage::TokenCounts::cache_read) == 36000);
    CHECK(sum(r, &usage::TokenCounts::cache_write_5m) == 6000);
    CHECK(sum(r, &usage::TokenCounts::output) == 2700);
    CHECK(*r.events[1].reported_cost_micros == 40000);
}

TEST_CASE("copilot events: cumulative legs count their difference, a new model counts whole") {
    Log log;
    const Metric sonnet2{"claude-sonnet-4.5", 14, {80000, 2600, 50000, 6000, 400}, 17'000'000'000};
    testing::write_file(log.path, start_line(kSession, "/w", "claude-sonnet-4.5") +
                                      shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {kSonnetLeg1}) +
                                      shutdown_line("sd-2", "2026-08-01T12:00:00.000Z", {sonnet2, kMiniLeg1}));
    const auto r = log.scan_all();
    REQUIRE(r.events.size() == 3);
    const auto& delta = r.events[1];
    CHECK(delta.model == "claude-sonnet-4.5");
    // (80000-50000) - (50000-30000) - (6000-5000) = 9000 uncached
    CHECK(delta.tokens.input == 9000);
    CHECK(delta.tokens.cache_read == 20000);
    CHECK(delta.tokens.cache_write_5m == 1000);
    CHECK(delta.tokens.output == 600);
    CHECK(delta.tokens.reasoning == 100);
    CHECK(*delta.reported_cost_micros == 50000);
    CHECK(r.events[2].model == "gpt-5-mini");
    CHECK(r.events[2].tokens.input == 3000);
    // The session total equals the last cumulative shutdown.
    CHECK(sum(r, &usage::TokenCounts::cache_read) == 50000 + 1000);
    CHECK(sum(r, &usage::TokenCounts::output) == 2600 + 100);
}

TEST_CASE("copilot events: a successful compaction restarts the counters, a failed one does not") {
    Log log;
    // After the compaction leg 2 restarted from zero but grew past leg 1:
    // without the compaction it would read as cumulative.
    const Metric sonnet2{"claude-sonnet-4.5", 12, {60000, 2500, 40000, 6000, 300}, 14'000'000'000};
    const Metric sonnet3{"claude-sonnet-4.5", 13, {61000, 2600, 40500, 6000, 300}, 14'100'000'000};
    testing::write_file(log.path, start_line(kSession, "/w", "claude-sonnet-4.5") +
                                      shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {kSonnetLeg1}) +
                                      copilot_test::compaction_line(true) +
                                      shutdown_line("sd-2", "2026-08-01T12:00:00.000Z", {sonnet2}) +
                                      copilot_test::compaction_line(false) +
                                      shutdown_line("sd-3", "2026-08-01T13:00:00.000Z", {sonnet3}));
    const auto r = log.scan_all();
    REQUIRE(r.events.size() == 3);
    CHECK(r.events[1].tokens.input == 14000);  // leg 2 whole: 60000 - 40000 - 6000
    CHECK(r.events[1].tokens.cache_read == 40000);
    CHECK(r.events[2].tokens.input == 500);  // leg 3 - leg 2: 1000 - 500 - 0
    CHECK(r.events[2].tokens.cache_read == 500);
    CHECK(r.events[2].tokens.output == 100);
    CHECK(sum(r, &usage::TokenCounts::output) == 2000 + 2500 + 100);
}

TEST_CASE("copilot events: a duplicated identical shutdown counts once") {
    Log log;
    const std::string sd = shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {kSonnetLeg1});
    std::string twin = shutdown_line("sd-1b", "2026-08-01T10:30:00.100Z", {kSonnetLeg1});
    testing::write_file(log.path, start_line(kSession, "/w", "claude-sonnet-4.5") + sd + twin + sd);
    const auto r = log.scan_all();
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].tokens.total() == 50000 + 2000);
}

TEST_CASE("copilot events: appends are read from the offset with the previous leg in the state") {
    Log log;
    testing::write_file(log.path, start_line(kSession, "/home/u/widgets", "claude-sonnet-4.5", "feature-x") +
                                      shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {kSonnetLeg1}));
    auto r = log.scan_all();
    REQUIRE(r.events.size() == 1);
    CHECK(r.offset == fs::file_size(log.path));

    // A half-written line is not read; the cumulative leg 2 arrives later.
    const Metric sonnet2{"claude-sonnet-4.5", 14, {80000, 2600, 50000, 6000, 400}, 17'000'000'000};
    const std::string leg2 = shutdown_line("sd-2", "2026-08-01T12:00:00.000Z", {sonnet2});
    testing::append_file(log.path, leg2.substr(0, 40));
    r = log.scan_all();
    CHECK(r.events.empty());
    testing::append_file(log.path, leg2.substr(40));
    r = log.scan_all();
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == std::string("copilot-cli:") + kSession + ":shutdown:sd-2:claude-sonnet-4.5");
    CHECK(r.events[0].tokens.input == 9000);
    CHECK(r.events[0].tokens.cache_read == 20000);
    CHECK(r.events[0].git_branch == "feature-x");  // the place came from the state
    CHECK(r.events[0].project_path == "/home/u/widgets");
    CHECK(r.events[0].session_id == kSession);
}

TEST_CASE("copilot events: a model-less metric takes the selected model, bad counts skip the leg") {
    Log log;
    Metric unnamed = kMiniLeg1;
    unnamed.model = "";
    std::string bad = shutdown_line("sd-2", "2026-08-01T11:00:00.000Z", {kSonnetLeg1});
    bad.replace(bad.find("\"outputTokens\":2000"), 19, "\"outputTokens\":\"2k\"");
    testing::write_file(
        log.path,
        start_line(kSession, "/w", "claude-sonnet-4.5") +
            R"({"type":"session.model_change","data":{"newModel":"claude-opus-4.6"},"id":"mc","timestamp":"2026-08-01T10:10:00.000Z","parentId":"p"})"
            "\n" +
            shutdown_line("sd-1", "2026-08-01T10:30:00.000Z", {unnamed}) + bad +
            "{\"type\":\"session.shutdown\",\"data\":{\n");
    const auto r = log.scan_all();
    CHECK(r.invalid.count == 1);
    CHECK(r.invalid.first_field == "modelMetrics.usage.outputTokens");
    CHECK(r.malformed_lines == 1);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].model == "claude-opus-4.6");
    CHECK(r.events[0].model_guessed);
    CHECK(r.events[0].pricing_model == "claude-opus-4-6");
    CHECK(r.events[0].tokens.input == 3000);
}

TEST_CASE("copilot events: the leg rule in isolation") {
    LegHistory h;
    ModelTotals a;
    a.requests = 2;
    a.usage = {100, 10, 50, 0, 0};
    ModelTotals b = a;
    b.usage.input = 150;
    b.requests = 3;
    auto shares = h.take(LegTotals{{"m", a}});
    REQUIRE(shares.size() == 1);
    CHECK(shares[0].totals.usage.input == 100);
    shares = h.take(LegTotals{{"m", b}});  // cumulative: +50 input, +1 request
    REQUIRE(shares.size() == 1);
    CHECK(shares[0].totals.usage.input == 50);
    CHECK(shares[0].totals.requests == 1);
    CHECK(h.take(LegTotals{{"m", b}}).empty());  // the same shutdown again
    shares = h.take(LegTotals{{"other", a}});    // "m" vanished: a reset, counted whole
    REQUIRE(shares.size() == 1);
    CHECK(shares[0].totals.usage.input == 100);
}
