// The counting rules of the shared task reader, on Cline task folders written
// the way Cline writes them (apps/vscode/src/shared/ExtensionMessage.ts
// ClineApiReqInfo; getApiMetrics.ts for which records carry usage).
#include <doctest/doctest.h>

#include "vscode_task_files.hpp"

namespace fs = std::filesystem;
using namespace vscode_task_test;

namespace {

const json kOpus = cline_model("anthropic", "claude-opus-4-5-20251101");

}  // namespace

TEST_CASE("cline rules: in-flight requests are skipped, streaming_failed ones with usage count") {
    testing::TempDir tmp;
    json streaming_failed = usage_text(12, 80, 100, 2000, 0.0123456);
    streaming_failed["cancelReason"] = "streaming_failed";
    streaming_failed["streamingFailedMessage"] = "terminated";
    json cancelled_empty = usage_text(0, 0, 0, 0, 0);
    cancelled_empty["cancelReason"] = "user_cancelled";
    const fs::path dir =
        write_task(tmp / "tasks", "t1",
                   json::array({
                       {{"ts", 1000}, {"type", "say"}, {"say", "task"}, {"text", "do it"}},
                       say(1001, "api_req_started", usage_text(10, 50, 300, 4000, 0.01), kOpus),
                       say(1002, "api_req_started", streaming_failed, kOpus),
                       say(1003, "api_req_started", cancelled_empty, kOpus),  // cancelled before any usage
                       say(1004, "api_req_started", {{"request", "<task>x</task>"}}, kOpus),  // in flight
                   }));
    const auto r = scan_dir("cline", dir);
    CHECK(r.malformed_lines == 0);
    check_sums(r.events, {2, 22, 130, 6000, 400, 10000 + 12346});
    CHECK(ids(r.events) == std::vector<std::string>{"cline:t1:1001", "cline:t1:1002"});
}

TEST_CASE("cline rules: legacy started/finished pairs count the finished half once") {
    testing::TempDir tmp;
    const fs::path dir = write_task(tmp / "tasks", "legacy",
                                    json::array({
                                        say(2000, "api_req_started", {{"request", "<task>a</task>"}}),
                                        say(2005, "api_req_finished", usage_text(100, 20, 0, 0, 0.002)),
                                        say(2010, "api_req_started", {{"request", "more"}}),
                                        say(2015, "api_req_finished", usage_text(150, 30, 0, 0, 0.003)),
                                    }));
    const auto r = scan_dir("cline", dir);
    check_sums(r.events, {2, 250, 50, 0, 0, 5000});
    CHECK(ids(r.events) == std::vector<std::string>{"cline:legacy:2005", "cline:legacy:2015"});
}

TEST_CASE("cline rules: OpenAI-compatible providers include cached reads in tokensIn") {
    testing::TempDir tmp;
    const fs::path dir = write_task(
        tmp / "tasks", "oai",
        json::array({
            say(3000, "api_req_started", usage_text(1000, 10, 0, 600, 0.001), cline_model("openai", "gpt-4.1")),
            say(3001, "api_req_started", usage_text(500, 10, 0, 700, 0.001), cline_model("litellm", "x")),
            say(3002, "api_req_started", usage_text(1000, 10, 0, 600, 0.001),
                cline_model("openrouter", "anthropic/claude-sonnet-4.5")),
        }));
    const auto r = scan_dir("cline", dir);
    REQUIRE(r.events.size() == 3);
    CHECK(r.events[0].tokens.input == 400);   // 1000 - 600
    CHECK(r.events[1].tokens.input == 0);     // never below 0
    CHECK(r.events[2].tokens.input == 1000);  // OpenRouter's handler already subtracted the cache
    CHECK(r.events[2].provider == "openrouter");
    CHECK(r.events[2].model == "anthropic/claude-sonnet-4.5");
}

