// A store holding impossible numbers (as a version before the token rule
// could write them): `report` and `serve`'s read API show saturated sums
// flagged `overflow`, with one warning, instead of wrapped or negative ones.
#include <limits>

#include "serve_helpers.hpp"
#include "usage/store/store.hpp"

using namespace serve_test;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Three calls of half the 64-bit range each, with as large a reported cost.
void write_impossible_store(const testing::AgentHome& home) {
    usage::PriceBook prices;
    usage::Store store(home.dir / "state");
    store.use_prices(prices);
    usage::FileBatch b;
    b.source = "claude-code";
    b.path = "/old.jsonl";
    for (const char* id : {"a", "b", "c"}) {
        usage::UsageEvent e;
        e.id = std::string("claude-code:") + id + ":";
        e.source = "claude-code";
        e.session_id = "s1";
        e.model = "mystery";
        e.timestamp_ms = kJan10;
        e.tokens.input = kMax / 2;
        e.tokens.output = 1;
        e.reported_cost_micros = kMax / 2;
        b.events.push_back(e);
    }
    store.apply({b});
}

}  // namespace

TEST_CASE("report overflow: saturated sums are flagged and warned about, tables still print") {
    testing::AgentHome home;
    write_impossible_store(home);
    auto r = home.run({"report", "summary", "--json", "--no-scan"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err ==
          "warning: the store holds impossible numbers: a sum does not fit in 64 bits and shows the largest value "
          "instead (marked \"overflow\": true in --json)\n");
    const auto t = nlohmann::json::parse(r.out)["totals"];
    CHECK(t["overflow"] == true);
    CHECK(t["input_tokens"] == kMax);
    CHECK(t["output_tokens"] == 3);
    CHECK(t["total_tokens"] == kMax);
    CHECK(t["reported_cost_usd"].get<double>() == 9223372036854.775807);  // the nearest double
    CHECK(t["events"] == 3);

    auto table = home.run({"report", "summary", "--no-scan"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("9,223,372,036,854,775,807") != std::string::npos);
}

TEST_CASE("report overflow: serve's read API flags the same sums") {
    testing::AgentHome home;
    write_impossible_store(home);
    testing::ServeProcess server(home);
    const auto s = get_json(server, "/api/v1/summary");
    CHECK(s["totals"]["overflow"] == true);
    CHECK(s["totals"]["input_tokens"] == kMax);
    CHECK(s["rows"][0]["overflow"] == true);
    CHECK(s["rows"][0]["cost_usd"].get<double>() == 9223372036854.775807);
}
