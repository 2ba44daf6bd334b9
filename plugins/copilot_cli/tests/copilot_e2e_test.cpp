// End to end through the real binary: the three stores of one ~/.copilot,
// arriving in different syncs and in one, count every call once; the
// export named by COPILOT_OTEL_FILE_EXPORTER_PATH is found beside other files.
#include <doctest/doctest.h>

#include <cmath>

#include "copilot_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using copilot_test::chat_span;
using copilot_test::Metric;
using copilot_test::SessionStore;
using copilot_test::shutdown_line;
using copilot_test::start_line;
using nlohmann::json;

namespace {

std::int64_t n(const json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

std::int64_t micros(const json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

struct Agent : testing::AgentHome {
    fs::path copilot = dir / "home" / ".copilot";
    json sync() const { return sync_stats("copilot-cli"); }
    [[nodiscard]] json totals() const { return report("summary").at("totals"); }

    void events(const std::string& session, const std::string& content) const {
        testing::append_file(copilot / "session-state" / session / "events.jsonl", content);
    }
    // S1: a Sonnet session whose two requests the database also holds.
    // S2: one gpt-5-mini request, in the OTel export and the database.
    // S3: only a shutdown (no database row, no span).
    void first_files() const {
        fs::create_directories(copilot / "session-state" / "S1");
        fs::create_directories(copilot / "session-state" / "S3");
        fs::create_directories(copilot / "otel");
        events("S1", start_line("S1", "/home/u/widgets", "claude-sonnet-4.5") +
                         shutdown_line("S1-sd1", "2026-08-01T10:30:00.000Z",
                                       {Metric{"claude-sonnet-4.5", 2, {23799, 127, 13813, 9776, 13}, 7'958'150'000}}));
        events("S3", start_line("S3", "/home/u/other", "claude-haiku-4.5") +
                         shutdown_line("S3-sd1", "2026-08-01T11:30:00.000Z",
                                       {Metric{"claude-haiku-4.5", 1, {2000, 100, 1500, 0, 0}, 500'000'000}}));
        testing::write_file(copilot / "otel" / "copilot.jsonl",
                            chat_span("tr2", "sp1", "S2", "gpt-5-mini", {500, 20, 0, 0, 0}, 0));
    }
    void database() const {
        SessionStore db(copilot / "session-store.db");
        db.session("S1", "/home/u/widgets", "acme/widgets", "main");
        db.session("S2", "/home/u/gadgets", "acme/gadgets", "main");
        db.row("S1", "claude-sonnet-4.5", {22799, 77, 13013, 9776, 13}, 6'958'150'000, "2026-08-01T10:05:00Z");
        db.row("S1", "claude-sonnet-4.5", {1000, 50, 800, 0, 0}, 1'000'000'000, "2026-08-01T10:06:00Z");
        db.row("S2", "gpt-5-mini", {500, 20, 0, 0, 0}, 0, "2026-08-01T10:07:00Z");
    }
    // Late copies of calls the database already holds.
    void late_copies() const {
        testing::append_file(copilot / "otel" / "copilot.jsonl",
                             chat_span("tr1", "sp9", "S1", "claude-sonnet-4.5", {1000, 50, 800, 0, 0}, 1e9));
        fs::create_directories(copilot / "session-state" / "S2");
        events("S2", start_line("S2", "/home/u/gadgets", "gpt-5-mini") +
                         shutdown_line("S2-sd1", "2026-08-01T10:40:00.000Z",
                                       {Metric{"gpt-5-mini", 1, {500, 20, 0, 0, 0}, 0}}));
    }
};

// The database's calls plus S3's shutdown: what every order must end with.
void check_final(const json& t) {
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 4);
    CHECK(n(t, "sessions") == 3);
    CHECK(n(t, "input_tokens") == 10 + 200 + 500 + 500);
    CHECK(n(t, "output_tokens") == 77 + 50 + 20 + 100);
    CHECK(n(t, "cache_read_tokens") == 13013 + 800 + 1500);
    CHECK(n(t, "cache_write_tokens") == 9776);
    CHECK(micros(t.at("reported_cost_usd")) == 69582 + 10000 + 0 + 5000);
}

}  // namespace

TEST_CASE("copilot e2e: database rows supersede spans and shutdown totals, whichever sync brings them") {
    Agent agent;
    agent.first_files();
    json s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_seen") == 3);
    json t = agent.totals();
    INFO("before the database: " << t.dump());
    CHECK(n(t, "events") == 3);  // S1's shutdown, S2's span, S3's shutdown
    CHECK(n(t, "input_tokens") == (23799 - 13813 - 9776) + 500 + 500);
    CHECK(n(t, "output_tokens") == 127 + 20 + 100);
    CHECK(micros(t.at("reported_cost_usd")) == 79582 + 0 + 5000);

    agent.database();
    s = agent.sync();
    CHECK(s.at("errors").empty());
    CHECK(n(s, "files_seen") == 4);
    check_final(agent.totals());

    agent.late_copies();
    s = agent.sync();
    CHECK(s.at("errors").empty());
    check_final(agent.totals());

    // Everything at once, in a fresh store: the same.
    Agent fresh;
    fresh.first_files();
    fresh.database();
    fresh.late_copies();
    CHECK(fresh.sync().at("errors").empty());
    check_final(fresh.totals());
}

TEST_CASE("copilot e2e: COPILOT_OTEL_FILE_EXPORTER_PATH on the real 1.0.78 samples") {
    auto shared = testing::shared_dir("the Copilot CLI 1.0.78 OTel samples");
    if (!shared) return;
    Agent agent;
    // The folder also holds the redacted export (found by its first bytes)
    // and the `--output-format json` tail, which is not an export.
    const fs::path dir = *shared / "fixtures/new-sources/copilot-cli";
    agent.env["COPILOT_OTEL_FILE_EXPORTER_PATH"] =
        (dir / "otel_file_export_cli-1.0.78-2_unredacted_head3.jsonl").string();
    const auto run = agent.sync_run("copilot-cli");
    CHECK(n(run.stats, "files_seen") == 2);
    CHECK(n(run.stats, "events_invalid") == 21);
    CHECK(run.err.find("gen_ai.usage.input_tokens is \"[REDACTED]\"") != std::string::npos);
    const json t = agent.totals();
    INFO("totals: " << t.dump());
    CHECK(n(t, "events") == 1);
    CHECK(n(t, "input_tokens") == 10);
    CHECK(n(t, "output_tokens") == 77);
    CHECK(n(t, "cache_read_tokens") == 13013);
    CHECK(n(t, "cache_write_tokens") == 9776);
    CHECK(micros(t.at("reported_cost_usd")) == 69582);
}
