// Reading Droid settings files written by the test: three observations of a
// session, the project from the transcript or the slug, broken and invalid
// files, discovery and its variables.
#include "../droid_scan.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "../droid_discovery.hpp"
#include "droid_fixture.hpp"
#include "usage/scan/file_cursor.hpp"

namespace fs = std::filesystem;
using droid_test::settings_json;
using usage::ScanResult;
using usage::SourceFile;

namespace {

constexpr const char* kSession = "0f6c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

SourceFile settings_file(const fs::path& path, const std::string& slug = "-w-app") {
    SourceFile f;
    f.path = path;
    f.project_hint = slug;
    f.mode = usage::ReadMode::cumulative;
    return f;
}

std::int64_t mtime_ms(const fs::path& p) {
    return usage::stat_file(p)->mtime_ns / 1'000'000;
}

const usage::UsageEvent& only(const ScanResult& r) {
    REQUIRE(r.events.size() == 1);
    return r.events.front();
}

}  // namespace

TEST_CASE("droid scan: three observations make three events with the differences") {
    testing::TempDir dir;
    const fs::path path = dir / "-w-app" / (std::string(kSession) + ".settings.json");
    droid_test::transcript(dir / "-w-app" / (std::string(kSession) + ".jsonl"), kSession, "/w/app");
    const std::string model = "custom:Claude-Sonnet-4-[Anthropic]";
    droid_test::replace_file(path, settings_json(model, {1000, 200, 3000, 40000, 50}));

    const ScanResult r1 = usage::plugins::droid::scan_settings_file(settings_file(path), "");
    const auto& e1 = only(r1);
    CHECK(e1.id == std::string("droid:") + kSession + ":1");
    CHECK(e1.source == "droid");
    CHECK(e1.session_id == kSession);
    CHECK(e1.model == model);
    CHECK(e1.pricing_model == "claude-sonnet-4");
    CHECK(e1.provider == "anthropic");
    CHECK(e1.surface == "cli");
    CHECK(e1.project_path == "/w/app");
    CHECK(e1.project_name == "app");
    CHECK(e1.timestamp_ms == mtime_ms(path));
    CHECK(e1.tokens.input == 1000);
    CHECK(e1.tokens.output == 250);
    CHECK(e1.tokens.reasoning == 50);
    CHECK(e1.tokens.cache_write_5m == 3000);
    CHECK(e1.tokens.cache_read == 40000);
    CHECK_FALSE(e1.reported_cost_micros);
    CHECK(e1.aggregate);  // a delta of running totals: a sum of calls
    CHECK(r1.state == "droid-v1 1 1000 200 3000 40000 50");

    droid_test::replace_file(path, settings_json(model, {1600, 260, 3500, 52000, 80}));
    const ScanResult r2 = usage::plugins::droid::scan_settings_file(settings_file(path), r1.state);
    const auto& e2 = only(r2);
    CHECK(e2.id == std::string("droid:") + kSession + ":2");
    CHECK(e2.tokens.input == 600);
    CHECK(e2.tokens.output == 90);
    CHECK(e2.tokens.reasoning == 30);
    CHECK(e2.tokens.cache_write_5m == 500);
    CHECK(e2.tokens.cache_read == 12000);

    droid_test::replace_file(path, settings_json(model, {1700, 300, 3500, 60000, 80}));
    const ScanResult r3 = usage::plugins::droid::scan_settings_file(settings_file(path), r2.state);
    const auto& e3 = only(r3);
    CHECK(e3.id == std::string("droid:") + kSession + ":3");
    CHECK(e3.tokens.input == 100);
    CHECK(e3.tokens.output == 40);
    CHECK(e3.tokens.cache_read == 8000);
    CHECK(e3.tokens.total() == 8140);

    // Unchanged totals (a rewrite of other settings): no event, same state.
    const ScanResult same = usage::plugins::droid::scan_settings_file(settings_file(path), r3.state);
    CHECK(same.events.empty());
    CHECK(same.state == r3.state);
}

TEST_CASE("droid scan: the slug names the project without a transcript, the bracket the provider") {
    testing::TempDir dir;
    const fs::path path = dir / "-home-u-proj" / "s1.settings.json";
    droid_test::replace_file(path, settings_json("custom:GPT-5.1-Codex-[OpenAI]-3", {10, 5, 0, 0, 0}, ""));
    const ScanResult r = usage::plugins::droid::scan_settings_file(settings_file(path, "-home-u-proj"), "");
    const auto& e = only(r);
    CHECK(e.project_path.empty());
    CHECK(e.project_name == "-home-u-proj");
    CHECK(e.provider == "openai");
    CHECK(e.pricing_model == "gpt-5.1-codex");
    CHECK(e.tokens.input == 10);
    CHECK(e.tokens.output == 5);
}