TEST_CASE("cline rules: subagent_usage and deleted_api_reqs records count") {
    testing::TempDir tmp;
    json subagents = usage_text(4000, 800, 0, 0, 0.05);
    subagents["source"] = "subagents";
    const fs::path dir = write_task(tmp / "tasks", "agg",
                                    json::array({
                                        say(4000, "api_req_started", usage_text(10, 20, 30, 40, 0.001), kOpus),
                                        say(4001, "subagent_usage", subagents, kOpus),
                                        say(4002, "deleted_api_reqs", usage_text(6, 9, 1, 0, 0.03)),
                                    }));
    const auto r = scan_dir("cline", dir);
    REQUIRE(r.events.size() == 3);
    check_sums(r.events, {3, 10 + 4000 + 6, 20 + 800 + 9, 40, 31, 1000 + 50000 + 30000});
    CHECK(r.events[1].surface == "subagent");
    CHECK(r.events[1].model_guessed);
    CHECK(r.events[2].id == "cline:agg:4002");
    CHECK(r.events[2].model == "claude-opus-4-5-20251101");  // the task's model at that time
    CHECK(r.events[2].model_guessed);
    // The two records sum calls: priced at base rates; the call is one call.
    CHECK_FALSE(r.events[0].aggregate);
    CHECK(r.events[1].aggregate);
    CHECK(r.events[2].aggregate);
}

TEST_CASE("cline rules: calls counted before a checkpoint restore are taken off its deleted_api_reqs") {
    testing::TempDir tmp;
    const json first = json::array({
        say(5000, "api_req_started", usage_text(10, 100, 1000, 5000, 0.10), kOpus),
        say(5100, "api_req_started", usage_text(20, 200, 2000, 6000, 0.20), kOpus),
        say(5200, "api_req_started", usage_text(30, 300, 3000, 7000, 0.30), kOpus),
    });
    const fs::path dir = write_task(tmp / "tasks", "restore", first);
    const auto before = scan_dir("cline", dir);
    check_sums(before.events, {3, 60, 600, 18000, 6000, 600000});

    // Restored to after the first call: the two later ones are summed into
    // one deleted_api_reqs record (checkpoints/index.ts), then work goes on.
    const json restored = json::array({
        say(5000, "api_req_started", usage_text(10, 100, 1000, 5000, 0.10), kOpus),
        say(5300, "deleted_api_reqs", usage_text(50, 500, 5000, 13000, 0.50)),
        say(5400, "api_req_started", usage_text(40, 400, 4000, 8000, 0.40), kOpus),
    });
    testing::write_file(dir / "ui_messages.json", restored.dump());
    const auto after = scan_dir("cline", dir, before.state);
    // The aggregate holds only what was counted already: no event for it.
    CHECK(ids(after.events) == std::vector<std::string>{"cline:restore:5000", "cline:restore:5400"});
    check_sums(after.events, {2, 50, 500, 13000, 5000, 500000});
    // The deduction is remembered: a third read gives the same.
    const auto third = scan_dir("cline", dir, after.state);
    CHECK(ids(third.events) == ids(after.events));

    // Without a previous read the aggregate is all there is of those calls.
    const auto fresh = scan_dir("cline", dir);
    check_sums(fresh.events, {3, 100, 1000, 26000, 10000, 1000000});
}

TEST_CASE("cline rules: repeated ts get distinct ids, a re-read after the file grows keeps them") {
    testing::TempDir tmp;
    json messages = json::array({
        say(6000, "api_req_started", usage_text(1, 2, 3, 4, 0.000001), kOpus),
        say(6000, "api_req_started", usage_text(5, 6, 7, 8, 0.000002), kOpus),
    });
    const fs::path dir = write_task(tmp / "tasks", "grow", messages);
    const auto r1 = scan_dir("cline", dir);
    CHECK(ids(r1.events) == std::vector<std::string>{"cline:grow:6000", "cline:grow:6000:2"});
    messages.push_back({{"ts", 6050}, {"type", "say"}, {"say", "text"}, {"text", "done"}});
    messages.push_back(say(6100, "api_req_started", {{"request", "next"}}, kOpus));  // in flight
    testing::write_file(dir / "ui_messages.json", messages.dump());
    const auto r2 = scan_dir("cline", dir, r1.state);
    CHECK(ids(r2.events) == ids(r1.events));
    messages.back() = say(6100, "api_req_started", usage_text(9, 10, 11, 12, 0.000003), kOpus);  // finished
    testing::write_file(dir / "ui_messages.json", messages.dump());
    const auto r3 = scan_dir("cline", dir, r2.state);
    CHECK(ids(r3.events) == std::vector<std::string>{"cline:grow:6000", "cline:grow:6000:2", "cline:grow:6100"});
    check_sums(r3.events, {3, 15, 18, 24, 21, 6});
}

