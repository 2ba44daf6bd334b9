// The real binary on Cline task folders: the same task under two editors
// counts once, a task that grows is read again without double counting.
#include <doctest/doctest.h>

#include "vscode_task_files.hpp"

namespace fs = std::filesystem;
using namespace vscode_task_test;

namespace {

std::int64_t micros(const json& usd) {
    return static_cast<std::int64_t>(std::llround(usd.get<double>() * 1e6));
}

const json kOpus = cline_model("anthropic", "claude-opus-4-5-20251101");

}  // namespace

TEST_CASE("cline e2e: one task under two editors counts once, growth is counted on the next sync") {
    testing::AgentHome agent;
    const fs::path home = agent.dir / "home";
    json messages = json::array({
        {{"ts", 1770000000000}, {"type", "say"}, {"say", "task"}, {"text", "fix it"}},
        say(1770000001000, "api_req_started", usage_text(10, 200, 3000, 40000, 0.05), kOpus),
        say(1770000002000, "api_req_started", usage_text(10, 300, 1000, 43000, 0.04), kOpus),
    });
    const fs::path code = home / ".config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks";
    const fs::path cursor = home / ".config/Cursor/User/globalStorage/saoudrizwan.claude-dev/tasks";
    write_task(code, "1770000000000", messages);
    write_task(cursor, "1770000000000", messages);

    const json s1 = agent.sync_stats("cline");
    CHECK(s1.at("errors").empty());
    json t = agent.report("summary").at("totals");
    INFO("totals: " << t.dump());
    CHECK(t.at("events").get<std::int64_t>() == 2);
    CHECK(t.at("sessions").get<std::int64_t>() == 1);
    CHECK(t.at("input_tokens").get<std::int64_t>() == 20);
    CHECK(t.at("output_tokens").get<std::int64_t>() == 500);
    CHECK(t.at("cache_read_tokens").get<std::int64_t>() == 83000);
    CHECK(t.at("cache_write_tokens").get<std::int64_t>() == 4000);
    CHECK(micros(t.at("reported_cost_usd")) == 90000);

    messages.push_back(say(1770000003000, "api_req_started", usage_text(10, 100, 500, 44000, 0.03), kOpus));
    write_task(code, "1770000000000", messages);
    (void)agent.sync_stats("cline");
    t = agent.report("summary").at("totals");
    CHECK(t.at("events").get<std::int64_t>() == 3);
    CHECK(t.at("input_tokens").get<std::int64_t>() == 30);
    CHECK(t.at("output_tokens").get<std::int64_t>() == 600);
    CHECK(t.at("cache_read_tokens").get<std::int64_t>() == 127000);
    CHECK(micros(t.at("reported_cost_usd")) == 120000);
}