TEST_CASE("droid scan: broken, invalid, empty and usage-less files keep what was counted") {
    testing::TempDir dir;
    const fs::path path = dir / "s.settings.json";
    const std::string state = "droid-v1 2 100 10 0 0 0";

    testing::write_file(path, R"({"model":"claude-sonnet-4","tokenUsage":{"inputTokens":1)");
    ScanResult r = usage::plugins::droid::scan_settings_file(settings_file(path), state);
    CHECK(r.events.empty());
    CHECK(r.malformed_lines == 1);
    CHECK(r.state == state);

    testing::write_file(path, R"({"model":"claude-sonnet-4","tokenUsage":{"inputTokens":-4,"outputTokens":1}})");
    r = usage::plugins::droid::scan_settings_file(settings_file(path), state);
    CHECK(r.events.empty());
    CHECK(r.invalid.count == 1);
    CHECK(r.invalid.first_field == "tokenUsage.inputTokens");
    CHECK(r.invalid.first_value == "-4");
    CHECK(r.state == state);

    testing::write_file(path, R"({"model":"claude-sonnet-4","tokenUsage":{"inputTokens":1.5}})");
    r = usage::plugins::droid::scan_settings_file(settings_file(path), state);
    CHECK(r.invalid.count == 1);

    testing::write_file(path, "");
    r = usage::plugins::droid::scan_settings_file(settings_file(path), state);
    CHECK(r.events.empty());
    CHECK(r.malformed_lines == 0);
    CHECK(r.state == state);

    testing::write_file(path, R"({"model":"claude-sonnet-4","autonomyMode":"normal"})");
    r = usage::plugins::droid::scan_settings_file(settings_file(path), state);
    CHECK(r.events.empty());
    CHECK(r.malformed_lines == 0);
    CHECK(r.state == state);

    // Fixed: the growth since the state counts.
    testing::write_file(
        path, R"({"model":"claude-sonnet-4","tokenUsage":{"inputTokens":150,"outputTokens":10,"totalTokens":160}})");
    r = usage::plugins::droid::scan_settings_file(settings_file(path), state);
    CHECK(only(r).id == "droid:s:3");
    CHECK(only(r).tokens.input == 50);
    CHECK(only(r).tokens.output == 0);
    CHECK(only(r).pricing_model.empty());  // already a price id
}

TEST_CASE("droid discovery: slug folders, top-level files, DROID_SESSIONS_DIR, FACTORY_DIR, HOME") {
    testing::TempDir dir;
    usage::Environment env({{"HOME", (dir / "home").string()}});
    usage::DiscoveryContext ctx{&env, {}};
    CHECK(usage::plugins::droid::droid_roots(ctx).at(0) == dir / "home/.factory/sessions");
    env.set("FACTORY_DIR", (dir / "fac").string());
    CHECK(usage::plugins::droid::droid_roots(ctx).at(0) == dir / "fac/sessions");
    env.set("DROID_SESSIONS_DIR", (dir / "ds").string());
    CHECK(usage::plugins::droid::droid_roots(ctx).at(0) == dir / "ds");
    const usage::SourcePlugin* plugin = usage::find_source_plugin("droid");
    REQUIRE(plugin);
    CHECK(plugin->windows_roots("/mnt/c/Users/u") == std::vector<fs::path>{"/mnt/c/Users/u/.factory/sessions"});

    const fs::path root = dir / "ds";
    testing::write_file(root / "-w-app" / "a.settings.json", "{}");
    testing::write_file(root / "-w-app" / "a.jsonl", "");
    testing::write_file(root / "-w-app" / "deeper" / "x.settings.json", "{}");  // two levels down: not Droid's
    testing::write_file(root / "b.settings.json", "{}");
    testing::write_file(root / ".settings.json", "{}");
    auto files = usage::plugins::droid::discover_droid_files({root, root});
    REQUIRE(files.size() == 2);
    std::sort(files.begin(), files.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    CHECK(files[0].path == root / "-w-app" / "a.settings.json");
    CHECK(files[0].project_hint == "-w-app");
    CHECK(files[0].session_hint == "a");
    CHECK(files[0].mode == usage::ReadMode::cumulative);
    CHECK(files[1].path == root / "b.settings.json");
    CHECK(files[1].project_hint.empty());
}