TEST_CASE("cline rules: the model falls back to the answer, then task_metadata, else stays empty") {
    testing::TempDir tmp;
    const json messages = json::array({
        say(7000, "api_req_started", usage_text(1, 1, 0, 0, 0.0)),
        say(7100, "api_req_started", usage_text(1, 1, 0, 0, 0.0)),
    });
    SUBCASE("api_conversation_history.json modelInfo of the answer after the request") {
        const fs::path dir = write_task(tmp / "tasks", "h", messages);
        const json history = json::array({
            {{"role", "user"}, {"content", "hi"}, {"ts", 6999}},
            {{"role", "assistant"},
             {"content", "a"},
             {"modelInfo", {{"modelId", "model-a"}, {"providerId", "anthropic"}, {"mode", "act"}}},
             {"ts", 7050}},
            {{"role", "assistant"},
             {"content", "b"},
             {"modelInfo", {{"modelId", "model-b"}, {"providerId", "bedrock"}, {"mode", "act"}}},
             {"ts", 7150}},
        });
        testing::write_file(dir / "api_conversation_history.json", history.dump());
        const auto r = scan_dir("cline", dir);
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].model == "model-a");
        CHECK(r.events[1].model == "model-b");
        CHECK(r.events[1].provider == "bedrock");
    }
    SUBCASE("task_metadata.json model_usage in force at the request") {
        const fs::path dir = write_task(tmp / "tasks", "m", messages);
        const json metadata = {
            {"files_in_context", json::array()},
            {"model_usage",
             json::array({{{"ts", 6900}, {"model_id", "model-x"}, {"model_provider_id", "openai"}, {"mode", "act"}},
                          {{"ts", 7090}, {"model_id", "model-y"}, {"model_provider_id", "gemini"}, {"mode", "act"}}})},
            {"environment_history", json::array()},
        };
        testing::write_file(dir / "task_metadata.json", metadata.dump());
        const auto r = scan_dir("cline", dir);
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].model == "model-x");
        CHECK(r.events[1].model == "model-y");
        CHECK(r.events[1].provider == "gemini");
    }
    SUBCASE("nothing names it") {
        const fs::path dir = write_task(tmp / "tasks", "n", messages);
        const auto r = scan_dir("cline", dir);
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].model.empty());
    }
}

TEST_CASE("cline rules: the project comes from the environment_details of the first request") {
    testing::TempDir tmp;
    const std::string request =
        "<task>x</task>\n<environment_details>\n# Current Working Directory (/home/u/src/shop) Files\nmain.go\n"
        "</environment_details>";
    const fs::path dir = write_task(tmp / "tasks", "p",
                                    json::array({say(8000, "api_req_started",
                                                     {{"request", request},
                                                      {"tokensIn", 5},
                                                      {"tokensOut", 6},
                                                      {"cacheWrites", 0},
                                                      {"cacheReads", 0},
                                                      {"cost", 0.001}},
                                                     kOpus)}));
    const auto r = scan_dir("cline", dir);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].project_path == "/home/u/src/shop");
    CHECK(r.events[0].project_name == "shop");
}

