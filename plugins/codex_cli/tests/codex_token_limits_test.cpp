// Corrupt numbers in Codex rollouts (plain and .zst), through the REAL
// binary: a token_count line with a count that breaks the rule of
// usage/model/token_limits.hpp is not a call; the others of the rollout still
// count, and one warning names the file, the line and the field.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"
#include "transcripts/codex_rollout.hpp"

namespace fs = std::filesystem;
using codex_test::kT0;
using codex_test::Meta;
using codex_test::Rollout;
using codex_test::Vec;
using nlohmann::ordered_json;

namespace {

// A token_count line with both usages, where `field` of `which` usage holds
// `raw` as written. The builder's 424242 marks the spot.
std::string corrupt_count(std::int64_t ms, Vec total, Vec last, const std::string& which, const std::string& field,
                          const std::string& raw) {
    Vec& target = which == "last_token_usage" ? last : total;
    (field == "output_tokens" ? target.output : target.input) = 424242;
    ordered_json info{{"total_token_usage", codex_test::usage_json(total)},
                      {"last_token_usage", codex_test::usage_json(last)},
                      {"model_context_window", 272000}};
    std::string line = codex_test::line(ms, "event_msg",
                                        {{"type", "token_count"}, {"info", std::move(info)}, {"rate_limits", nullptr}});
    const std::string mark = "\"" + which + "\":{";
    const auto usage = line.find(mark);
    const std::string key = "\"" + field + "\":424242";
    const auto at = line.find(key, usage);
    REQUIRE(at != std::string::npos);
    return line.replace(at, key.size(), "\"" + field + "\":" + raw);
}

// Lines 1-4: meta, task_started, turn_context, user message; 5: call A;
// 6 and 7: corrupt; 8: call B; 9: a total-only line whose growth is above
// the per-call cap; 10: call C.
Rollout corrupt_rollout() {
    Meta meta;
    meta.id = codex_test::v7(kT0, 1);
    Rollout r(meta);
    r.turn(kT0 + 1000, codex_test::v7(kT0 + 1000, 2), "gpt-5.1-codex").call(kT0 + 2000, {100, 0, 10, 0});
    r.raw(corrupt_count(kT0 + 3000, {200, 0, 20, 0}, {100, 0, 10, 0}, "last_token_usage", "output_tokens", "-5"));
    r.raw(corrupt_count(kT0 + 3500, {200, 0, 20, 0}, {100, 0, 10, 0}, "total_token_usage", "input_tokens", "1e400"));
    r.call(kT0 + 4000, {50, 0, 5, 0});
    r.call_total_only(kT0 + 5000, {2000000000, 0, 0, 0});
    r.call(kT0 + 6000, {7, 0, 1, 0});
    return r;
}

std::int64_t n(const nlohmann::json& j, const char* key) {
    return j.at(key).get<std::int64_t>();
}

void check_counted(const testing::AgentHome& home, const fs::path& file) {
    auto run = home.sync_run("codex-cli", {"--source", "codex-cli"});
    CHECK(n(run.stats, "events_new") == 3);
    CHECK(n(run.stats, "events_invalid") == 3);
    CHECK(n(run.stats, "malformed_lines") == 0);
    CHECK(run.err == "warning: " + file.string() +
                         ":6: payload.info.last_token_usage.output_tokens is -5, not a token count (0..1000000000): "
                         "event skipped (3 invalid events in this file)\n");
    const auto t = home.report("summary").at("totals");
    CHECK(n(t, "events") == 3);
    CHECK(n(t, "input_tokens") == 157);
    CHECK(n(t, "output_tokens") == 16);
}

}  // namespace

TEST_CASE("codex numbers: corrupt counts in a plain rollout skip their lines only") {
    testing::AgentHome home;
    const Rollout r = corrupt_rollout();
    const fs::path file = home.dir / "home/.codex" / r.session_path();
    testing::write_file(file, r.text());
    check_counted(home, file);
}

TEST_CASE("codex numbers: a .zst rollout names the line of its decompressed text") {
    testing::AgentHome home;
    const Rollout r = corrupt_rollout();
    const fs::path file = home.dir / "home/.codex" / (r.session_path() + ".zst");
    testing::write_file(file, codex_test::zstd_frame(r.text()));
    check_counted(home, file);
}

TEST_CASE("codex numbers: a running total above its cap and a per-call growth above the cap are named") {
    testing::AgentHome home;
    Meta meta;
    meta.id = codex_test::v7(kT0, 3);
    Rollout r(meta);
    r.turn(kT0 + 1000, codex_test::v7(kT0 + 1000, 4), "gpt-5.1-codex")
        .raw(corrupt_count(kT0 + 2000, {0, 0, 1, 0}, {1, 0, 1, 0}, "total_token_usage", "input_tokens",
                           "1000000000000001"))
        .call_total_only(kT0 + 3000, {1500000000, 0, 1, 0});
    const fs::path file = home.dir / "home/.codex" / r.session_path();
    testing::write_file(file, r.text());
    auto run = home.sync_run("codex-cli", {"--source", "codex-cli"});
    CHECK(n(run.stats, "events_invalid") == 2);
    CHECK(n(run.stats, "events_new") == 0);
    CHECK(run.err == "warning: " + file.string() +
                         ":5: payload.info.total_token_usage.input_tokens is 1000000000000001, not a running token "
                         "total (0..1000000000000000): event skipped (2 invalid events in this file)\n");
}
