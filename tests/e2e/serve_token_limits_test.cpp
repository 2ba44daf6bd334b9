// The endpoint applies the plugins' rule for token counts and costs
// (usage/model/token_limits.hpp): the real `serve --ingest` answers 400 naming
// `events[i].tokens.<field>`, stores nothing of that batch, and takes counts
// at the caps with exact sums.
#include <cmath>

#include "serve_helpers.hpp"

using namespace serve_test;

namespace {

struct Endpoint {
    testing::AgentHome home;
    std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server{home, {"--ingest"}};
};

// A batch of one valid event, then one whose tokens object is `tokens` (raw
// JSON: numbers exactly as written).
std::string batch_with(const std::string& tokens, const std::string& cost = "") {
    auto event = [](const std::string& id, const std::string& t, const std::string& c) {
        return R"({"id":"claude-code:)" + id + R"(","source":"claude-code","model":"claude-sonnet-4-5-20250929",)" +
               R"("timestamp_ms":1768039200000,"tokens":{)" + t + "}" + (c.empty() ? "" : R"(,"cost":{)" + c + "}") +
               "}";
    };
    return R"({"protocol":1,"machine":{"id":"m-1","name":"box"},"events":[)" + event("msg_ok:r", R"("input":5)", "") +
           "," + event("msg_bad:r", tokens, cost) + "]}";
}

}  // namespace

TEST_CASE("serve numbers: a count outside the rule is a 400 naming events[i].tokens.field") {
    Endpoint e;
    const std::string rule = " must be an integer from 0 to 1000000000";
    const std::pair<std::string, std::string> bad[] = {
        {R"("input":9223372036854775807)", "'events[1].tokens.input'"},
        {R"("input":-5)", "'events[1].tokens.input'"},
        {R"("output":99999999999999999999)", "'events[1].tokens.output'"},
        {R"("cache_read":12.5)", "'events[1].tokens.cache_read'"},
        {R"("cache_write_5m":12.0)", "'events[1].tokens.cache_write_5m'"},
        {R"("cache_write_1h":"12")", "'events[1].tokens.cache_write_1h'"},
        {R"("reasoning":1000000001)", "'events[1].tokens.reasoning'"},
    };
    for (const auto& [tokens, field] : bad) {
        auto r = ingest(e.server, batch_with(tokens), e.token);
        INFO(tokens << " -> " << r.status << " " << r.body);
        CHECK(r.status == 400);
        CHECK(error_of(r) == field + rule);
    }
    auto huge = ingest(e.server, batch_with(R"("input":1e400)"), e.token);
    CHECK(huge.status == 400);
    CHECK(error_of(huge) == "body holds a number out of range: '1e400'");
    auto cost = ingest(e.server, batch_with(R"("input":1)", R"("reported_micros":-1000000)"), e.token);
    CHECK(cost.status == 400);
    CHECK(error_of(cost) == "'events[1].cost.reported_micros' must be an integer from 0 to 1000000000000000");
    // Nothing of the refused batches was stored: the summary cannot wrap.
    CHECK(get_json(e.server, "/api/v1/summary", e.token)["totals"]["events"] == 0);
    CHECK(healthy(e.server));
}

TEST_CASE("serve numbers: counts at the cap are accepted and summed exactly") {
    Endpoint e;
    const std::string at_cap =
        R"("input":1000000000,"output":1000000000,"reasoning":1000000000,"cache_read":1000000000,)"
        R"("cache_write_5m":1000000000,"cache_write_1h":1000000000)";
    auto r = ingest(e.server, batch_with(at_cap), e.token);
    INFO(r.body);
    REQUIRE(r.status == 200);
    const auto t = get_json(e.server, "/api/v1/summary", e.token)["totals"];
    CHECK(t["events"] == 2);
    CHECK(t["input_tokens"] == 1000000005);
    CHECK(t["output_tokens"] == 1000000000);
    CHECK(t["cache_write_tokens"] == 2000000000);
    CHECK(t["total_tokens"] == 5000000005);
    CHECK(t["overflow"] == false);
    // Priced by the endpoint at Sonnet 4.5's long-context rates (the prompt is
    // above 200k): 1e9 x (6 + 22.5 + 0.6 + 7.5 + 12) micro-USD, plus 5 x 3.
    CHECK(std::llround(t["cost_usd"].get<double>() * 1e6) == 48600000015);
}