TEST_CASE("cline rules: a file cut mid-write keeps its complete records, bad numbers are skipped") {
    testing::TempDir tmp;
    const json good = json::array({say(9000, "api_req_started", usage_text(1, 2, 3, 4, 0.001), kOpus),
                                   say(9001, "api_req_started", usage_text(-5, 2, 3, 4, 0.001), kOpus),
                                   say(9002, "api_req_started", usage_text(7, 8, 9, 10, 0.002), kOpus)});
    const fs::path dir = write_task(tmp / "tasks", "cut", good);
    std::string text = good.dump();
    text.pop_back();  // no closing bracket
    text += ",{\"ts\":9003,\"type\":\"say\",\"say\":\"api_req_started\",\"text\":\"{\\\"tokensIn\\\":1";
    testing::write_file(dir / "ui_messages.json", text);
    const auto r = scan_dir("cline", dir);
    CHECK(r.malformed_lines == 1);
    CHECK(r.invalid.count == 1);
    CHECK(r.invalid.first_field == "text.tokensIn");
    CHECK(r.invalid.first_value == "-5");
    check_sums(r.events, {2, 8, 10, 14, 12, 3000});

    // A usage text that is not JSON counts as malformed and is skipped.
    const fs::path dir2 =
        write_task(tmp / "tasks", "badtext",
                   json::array({{{"ts", 1}, {"type", "say"}, {"say", "api_req_started"}, {"text", "{not json"}},
                                say(2, "api_req_started", usage_text(1, 1, 0, 0, 0.0), kOpus)}));
    const auto r2 = scan_dir("cline", dir2);
    CHECK(r2.malformed_lines == 1);
    CHECK(r2.events.size() == 1);
}

TEST_CASE("cline rules: routers' dotted Claude names are priced under the provider's id") {
    const auto& p = plugin("cline");
    const auto sonnet = p.map_model_name("anthropic/claude-sonnet-4.5");
    REQUIRE(sonnet);
    CHECK(sonnet->pricing_model == "claude-sonnet-4-5");
    CHECK(p.map_model_name("anthropic/claude-3.7-sonnet:thinking")->pricing_model == "claude-3-7-sonnet");
    CHECK(p.map_model_name("anthropic/claude-opus-4.1")->pricing_model == "claude-opus-4-1");
    CHECK_FALSE(p.map_model_name("claude-4.5-sonnet"));  // Cursor's name, not a router's
    CHECK_FALSE(p.map_model_name("claude-sonnet-4-5-20250929"));
    CHECK_FALSE(p.map_model_name("anthropic/claude-sonnet-4-5"));  // the resolver peels the prefix itself
    CHECK_FALSE(p.map_model_name("openai/gpt-5.1"));
    CHECK(plugin("kilo-code").map_model_name("anthropic/claude-haiku-4.5")->pricing_model == "claude-haiku-4-5");

    testing::TempDir tmp;
    const fs::path dir = write_task(tmp / "tasks", "r",
                                    json::array({say(1, "api_req_started", usage_text(1, 1, 0, 0, 0.0),
                                                     cline_model("openrouter", "anthropic/claude-sonnet-4.5"))}));
    const auto r = scan_dir("cline", dir);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].model == "anthropic/claude-sonnet-4.5");
    CHECK(r.events[0].pricing_model == "claude-sonnet-4-5");
}

TEST_CASE("cline rules: counts and costs outside the rule make the record invalid, never zero") {
    testing::TempDir tmp;
    json big = usage_text(1, 2, 3, 4, 0.001);
    big["tokensOut"] = 1000000001;
    json fraction = usage_text(1, 2, 3, 4, 0.001);
    fraction["cacheReads"] = 4.5;
    json text_count = usage_text(1, 2, 3, 4, 0.001);
    text_count["cacheWrites"] = "3";
    json bad_cost = usage_text(1, 2, 3, 4, 0.001);
    bad_cost["cost"] = -0.5;
    json nulls = usage_text(7, 8, 0, 0, 0.002);
    nulls["cacheWrites"] = nullptr;  // not reported: reads as 0
    const fs::path dir =
        write_task(tmp / "tasks", "lim",
                   json::array({say(1, "api_req_started", big, kOpus), say(2, "api_req_started", fraction, kOpus),
                                say(3, "api_req_started", text_count, kOpus),
                                say(4, "api_req_started", bad_cost, kOpus), say(5, "api_req_started", nulls, kOpus)}));
    const auto r = scan_dir("cline", dir);
    CHECK(r.invalid.count == 4);
    CHECK(r.invalid.first_field == "text.tokensOut");
    CHECK(r.invalid.first_value == "1000000001");
    check_sums(r.events, {1, 7, 8, 0, 0, 2000});
    // A damaged cursor state only loses the restore bookkeeping.
    const auto again = scan_dir("cline", dir, "garbage\nc 5 x 1 2 3 4 5\nd\n");
    check_sums(again.events, {1, 7, 8, 0, 0, 2000});
}
