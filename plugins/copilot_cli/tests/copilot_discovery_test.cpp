// Where the plugin looks: COPILOT_HOME, ~/.copilot, the OTel export's
// folder (only files that start like an export), Windows homes.
#include "../copilot_discovery.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>

#include "../copilot_event.hpp"
#include "copilot_fixture.hpp"
#include "test_support.hpp"
#include "usage/config/environment.hpp"

namespace fs = std::filesystem;
using usage::plugins::copilot::copilot_roots;
using usage::plugins::copilot::discover_copilot_files;

namespace {

std::vector<fs::path> roots_with(std::map<std::string, std::string> vars) {
    usage::Environment env(std::move(vars));
    usage::DiscoveryContext ctx{&env, {}, {}};
    return copilot_roots(ctx);
}

}  // namespace

TEST_CASE("copilot discovery: the roots for each variable") {
    CHECK(roots_with({{"HOME", "/h"}}) == std::vector<fs::path>{"/h/.copilot"});
    CHECK(roots_with({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}}) ==
          std::vector<fs::path>{"/h/.copilot", "/x/.copilot"});
    CHECK(roots_with({{"HOME", "/h"}, {"COPILOT_HOME", "/c1,/c2"}, {"XDG_CONFIG_HOME", "/x"}}) ==
          std::vector<fs::path>{"/c1", "/c2"});
    CHECK(roots_with({{"HOME", "/h"}, {"COPILOT_OTEL_FILE_EXPORTER_PATH", "/tmp/otel/copilot.jsonl"}}) ==
          std::vector<fs::path>{"/h/.copilot", "/tmp/otel"});
    const usage::SourcePlugin* plugin = usage::find_source_plugin("copilot-cli");
    REQUIRE(plugin != nullptr);
    CHECK(plugin->windows_roots("/mnt/c/Users/ann") == std::vector<fs::path>{"/mnt/c/Users/ann/.copilot"});
    CHECK(plugin->root_variables() == std::vector<std::string_view>{"COPILOT_HOME", "COPILOT_OTEL_FILE_EXPORTER_PATH"});
}

TEST_CASE("copilot discovery: every store below a home, exports found by their first bytes") {
    testing::TempDir dir;
    const fs::path home = dir / ".copilot";
    testing::write_file(home / "session-state" / "s-1" / "events.jsonl", copilot_test::start_line("s-1", "/w", "m"));
    testing::write_file(home / "session-state" / "s-2" / "workspace.yaml", "id: s-2\n");  // no log yet
    testing::write_file(home / "otel" / "a.jsonl", "");                                   // under otel/: always
    testing::write_file(home / "export.jsonl", R"({"type":"metric","name":"x"})"
                                               "\n");
    testing::write_file(home / "notes.jsonl", R"({"type":"note"})"
                                              "\n");
    testing::write_file(home / "command-history-state.json", "{}");
    REQUIRE(::mkfifo((home / "pipe.jsonl").c_str(), 0600) == 0);  // never opened

    auto files = discover_copilot_files({home});
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    REQUIRE(files.size() == 3);
    CHECK(files[0].path == home / "export.jsonl");
    CHECK(files[0].kind == usage::plugins::copilot::kKindOtel);
    CHECK(files[0].mode == usage::ReadMode::append_lines);
    CHECK(files[1].path == home / "otel" / "a.jsonl");
    CHECK(files[2].path == home / "session-state" / "s-1" / "events.jsonl");
    CHECK(files[2].kind == usage::plugins::copilot::kKindEvents);
    CHECK(files[2].session_hint == "s-1");
    CHECK(files[2].mode == usage::ReadMode::append_lines);
    CHECK_FALSE(usage::plugins::copilot::looks_like_otel_export(home / "pipe.jsonl"));
}
