// Roo Code task folders written the way Roo writes them (src/core/task/Task.ts
// of RooCodeInc/Roo-Code): a placeholder `api_req_started` holding only
// {apiProtocol}, filled in when the stream ends with tokensIn =
// costResult.totalInputTokens (cache INCLUDED since PR #8954, 2025-10-31),
// `api_req_deleted` after a checkpoint restore, `<model>` in the
// environment_details of api_conversation_history.json, and
// history_item.json's `workspace`.
#include <doctest/doctest.h>

#include "../../cline/tests/vscode_task_files.hpp"

namespace fs = std::filesystem;
using namespace vscode_task_test;

namespace {

constexpr std::int64_t kNov2025 = 1764000000000;  // after #8954
constexpr std::int64_t kSep2025 = 1757000000000;  // before it, after apiProtocol (July 2025)

json roo_usage(const std::string& protocol, std::int64_t in, std::int64_t out, std::int64_t writes, std::int64_t reads,
               double cost) {
    json u = usage_text(in, out, writes, reads, cost);
    u["apiProtocol"] = protocol;
    return u;
}

json history_entry(const std::string& role, std::int64_t ts, const std::string& text) {
    return {{"role", role}, {"content", json::array({{{"type", "text"}, {"text", text}}})}, {"ts", ts}};
}

std::string environment_details(const std::string& model, const std::string& cwd) {
    std::string s =
        "<environment_details>\n# VSCode Visible Files\n\n# Current Mode\n<slug>code</slug>\n<name>Code</name>\n";
    s += "<model>" + model + "</model>\n";
    if (!cwd.empty()) s += "\n\n# Current Workspace Directory (" + cwd + ") Files\nsrc/\n";
    return s + "</environment_details>";
}

}  // namespace

TEST_CASE("roo-code: tokensIn includes the cache since PR 8954 for both protocols") {
    testing::TempDir tmp;
    const fs::path dir = write_task(
        tmp / "tasks", "0b6e7d4c-roo",
        json::array({
            say(kNov2025, "api_req_started", roo_usage("anthropic", 12 + 3000 + 40000, 500, 3000, 40000, 0.05)),
            say(kNov2025 + 1, "api_req_started", roo_usage("openai", 9000, 300, 0, 8000, 0.01)),
            say(kNov2025 + 2, "api_req_started", {{"apiProtocol", "anthropic"}}),  // in flight
        }));
    const auto r = scan_dir("roo-code", dir);
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].tokens.input == 12);
    CHECK(r.events[0].tokens.cache_read == 40000);
    CHECK(r.events[0].tokens.cache_write_5m == 3000);
    CHECK(r.events[1].tokens.input == 1000);
    CHECK(r.events[0].id == "roo-code:0b6e7d4c-roo:" + std::to_string(kNov2025));
    CHECK(r.events[0].source == "roo-code");
    check_sums(r.events, {2, 1012, 800, 48000, 3000, 60000});
}

TEST_CASE("roo-code: before PR 8954 an anthropic tokensIn is the raw uncached count") {
    testing::TempDir tmp;
    const fs::path dir =
        write_task(tmp / "tasks", "old",
                   json::array({
                       say(kSep2025, "api_req_started", roo_usage("anthropic", 15, 100, 2000, 30000, 0.02)),
                       say(kSep2025 + 1, "api_req_started", roo_usage("openai", 5000, 100, 0, 4000, 0.01)),
                       // No apiProtocol at all (before July 2025): raw.
                       say(kSep2025 + 2, "api_req_started", usage_text(25, 10, 100, 900, 0.001)),
                       // Later than the change, but smaller than the cache: cannot be a total.
                       say(kNov2025, "api_req_started", roo_usage("anthropic", 7, 1, 10, 20, 0.001)),
                   }));
    const auto r = scan_dir("roo-code", dir);
    REQUIRE(r.events.size() == 4);
    CHECK(r.events[0].tokens.input == 15);
    CHECK(r.events[1].tokens.input == 1000);
    CHECK(r.events[2].tokens.input == 25);
    CHECK(r.events[3].tokens.input == 7);
}

TEST_CASE("roo-code: model from the environment_details model tag, project from history_item.json") {
    testing::TempDir tmp;
    const fs::path dir =
        write_task(tmp / "tasks", "task-m",
                   json::array({
                       say(kNov2025 + 10, "api_req_started", roo_usage("anthropic", 100, 10, 0, 0, 0.001)),
                       say(kNov2025 + 20, "api_req_started", roo_usage("openai", 100, 10, 0, 0, 0.001)),
                   }));
    const json history = json::array({
        history_entry("user", kNov2025 + 5, environment_details("claude-sonnet-4-5", "/work/roo-app")),
        history_entry("assistant", kNov2025 + 15, "ok"),
        history_entry("user", kNov2025 + 16, environment_details("openai/gpt-5", "")),
    });
    testing::write_file(dir / "api_conversation_history.json", history.dump());
    SUBCASE("workspace from the first environment_details") {
        const auto r = scan_dir("roo-code", dir);
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].model == "claude-sonnet-4-5");
        CHECK(r.events[1].model == "openai/gpt-5");
        CHECK(r.events[0].project_path == "/work/roo-app");
        CHECK(r.events[0].project_name == "roo-app");
        CHECK_FALSE(r.events[0].model_guessed);
    }
    SUBCASE("history_item.json workspace wins") {
        const json item = {
            {"id", "task-m"},  {"number", 1},     {"ts", kNov2025},     {"task", "x"},
            {"tokensIn", 200}, {"tokensOut", 20}, {"totalCost", 0.002}, {"workspace", "/home/dev/other"}};
        testing::write_file(dir / "history_item.json", item.dump());
        const auto r = scan_dir("roo-code", dir);
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].project_path == "/home/dev/other");
    }
}

TEST_CASE("roo-code: api_req_deleted after a restore counts what was not read before") {
    testing::TempDir tmp;
    const fs::path dir =
        write_task(tmp / "tasks", "del",
                   json::array({
                       say(kNov2025, "api_req_started", roo_usage("anthropic", 1100, 10, 100, 1000, 0.01)),
                       // Sum of two removed calls' totals (getApiMetrics of the deleted messages).
                       say(kNov2025 + 50, "api_req_deleted", usage_text(2200, 20, 200, 1900, 0.02)),
                   }));
    const auto r = scan_dir("roo-code", dir);
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].id == "roo-code:del:" + std::to_string(kNov2025 + 50));
    CHECK(r.events[1].tokens.input == 100);  // total less cache, as the protocol in force says
    check_sums(r.events, {2, 100, 30, 2900, 300, 30000});
}

TEST_CASE("roo-code: discovery under the Roo extension id only") {
    testing::TempDir tmp;
    usage::Environment env({{"HOME", (tmp / "home").string()}});
    usage::DiscoveryContext ctx;
    ctx.env = &env;
    const auto roots = plugin("roo-code").roots(ctx);
    CHECK(std::find(roots.begin(), roots.end(),
                    tmp / "home/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks") != roots.end());
    for (const auto& r : roots) CHECK(r.string().find("claude-dev") == std::string::npos);
    const auto win = plugin("roo-code").windows_roots("/mnt/c/Users/u");
    CHECK(win.front() ==
          fs::path("/mnt/c/Users/u/AppData/Roaming/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks"));
}
